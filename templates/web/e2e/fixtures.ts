import { expect, test as base } from "@playwright/test";

export { expect };

export const password = "correct horse battery staple";

// Every test fails on an uncaught exception, a console error or warning (a
// React error, a hydration mismatch, a blocked script), or Chromium's advice
// on a form. The API's refusals
// are expected (a 401 before a refresh, a wrong password), and Chromium logs
// those as errors too.
export const test = base.extend<{ pageErrors: void }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      page.on("console", (msg) => {
        const kind = msg.type();
        const text = msg.text();
        if (
          ((kind === "error" || kind === "warning") && !text.startsWith("Failed to load resource")) ||
          // Chromium's advice on forms ("[DOM] Password forms should have
          // … username fields") comes at its verbose level.
          (kind === "debug" && text.startsWith("[DOM]"))
        ) {
          errors.push(`${kind}: ${text}`);
        }
      });
      await use();
      expect(errors).toEqual([]);
    },
    { auto: true },
  ],
});

export function uniqueEmail(project: string): string {
  const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  return `e2e-${project.replace(/[^a-z0-9]+/g, "-")}-${suffix}@example.com`;
}
