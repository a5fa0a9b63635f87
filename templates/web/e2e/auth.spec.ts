import type { Page } from "@playwright/test";

import { expect, password, test, uniqueEmail } from "./fixtures";

// The whole flow a new user goes through, against the real API. Each run
// registers a fresh address, so it can run again and again on one database.

async function fillCredentials(page: Page, email: string, pass: string) {
  // Cleared first: Firefox, driven over WebDriver BiDi, adds to what an
  // email field holds instead of replacing it.
  await page.getByLabel("Email").clear();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
}

test("register, stay signed in, add a note, sign out and sign in again", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  const signedInAs = page.getByText(email, { exact: true });

  await test.step("register", async () => {
    await page.goto("/register");
    await fillCredentials(page, email, password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("reload stays signed in", async () => {
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("add a note", async () => {
    await page.getByLabel("Title").fill("First note");
    await page.getByLabel("Body").fill("Written by the browser test.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("heading", { name: "First note" })).toBeVisible();
    await expect(page.getByText("Written by the browser test.")).toBeVisible();
    // The form is cleared for the next note.
    await expect(page.getByLabel("Title")).toHaveValue("");
  });

  await test.step("the note survives a reload", async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: "First note" })).toBeVisible();
  });

  await test.step("sign out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step("/dashboard sends a signed-out visitor to /login", async () => {
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login$/);
    await expect(signedInAs).toHaveCount(0);
  });

  await test.step("a wrong password shows an alert", async () => {
    await fillCredentials(page, email, "not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // Scoped to the form: Next's route announcer is a role="alert" too.
    await expect(page.locator("form").getByRole("alert")).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step("sign in again and find the note", async () => {
    await fillCredentials(page, email, password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
    await expect(page.getByRole("heading", { name: "First note" })).toBeVisible();
  });

  await test.step("delete the note", async () => {
    await page.getByRole("button", { name: /Delete note/ }).click();
    await expect(page.getByRole("heading", { name: "First note" })).toHaveCount(0);
    await page.reload();
    await expect(page.getByText("No notes yet.")).toBeVisible();
  });
});

test("signing in from the home page reaches the dashboard; the header follows", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(`home-${testInfo.project.name}`);
  const signedInAs = page.getByText(email, { exact: true });
  const header = page.getByRole("banner");
  const account = header.getByRole("button", { name: "Account", exact: true });
  // The home page is where a new user starts: whatever it prefetched while
  // they were signed out must not send them back to /login afterwards.
  // Give the home page time to prefetch what it links to, as a visitor
  // reading it does.
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(account).toHaveCount(0);
  await page.getByRole("link", { name: "Create an account" }).click();
  await fillCredentials(page, email, password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(signedInAs).toBeVisible();
  await expect(header.getByRole("link", { name: "Sign in" })).toHaveCount(0);
  await expect(header.getByRole("link", { name: "Dashboard" })).toHaveAttribute(
    "aria-current",
    "page",
  );

  // The account menu: who is signed in, the settings, and signing out.
  await account.click();
  const menu = page.getByRole("menu");
  await expect(menu.getByText(email, { exact: true })).toBeVisible();
  await menu.getByRole("menuitem", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await account.click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
  await fillCredentials(page, email, password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(signedInAs).toBeVisible();
});

test("registering a taken email shows the API's error", async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  // Registered once...
  await page.goto("/register");
  await fillCredentials(page, email, password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // ...and a second time.
  await page.goto("/register");
  await fillCredentials(page, email, password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("form").getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
});

test("a visitor who never signed in goes to /login without a request the API refuses", async ({
  page,
}) => {
  // Browsers log every 401 as an error: a signed-out visit must not ask.
  const refused: string[] = [];
  page.on("response", (res) => {
    if (res.status() === 401) {
      refused.push(`${res.request().method()} ${res.url()}`);
    }
  });
  for (const path of ["/dashboard", "/settings"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  }
  expect(refused).toEqual([]);
});
