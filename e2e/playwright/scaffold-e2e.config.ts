// The generated project's playwright.config.ts as scaffold's end-to-end
// suite runs it: the same browsers and settings (a screenshot of every
// failure included). The suite passes --output, a folder it keeps, and may
// narrow what each browser runs with SCAFFOLD_PROJECT_FILTERS, a JSON object
// such as {"chromium": {"grepInvert": "expiry"}}, and add command-line
// arguments to every browser with SCAFFOLD_CHROMIUM_ARGS, a JSON list (the
// production runs map host names to Caddy with --host-resolver-rules).
import { defineConfig } from "@playwright/test";

import base from "./playwright.config";

type Filter = { grep?: string; grepInvert?: string };
const filters = JSON.parse(process.env.SCAFFOLD_PROJECT_FILTERS || "{}") as Record<string, Filter>;
const extraArgs = JSON.parse(process.env.SCAFFOLD_CHROMIUM_ARGS || "[]") as string[];

export default defineConfig({
  ...base,
  projects: (base.projects ?? []).map((project) => {
    const f = filters[project.name ?? ""] ?? {};
    const launchOptions = project.use?.launchOptions ?? {};
    return {
      ...project,
      use: {
        ...project.use,
        launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), ...extraArgs] },
      },
      ...(f.grep ? { grep: new RegExp(f.grep) } : {}),
      ...(f.grepInvert ? { grepInvert: new RegExp(f.grepInvert) } : {}),
    };
  }),
});
