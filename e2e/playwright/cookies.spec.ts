import { expect, test } from "@playwright/test";

// Production runs (TestDeployed): after signing up through the deployed
// stack, the browser holds exactly the auth cookies the topology calls for,
// with every attribute (SCAFFOLD_EXPECT_COOKIES, a JSON list as the Go test
// computes it), and /dashboard comes from the web server with the user in it
// exactly where that server can see the cookies
// (SCAFFOLD_EXPECT_SERVER_RENDERED).

type Cookie = {
  name: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string;
  partitionKey: string;
};

const password = "correct horse battery staple";
const want = JSON.parse(process.env.SCAFFOLD_EXPECT_COOKIES ?? "null") as Cookie[] | null;
const serverRendered = process.env.SCAFFOLD_EXPECT_SERVER_RENDERED === "true";

test("the browser holds the API's cookies as deployed", async ({ page, context, browserName }, testInfo) => {
  test.skip(want === null, "SCAFFOLD_EXPECT_COOKIES is not set: run this through scaffold's e2e suite");
  const email = `e2e-cookies-${testInfo.project.name}-${Date.now()}@example.com`;

  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(email, { exact: true })).toBeVisible();

  await test.step("cookies", async () => {
    // Playwright reports no partition key for Firefox's cookies (over
    // WebDriver BiDi): there, that the cookies are Partitioned shows in the
    // flow passing with only partitioned third-party cookies kept.
    const expected =
      browserName === "firefox" ? want!.map((c) => ({ ...c, partitionKey: "" })) : want;
    const got = (await context.cookies())
      .map((c) => ({
        name: c.name,
        domain: c.domain,
        path: c.path,
        secure: c.secure,
        httpOnly: c.httpOnly,
        sameSite: c.sameSite,
        partitionKey: c.partitionKey ?? "",
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(got).toEqual(expected);
  });

  await test.step("the dashboard as the web server sends it", async () => {
    const res = await page.goto("/dashboard");
    expect(res?.status()).toBe(200);
    const html = (await res?.text()) ?? "";
    expect(
      html.includes(email),
      serverRendered
        ? "the web server sees the cookies here, so it renders the user"
        : "the web server cannot see the cookies here, so the browser loads the user",
    ).toBe(serverRendered);
    await expect(page.getByText(email, { exact: true })).toBeVisible();
    // HTTPS only from now on, said once (Caddy adds it unless the upstream did).
    const hsts = (await res!.headersArray()).filter(
      (h) => h.name.toLowerCase() === "strict-transport-security",
    );
    expect(hsts.map((h) => h.value)).toEqual(["max-age=63072000"]);
  });
});
