// Runs after `npm run build` (npm's postbuild). Next.js leaves the browser's
// assets (.next/static) and public/ out of .next/standalone, expecting a CDN
// to serve them; this app's server serves them itself, so they are copied in.
// So is forwarded-for.mjs, which the server preloads where the app proxies
// /api. Then .next/standalone is the whole production app: `npm start` and
// the Docker image both run its server.js.
import { cpSync, existsSync } from "node:fs";

cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
for (const path of ["public", "forwarded-for.mjs"]) {
  if (existsSync(path)) {
    cpSync(path, `.next/standalone/${path}`, { recursive: true });
  }
}
