import { expect, test, type Page } from "@playwright/test";

// Request forgery against the generated API. A signed-in user visits pages
// of two attackers (served by the Go test), which post notes to the API
// every way a page can; afterwards the user's notes must be exactly what
// the user wrote.
//
//   - A third site, http://127.0.0.2:PORT: the browser does not send the
//     user's cookies along (SameSite=Lax, or Partitioned under another
//     top-level site), and the API must refuse whatever arrives.
//   - Another origin of the app's own site, http://localhost:PORT (think
//     evil.example.com next to app.example.com): the browser does send the
//     cookies, so only the API's CSRF check stands in the way: 403.
//
// Environment (set by the Go test): BASE_URL the web app,
// SCAFFOLD_API_BASE where the browser reaches the API,
// SCAFFOLD_THIRD_SITE and SCAFFOLD_SAME_SITE_ATTACKER the attackers' origins,
// SCAFFOLD_AUTH the auth mode.

const password = "correct horse battery staple";
const apiBase = required("SCAFFOLD_API_BASE");
const thirdSite = required("SCAFFOLD_THIRD_SITE");
const sameSiteAttacker = required("SCAFFOLD_SAME_SITE_ATTACKER");
const notesUrl = `${apiBase}/api/notes`;
const meUrl = `${apiBase}/api/auth/me`;

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run this through scaffold's e2e suite`);
  }
  return v;
}

type Attempt = { name: string; outcome: string; type?: string; status?: number; error?: string };
type Post = { by: string; url: string; status: number };

// Records every POST to the notes endpoint that reached the API, with the
// API's answer. (Whether cookies went along is not read from the request
// headers Playwright reports: for no-cors requests whose answer Chromium
// blocks, they come without the cookies. The /api/auth/me probe tells.)
function recordPosts(page: Page): { posts: () => Post[] } {
  const seen: Post[] = [];
  page.on("response", (res) => {
    const req = res.request();
    if (req.method() === "POST" && res.url().startsWith(notesUrl)) {
      seen.push({
        by: /Forged by ([^"]*)/.exec(req.postData() ?? "")?.[1] ?? "?",
        url: res.url(),
        status: res.status(),
      });
    }
  });
  return { posts: () => [...seen] };
}

// The user's notes as the API sees them, asked from the app's own origin.
async function notesFromApp(page: Page): Promise<string[]> {
  return await page.evaluate(async (base) => {
    const get = () =>
      fetch(`${base}/api/notes`, { credentials: "include", headers: { Accept: "application/json" } });
    let res = await get();
    if (res.status === 401) {
      // jwt: the short-lived access token may have expired.
      await fetch(`${base}/api/auth/refresh`, { method: "POST", credentials: "include" });
      res = await get();
    }
    if (!res.ok) {
      throw new Error(`GET /api/notes: ${res.status}`);
    }
    const data = (await res.json()) as { notes: { title: string }[] };
    return data.notes.map((n) => n.title);
  }, apiBase);
}

async function signUpAndWrite(page: Page, email: string) {
  await test.step("sign up and write a note", async () => {
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.getByLabel("Title").fill("Mine");
    await page.getByLabel("Body").fill("Written by the user.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("heading", { name: "Mine" })).toBeVisible();
    expect(await notesFromApp(page)).toEqual(["Mine"]);
  });
}

// Runs both of an attacker's pages and returns the forged posts that
// reached the API, and the status of /api/auth/me asked by the attacker:
// 200 when the browser sent the user's cookies along.
async function attack(page: Page, attacker: string): Promise<{ posts: Post[]; probe: number }> {
  const recorder = recordPosts(page);
  let probe = 0;

  await test.step(`${attacker} posts with fetch`, async () => {
    const probed = page.waitForResponse((res) => res.url() === meUrl);
    await page.goto(
      `${attacker}/fetch?target=${encodeURIComponent(notesUrl)}&probe=${encodeURIComponent(meUrl)}`,
    );
    const results = await page.evaluate(
      () => (window as unknown as { forgeryResults: Promise<Attempt[]> }).forgeryResults,
    );
    console.log(`fetch attempts from ${attacker}: ${JSON.stringify(results)}`);
    // The API's answers are not for the attacker's eyes: no CORS header
    // for its origin, so a credentialed read is refused by the browser.
    const read = results.find((r) => r.name === "read-credentials");
    expect(read?.outcome, `${attacker} read the user's notes`).toBe("rejected");
    probe = (await probed).status();
  });

  await test.step(`${attacker} posts an auto-submitted form`, async () => {
    const answered = page.waitForResponse(
      (res) => res.request().method() === "POST" && res.url().startsWith(notesUrl),
    );
    await page.goto(`${attacker}/form?target=${encodeURIComponent(notesUrl)}`);
    await answered;
  });

  const posts = recorder.posts();
  console.log(`forged posts from ${attacker} that reached the API: ${JSON.stringify(posts)}`);
  console.log(`GET /api/auth/me from ${attacker}: ${probe}`);
  return { posts, probe };
}

async function notesUnchanged(page: Page, email: string) {
  await test.step("the user's notes are unchanged", async () => {
    await page.goto("/dashboard");
    await expect(page.getByText(email, { exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Mine" })).toBeVisible();
    await expect(page.getByRole("heading", { name: /Forged/ })).toHaveCount(0);
    expect(await notesFromApp(page)).toEqual(["Mine"]);
  });
}

test("forged requests from a third site change nothing", async ({ page }, testInfo) => {
  const email = `e2e-forgery-${testInfo.project.name}-${Date.now()}@example.com`;
  await signUpAndWrite(page, email);
  const { posts, probe } = await attack(page, thirdSite);
  expect(probe, "the browser sent the user's cookies along with a third site's request").toBe(401);
  // At least the no-cors fetch and the form reach the API.
  expect(posts.length).toBeGreaterThanOrEqual(2);
  for (const p of posts) {
    expect(p.status, `forged POST ${p.url} was accepted`).toBeGreaterThanOrEqual(400);
  }
  await notesUnchanged(page, email);
});

test("forged requests from the same site, cookies included, are refused", async ({ page }, testInfo) => {
  const email = `e2e-forgery-same-site-${testInfo.project.name}-${Date.now()}@example.com`;
  await signUpAndWrite(page, email);
  const { posts, probe } = await attack(page, sameSiteAttacker);
  // In jwt the access token may just have expired (401): the refresh
  // cookie still travels, but /api/auth/me cannot show it.
  if (process.env.SCAFFOLD_AUTH !== "jwt" || probe !== 401) {
    expect(probe, "the browser did not send the user's cookies to the API: this test would not show the CSRF check at work").toBe(200);
  }
  for (const p of posts) {
    expect(p.status, `forged POST ${p.url}: the CSRF check answers 403`).toBe(403);
  }
  await notesUnchanged(page, email);
});
