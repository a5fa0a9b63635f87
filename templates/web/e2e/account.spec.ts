import type { Page } from "@playwright/test";

import { expect, password, test, uniqueEmail } from "./fixtures";
import { linkInMail } from "./mailbox";

// The account's life after sign-up: mails and their links, the list of
// sessions, a new password, deleting the account. Every mail goes through
// SMTP to e2e/mail-server.mjs; the tests follow the links that arrive.

async function register(page: Page, email: string) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function signIn(page: Page, email: string, pass: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Opens a mailed link and checks the token leaves the address bar at once. */
async function openLink(page: Page, link: string, path: string) {
  const url = new URL(link);
  // The link points at the app's origin as the API knows it (APP_URL); open
  // the same page on the origin the tests use.
  await page.goto(url.pathname + url.search);
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

test("forgot password: the mailed link sets a new one, and the old one stops working", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(`forgot-${testInfo.project.name}`);
  await register(page, email);
  await page.context().clearCookies();

  const since = Date.now();
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("on its way");

  const link = await linkInMail(email, "Reset your password", "/reset-password", since);
  const referers: string[] = [];
  page.on("request", (req) => {
    const referer = req.headers()["referer"];
    if (referer) {
      referers.push(referer);
    }
  });
  await openLink(page, link, "/reset-password");
  const newPassword = "a brand new passphrase";
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=done$/);
  expect(referers.filter((r) => r.includes("token="))).toEqual([]);

  // The same link again is refused.
  await openLink(page, link, "/reset-password");
  await page.getByLabel("New password").fill("yet another passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("link");

  await signIn(page, email, password);
  await expect(page.locator("form").getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("verify email: the mailed link verifies the address", async ({ page }, testInfo) => {
  const email = uniqueEmail(`verify-${testInfo.project.name}`);
  const since = Date.now();
  await register(page, email);
  const banner = page.getByRole("region", { name: "Email verification" });
  await expect(banner).toBeVisible();

  const link = await linkInMail(email, "Confirm your email address", "/verify-email", since);
  await openLink(page, link, "/verify-email");
  await expect(page.getByRole("status")).toContainText("verified");

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(banner).toHaveCount(0);
});

test("settings: one browser signs another out", async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(`sessions-${testInfo.project.name}`);
  await register(page, email);

  const otherContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  try {
    const other = await otherContext.newPage();
    await signIn(other, email, password);
    await expect(other).toHaveURL(/\/dashboard$/);

    await page.goto("/settings");
    const rows = page.getByRole("row").filter({ has: page.getByRole("button", { name: "Sign out" }) });
    await expect(rows).toHaveCount(2);
    const current = rows.filter({ hasText: "This device" });
    await expect(current).toHaveCount(1);
    await rows.filter({ hasNotText: "This device" }).getByRole("button", { name: "Sign out" }).click();
    await expect(rows).toHaveCount(1);

    // The other browser is signed out on its next request.
    await other.reload();
    await expect(other).toHaveURL(/\/login$/);
    // This one is not.
    await page.reload();
    await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  } finally {
    await otherContext.close();
  }
});

test("settings: change the password, then delete the account", async ({ page }, testInfo) => {
  const email = uniqueEmail(`account-${testInfo.project.name}`);
  await register(page, email);
  await page.goto("/settings");

  const newPassword = "a brand new passphrase";
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#current_password-error")).toBeVisible();

  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("password was changed");

  await page.getByLabel("Current password").fill(newPassword);
  await page.getByRole("button", { name: "Delete account" }).click();
  await expect(page).toHaveURL(/\/login\?deleted=done$/);
  await expect(page.getByRole("status")).toContainText("deleted");

  await signIn(page, email, newPassword);
  await expect(page.locator("form").getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
