import type { Locator, Page } from "@playwright/test";

import { expect, password, test, uniqueEmail } from "./fixtures";

// What a form says after a failed submission, and pages that hold long
// values: one clear message, in sentences, and nothing wider than the screen.

async function register(page: Page, email: string, pass: string) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** How many lines the text of an element takes. */
async function lines(element: Locator): Promise<number> {
  return element.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return tops.size;
  });
}

test("a refused password is said once, next to its field, and the meter starts over", async ({
  page,
}, testInfo) => {
  await register(page, uniqueEmail(testInfo.project.name), "password");
  const field = page.getByLabel("Password");
  const error = page.locator("#password-error");
  await expect(error).toBeVisible();
  // A sentence, not the API's lower-case phrase.
  await expect(error).toHaveText(/^[A-Z].*\.$/);
  // It is the form's one alert: no second message under the form, and no
  // verdict on the password the form just emptied.
  await expect(page.locator("form").getByRole("alert")).toHaveCount(1);
  await expect(page.locator("form").getByRole("alert")).toHaveAttribute("id", "password-error");
  await expect(field).toHaveValue("");
  await expect(page.locator(".strength")).toBeEmpty();
  // The field is where the focus went, so a screen reader reads why.
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute("aria-invalid", "true");
});

test("the strength verdict does not move the button a click is on its way to", async ({ page }) => {
  await page.goto("/register");
  await expect(page.getByRole("button", { name: "Create account" })).toBeEnabled();
  // The estimator loads with the first keystroke; held back here, as on a
  // slow network, it arrives well after the typing.
  await page.route("**/_next/static/**", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  await page.getByLabel("Password").fill(password);
  const button = page.getByRole("button", { name: "Create account" });
  const before = await button.boundingBox();
  await expect(page.locator(".strength")).toContainText("Strength:");
  expect(await button.boundingBox()).toEqual(before);
});

test("a used or made-up link says so in one sentence, with the way to a new one", async ({
  page,
}) => {
  await page.goto("/reset-password?token=made-up");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText(
    "This link is invalid, used or expired. Ask for a new link.",
  );
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await page.goto("/verify-email?token=made-up");
  await expect(page.locator("main").getByRole("alert")).toHaveText(
    "This link is invalid, used or expired. You can ask for a new one from your settings.",
  );
});

test("every password form has a username for password managers", async ({ page }, testInfo) => {
  await page.goto("/reset-password?token=made-up");
  await expect(page.locator('form input[autocomplete="username"]')).toHaveCount(1);

  const email = uniqueEmail(testInfo.project.name);
  await register(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings");
  const accountForm = page.locator("form", { has: page.getByLabel("Current password") });
  await expect(accountForm.locator('input[autocomplete="username"]')).toHaveValue(email);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a long address wraps instead of widening the page", async ({ page }, testInfo) => {
    // One long word: no hyphen or dot where a line could break.
    const email = uniqueEmail(testInfo.project.name)
      .replace(/[-.](?=.*@)/g, "")
      .replace("@", "withaverylongmailboxnamethatfillsthescreen@");
    await register(page, email, password);
    await expect(page).toHaveURL(/\/dashboard$/);
    for (const path of ["/dashboard", "/settings"]) {
      await page.goto(path);
      await expect(page.getByText(email, { exact: true })).toBeVisible();
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        screen: document.documentElement.clientWidth,
      }));
      expect(widths.page, path).toBeLessThanOrEqual(widths.screen);
    }
  });
});

test("the sessions table keeps its badge and buttons on one line", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await register(page, uniqueEmail(testInfo.project.name), password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings");
  const badge = page.getByText("This device", { exact: true });
  await expect(badge).toBeVisible();
  expect(await lines(badge)).toBe(1);
  const signOut = page.getByRole("row").filter({ has: badge }).getByRole("button", { name: "Sign out" });
  expect(await lines(signOut)).toBe(1);
});

test("an unknown address gets the app's own page, with the way home", async ({ page }) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle(/^Page not found · /);
  // Inside the app's layout and styles, light or dark.
  await expect(page.locator("header").getByRole("link").first()).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});
