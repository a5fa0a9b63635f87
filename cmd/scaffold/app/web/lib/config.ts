// How this app reaches the API. Generated for auth "hybrid" and topology
// "same-site"; README.md explains the wiring.

export const appName = "app";
export const authMode = "hybrid";
export const topology = "same-site";

// The browser calls the API directly. NEXT_PUBLIC_* variables are inlined by
// `next build`, so set NEXT_PUBLIC_API_URL when building for production.
export const browserApiUrl = trimSlash(
  process.env.NEXT_PUBLIC_API_URL || "http://localhost:8080",
);
// The API is another origin: without "include" the browser would drop its
// Set-Cookie on login and send no cookie afterwards.
export const credentials: RequestCredentials = "include";

// Where this web server reaches the API. Read on every call, so it comes
// from the environment of the running server, never from the build.
export function serverApiUrl(): string {
  return trimSlash(process.env.API_URL || "http://127.0.0.1:8080");
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
