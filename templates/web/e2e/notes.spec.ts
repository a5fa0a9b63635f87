import type { Page } from "@playwright/test";

import { expect, password, test, uniqueEmail } from "./fixtures";

// The API answers GET /api/notes a page of 50 at a time: a user with more
// notes sees the newest 50 and loads the rest on demand.

/** "Note N" for N from `from` down to `to`, as the dashboard lists them. */
function titles(from: number, to: number): string[] {
  return Array.from({ length: from - to + 1 }, (_, i) => `Note ${from - i}`);
}

/**
 * Adds notes "Note 1" to "Note count", oldest first, through the API at
 * apiOrigin. The requests are made by the page, as the app makes them: with
 * the browser's own cookies (partitioned ones too, in the cross-site
 * topology) and the app's Origin, which the API trusts.
 */
async function addNotes(page: Page, apiOrigin: string, count: number) {
  await page.evaluate(
    async ({ apiOrigin, count }) => {
      const post = (title: string) =>
        fetch(`${apiOrigin}/api/notes`, {
          method: "POST",
          credentials: "include",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ title, body: "" }),
        });
      for (let i = 1; i <= count; i++) {
        let res = await post(`Note ${i}`);
        if (res.status === 401) {
          // With jwt auth, the access token may expire on the way (the
          // browser tests run with short-lived ones): refresh it, as the
          // app's API client does, and try again.
          const refreshed = await fetch(`${apiOrigin}/api/auth/refresh`, {
            method: "POST",
            credentials: "include",
          });
          if (refreshed.ok) {
            res = await post(`Note ${i}`);
          }
        }
        if (res.status !== 201) {
          throw new Error(`POST /api/notes: ${res.status} ${await res.text()}`);
        }
      }
    },
    { apiOrigin, count },
  );
}

test("a user with more than a page of notes loads the rest on demand", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail(`notes-${testInfo.project.name}`);
  const notes = page.getByRole("list", { name: "Your notes" }).getByRole("heading");
  const loadMore = page.getByRole("button", { name: "Load more" });
  let apiOrigin = "";

  await test.step("register", async () => {
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    const registered = page.waitForResponse(
      (res) => new URL(res.url()).pathname === "/api/auth/register",
    );
    await page.getByRole("button", { name: "Create account" }).click();
    // Wherever this topology puts the API, the app has just called it there.
    apiOrigin = new URL((await registered).url()).origin;
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  await test.step("55 notes, added through the API", async () => {
    await addNotes(page, apiOrigin, 55);
    await page.reload();
  });

  await test.step("the dashboard shows the newest 50", async () => {
    await expect(notes).toHaveText(titles(55, 6));
    await expect(loadMore).toBeVisible();
  });

  await test.step("Load more appends the other 5, and is gone", async () => {
    await loadMore.click();
    await expect(notes).toHaveText(titles(55, 1));
    await expect(loadMore).toHaveCount(0);
  });

  await test.step("a new note goes on top", async () => {
    await page.getByLabel("Title").fill("Note 56");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(notes).toHaveText(titles(56, 1));
  });

  await test.step("deleting the note where the next page starts breaks nothing", async () => {
    await page.reload();
    await expect(notes).toHaveText(titles(56, 7));
    await page.getByRole("button", { name: "Delete note “Note 7”" }).click();
    await expect(notes).toHaveText(titles(56, 8));
    await loadMore.click();
    await expect(notes).toHaveText([...titles(56, 8), ...titles(6, 1)]);
    await expect(loadMore).toHaveCount(0);
  });
});
