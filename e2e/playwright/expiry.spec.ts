import { expect, test } from "@playwright/test";

// jwt mode with a short ACCESS_TOKEN_TTL (SCAFFOLD_ACCESS_TOKEN_TTL_MS, set
// by the Go test to the API's value): the user stays signed in while access
// tokens expire for real, not only when their cookie is removed as in the
// project's own refresh.spec.ts. Every step starts after the last token
// expired.

const password = "correct horse battery staple";
const ttl = Number(process.env.SCAFFOLD_ACCESS_TOKEN_TTL_MS);

test("stays signed in across the expiry of the access token", async ({ page }, testInfo) => {
  test.skip(!(ttl > 0), "SCAFFOLD_ACCESS_TOKEN_TTL_MS is not set");
  test.setTimeout(60_000 + 4 * ttl);
  const email = `e2e-expiry-${testInfo.project.name}-${Date.now()}@example.com`;
  const signedInAs = page.getByText(email, { exact: true });
  const expire = () => page.waitForTimeout(ttl + 1_000);

  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(signedInAs).toBeVisible();

  await test.step("a reload after the expiry", async () => {
    await expire();
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
  });

  await test.step("a write after the expiry", async () => {
    await expire();
    await page.getByLabel("Title").fill("Written after expiry");
    await page.getByLabel("Body").fill("The API client refreshed first.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("heading", { name: "Written after expiry" })).toBeVisible();
  });

  await test.step("coming back after the expiry", async () => {
    await expire();
    await page.goto("/");
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(signedInAs).toBeVisible();
    await expect(page.getByRole("heading", { name: "Written after expiry" })).toBeVisible();
  });
});
