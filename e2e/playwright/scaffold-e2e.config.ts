// The generated project's playwright.config.ts as scaffold's end-to-end
// suite runs it: the same browsers and settings (a screenshot of every
// failure included). The suite passes --output, a folder it keeps, and may
// narrow what each browser runs with SCAFFOLD_PROJECT_FILTERS, a JSON object
// such as {"chromium": {"grepInvert": "expiry"}}, and add command-line
// arguments to every Chromium with SCAFFOLD_CHROMIUM_ARGS, a JSON list (the
// production runs map host names to Caddy with --host-resolver-rules).
//
// With SCAFFOLD_FIREFOX, the path of a Firefox to run, it adds three Firefox
// projects, driven over WebDriver BiDi (the moz-firefox channel), with the
// preferences in SCAFFOLD_FIREFOX_PREFS (a JSON object) on top of each
// one's own: Firefox as it ships, with all third-party cookies blocked, and
// with third-party cookies kept only when Partitioned.
import { defineConfig, devices, type Project } from "@playwright/test";

import base from "./playwright.config";

type Filter = { grep?: string; grepInvert?: string };
const filters = JSON.parse(process.env.SCAFFOLD_PROJECT_FILTERS || "{}") as Record<string, Filter>;
const extraArgs = JSON.parse(process.env.SCAFFOLD_CHROMIUM_ARGS || "[]") as string[];
const firefoxPath = process.env.SCAFFOLD_FIREFOX;
const firefoxPrefs = JSON.parse(process.env.SCAFFOLD_FIREFOX_PREFS || "{}") as Record<string, unknown>;

const chromiums = (base.projects ?? []).map((project) => {
  const launchOptions = project.use?.launchOptions ?? {};
  return {
    ...project,
    use: {
      ...project.use,
      launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), ...extraArgs] },
    },
  };
});

function firefox(name: string, prefs: Record<string, unknown>): Project {
  return {
    name,
    // Firefox over WebDriver BiDi takes about twice Chromium's time for the
    // same test.
    timeout: 2 * (base.timeout ?? 30_000),
    use: {
      ...devices["Desktop Firefox"],
      channel: "moz-firefox",
      launchOptions: { executablePath: firefoxPath, firefoxUserPrefs: { ...prefs, ...firefoxPrefs } },
    },
  };
}

const firefoxes = firefoxPath
  ? [
      firefox("firefox", {}),
      firefox("firefox-third-party-cookies-blocked", { "network.cookie.cookieBehavior": 1 }),
      firefox("firefox-partitioned-only", { "network.cookie.cookieBehavior.optInPartitioning": true }),
    ]
  : [];

export default defineConfig({
  ...base,
  projects: [...chromiums, ...firefoxes].map((project) => {
    const f = filters[project.name ?? ""] ?? {};
    return {
      ...project,
      ...(f.grep ? { grep: new RegExp(f.grep) } : {}),
      ...(f.grepInvert ? { grepInvert: new RegExp(f.grepInvert) } : {}),
    };
  }),
});
