// Playwright's own test, not the project's fixtures' one: here the browser
// logs the API's 401s as errors, which the fixtures would fail on.
import { expect, test, type Page } from "@playwright/test";

import { password, uniqueEmail } from "../fixtures";
import { totp } from "../totp";

// Cross-site, in a browser that keeps none of the API's cookies (here
// Chromium blocking third-party cookies, with an API that does not set
// Partitioned; in the wild, Safari before 26.2 or Firefox blocking all
// third-party cookies): the sign-up succeeds at the API, the browser drops
// its cookies, and the web app must say so and what to do, not quietly
// send the user back to /login.

async function expectBlockedMessage(page: Page) {
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toContainText("did not keep the sign-in");
  await expect(alert).toContainText("third-party cookies");
  await expect(alert).toContainText("same-site");
}

test("a browser that drops the API's cookies is told why and what to do", async ({ page }, testInfo) => {
  await page.goto("/register");
  await page.getByLabel("Email").fill(uniqueEmail(testInfo.project.name));
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expectBlockedMessage(page);
  await expect(page).toHaveURL(/\/register$/);
});

// The same browser signing in to an account with two-factor authentication:
// the pending sign-in's cookie is dropped too, and the second step must say
// why rather than that the sign-in expired. The account is set up by
// talking to the API directly, as no browser of this kind can sign in.
test("a sign-in's second step in a browser that drops the API's cookies says why", async ({
  page,
}, testInfo) => {
  const apiBase = process.env.SCAFFOLD_API_BASE;
  const appOrigin = process.env.BASE_URL;
  expect(apiBase, "SCAFFOLD_API_BASE").toBeTruthy();
  expect(appOrigin, "BASE_URL").toBeTruthy();
  const email = uniqueEmail(testInfo.project.name);
  const cookies = new Map<string, string>();
  async function call(path: string, body: object): Promise<Record<string, unknown>> {
    const res = await fetch(new URL(path, apiBase), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Origin: appOrigin!,
        Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      },
      body: JSON.stringify(body),
    });
    expect(res.ok, `${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(";")[0];
      const eq = pair.indexOf("=");
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return (await res.json()) as Record<string, unknown>;
  }
  await call("/api/auth/register", { email, password });
  const { secret } = await call("/api/auth/mfa/totp/setup", { password });
  await call("/api/auth/mfa/totp/enable", { code: totp(String(secret)) });

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // A code that would sign in if the pending sign-in's cookie came along
  // (the one that turned it on was used: the app's next one).
  await page.getByLabel("Authentication code").fill(totp(String(secret), 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectBlockedMessage(page);
  await expect(page.getByRole("link", { name: "Sign in again" })).toBeVisible();
  // Trying again says the same, not that the sign-in expired.
  await page.getByLabel("Authentication code").fill(totp(String(secret), 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectBlockedMessage(page);
  await expect(page).toHaveURL(/\/login$/);
});
