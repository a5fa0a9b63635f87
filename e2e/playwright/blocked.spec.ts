import { expect, test } from "@playwright/test";

// Cross-site, in a browser that keeps none of the API's cookies (here
// Chromium blocking third-party cookies, with an API that does not set
// Partitioned; in the wild, Safari before 26.2 or Firefox blocking all
// third-party cookies): the sign-up succeeds at the API, the browser drops
// its cookies, and the web app must say so and what to do, not quietly
// send the user back to /login.

test("a browser that drops the API's cookies is told why and what to do", async ({ page }) => {
  const email = `e2e-blocked-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toContainText("did not keep the sign-in");
  await expect(alert).toContainText("third-party cookies");
  await expect(alert).toContainText("same-site");
  await expect(page).toHaveURL(/\/register$/);
});
