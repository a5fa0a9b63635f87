import type { Page } from "@playwright/test";

import { expect, password, test, uniqueEmail } from "./fixtures";

// Sign-in with a provider, through the provider's own login page: the API's
// OIDC_ISSUER is api/cmd/devidp (named "Dev ID"), whose login page takes any
// email address with the password "password". Every step is a real
// redirect: to the provider, and back to /auth/callback/oidc.

const provider = "Dev ID";

/** Signs in on the provider's login page as email. */
async function atProvider(page: Page, email: string) {
  await expect(page).toHaveURL(/\/login\/username/);
  await page.getByLabel("Username").fill(email);
  await page.getByLabel("Password").fill("password");
  await page.getByRole("button", { name: "Login" }).click();
}

test("sign in with a provider, stay signed in, add a note, sign out", async ({
  page,
  browserName,
}, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  const signedInAs = page.getByText(email, { exact: true });

  await test.step("continue with the provider", async () => {
    await page.goto("/login");
    const button = page.getByRole("button", { name: `Continue with ${provider}` });
    await expect(
      button,
      "the API offers no Dev ID: run it with OIDC_ISSUER=http://127.0.0.1:5556 OIDC_CLIENT_ID=devidp OIDC_CLIENT_SECRET=devidp-secret OIDC_NAME='Dev ID' (or stop make dev, and the tests start it so)",
    ).toBeVisible();
    await button.click();
    await atProvider(page, email);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("reload stays signed in", async () => {
    await page.reload();
    await expect(signedInAs).toBeVisible();
  });

  await test.step("add a note", async () => {
    await page.getByLabel("Title").fill("From the provider");
    await page.getByLabel("Body").fill("Signed in without a password.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("heading", { name: "From the provider" })).toBeVisible();
  });

  await test.step("sign out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step("the provider signs the same account in again", async () => {
    await page.getByRole("button", { name: `Continue with ${provider}` }).click();
    await atProvider(page, email);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
    await expect(page.getByRole("heading", { name: "From the provider" })).toBeVisible();
  });

  // Going back leads to the provider's page, on another site, where
  // Playwright loses the page in Firefox (over WebDriver BiDi): Chromium
  // checks this.
  if (browserName === "chromium") {
    await test.step("the callback's code is not left in the history", async () => {
      await page.goBack();
      await expect(page).not.toHaveURL(/code=/);
    });
  }
});

test("connect a provider in the settings, sign in with it, disconnect it", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(testInfo.project.name);
  const atTheProvider = uniqueEmail(`${testInfo.project.name}-idp`);
  const connect = page.getByRole("button", { name: `Connect ${provider}` });

  await test.step("register with a password", async () => {
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  await test.step("connect the provider", async () => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Connected accounts" })).toBeVisible();
    await connect.click();
    await atProvider(page, atTheProvider);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText(atTheProvider, { exact: true })).toBeVisible();
    await expect(connect).toHaveCount(0);
  });

  await test.step("the provider now signs this account in", async () => {
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByRole("button", { name: `Continue with ${provider}` }).click();
    await atProvider(page, atTheProvider);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(email, { exact: true })).toBeVisible();
  });

  await test.step("disconnect it", async () => {
    await page.goto("/settings");
    await page.getByRole("button", { name: "Disconnect" }).click();
    await expect(connect).toBeVisible();
    await page.reload();
    await expect(connect).toBeVisible();
  });
});
