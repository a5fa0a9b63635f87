import { NextResponse, type NextRequest } from "next/server";

// Every name the API's auth cookie may have: it prefixes __Host- or __Secure-
// when the cookie is Secure. All of them have Path=/, so they reach this
// server on every page.
const authCookies = [
  "__Host-session",
  "__Secure-session",
  "session",
];

/**
 * Sends visits without any auth cookie straight to /login. This is only a
 * shortcut: a cookie can be stale, and the dashboard still asks the API
 * (lib/dal.ts) who is signed in.
 */
export function proxy(request: NextRequest) {
  if (authCookies.some((name) => request.cookies.has(name))) {
    return NextResponse.next();
  }
  return NextResponse.redirect(new URL("/login", request.url));
}

export const config = {
  matcher: ["/dashboard/:path*"],
};
