import { addVirtualAuthenticator, withoutPasskeyAutofill } from "./authenticator";
import { expect, password, test, uniqueEmail } from "./fixtures";

// Passkeys, as a user adds one and signs in with it. The authenticator is
// Chromium's virtual one (e2e/authenticator.ts), so this test needs
// Chromium.

test("add a passkey, sign in with it, remove it", async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  const signedInAs = page.getByText(email, { exact: true });
  const passkeys = page.locator(".passkeys li");
  await addVirtualAuthenticator(page);

  await test.step("register", async () => {
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  await test.step("add a passkey", async () => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Passkeys" })).toBeVisible();
    await expect(page.getByText("No passkeys yet.")).toBeVisible();
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect(page.getByText("Passkey added.")).toBeVisible();
    await expect(passkeys).toHaveCount(1);
    await expect(passkeys).toContainText("never used");
  });

  await test.step("sign out: the email field offers the passkey, and it signs in", async () => {
    // The virtual authenticator answers the request of the email field's
    // suggestions at once, as a person picking the passkey there would.
    const passkeySignIn = page.waitForResponse(
      (res) => res.url().endsWith("/api/auth/passkeys/login") && res.request().method() === "POST",
    );
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Sign out" }).click();
    expect((await passkeySignIn).status()).toBe(200);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("sign out: the passkey button signs in", async () => {
    await withoutPasskeyAutofill(page);
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username webauthn");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("the sessions list says how it signed in", async () => {
    await page.goto("/settings");
    const thisDevice = page.getByRole("row").filter({ hasText: "This device" });
    await expect(thisDevice).toContainText("Signed in with a passkey");
    await expect(passkeys).toContainText("last used");
  });

  await test.step("remove it (the account still has its password)", async () => {
    await page.getByRole("button", { name: "Remove" }).click();
    await expect(passkeys).toHaveCount(0);
    await expect(page.getByText("No passkeys yet.")).toBeVisible();
  });
});
