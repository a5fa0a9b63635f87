// Runs after `npm run build` (npm's postbuild). Next.js leaves the browser's
// assets (.next/static) and public/ out of .next/standalone, expecting a CDN
// to serve them; this app's server serves them itself, so they are copied in.
// Then .next/standalone is the whole production app: `npm start` and the
// Docker image both run its server.js.
import { cpSync, existsSync } from "node:fs";

cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
if (existsSync("public")) {
  cpSync("public", ".next/standalone/public", { recursive: true });
}
