import { expect, password, test, uniqueEmail } from "./fixtures";
import { totp } from "./totp";

// Two-factor authentication, as a user turns it on and lives with it: the
// authenticator app is e2e/totp.ts, which makes the codes of the secret the
// settings page shows.

test("turn on two-factor authentication, then sign in with a code and with a recovery code", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  let secret = "";
  let recoveryCode = "";

  await test.step("register", async () => {
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  await test.step("set up the authenticator app", async () => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    secret = (await page.locator("code.secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel("Authentication code").fill(totp(secret));
    await page.getByRole("button", { name: "Enable" }).click();
    const codes = page.locator(".recovery-codes code");
    await expect(codes).toHaveCount(10);
    recoveryCode = (await codes.first().textContent()) ?? "";
    await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Download" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Turn off two-factor authentication" })).toBeVisible();
  });

  async function signOutAndIn() {
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByLabel("Authentication code")).toBeVisible();
  }

  await test.step("a password alone no longer signs in: the app's code does", async () => {
    await signOutAndIn();
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.locator("form").getByRole("alert")).toBeVisible();
    // The code that turned it on was used: the app's next one.
    await page.getByLabel("Authentication code").fill(totp(secret, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(email, { exact: true })).toBeVisible();
  });

  await test.step("a recovery code signs in once", async () => {
    await signOutAndIn();
    await page.getByRole("button", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").fill(recoveryCode);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(email, { exact: true })).toBeVisible();
  });
});
