import { defineConfig, devices } from "@playwright/test";

// Runs against servers that are already up (`make dev`, or `npm start` plus
// the API) with a Chromium from the system: Playwright's own browser
// downloads are not needed. BASE_URL is the web app, CHROMIUM_PATH the
// browser binary.
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"];

export default defineConfig({
  testDir: "./e2e",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: "list",
  use: {
    baseURL: process.env.BASE_URL || "http://localhost:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], launchOptions: { executablePath, args } },
    },
    {
      // What browsers are moving to: cookies of another site are blocked
      // unless they are Partitioned (CHIPS).
      name: "chromium-third-party-cookies-blocked",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: { executablePath, args: [...args, "--test-third-party-cookie-phaseout"] },
      },
    },
  ],
});
