"use client";

import Link from "next/link";
import { useSyncExternalStore } from "react";

import { signedInHint } from "@/lib/signed-in-hint";

/**
 * The home page's way in: to the dashboard for a browser that signed in,
 * else (or where the browser cannot tell) to sign in or create an account.
 * The server, which cannot know, renders the latter; the browser corrects
 * it once hydrated.
 */
export function HomeActions() {
  const hint = useSyncExternalStore(subscribe, signedInHint, () => "no" as const);
  if (hint === "yes") {
    return (
      <p className="actions">
        {/* Not prefetched: a prefetch answered by proxy.ts's redirect to
            /login would be replayed by the router later. */}
        <Link className="button" href="/dashboard" prefetch={false}>
          Go to your dashboard
        </Link>
        <Link href="/settings" prefetch={false}>
          Settings
        </Link>
      </p>
    );
  }
  return (
    <p className="actions">
      <Link className="button" href="/register">
        Create an account
      </Link>
      <Link className="button secondary" href="/login">
        Sign in
      </Link>
    </p>
  );
}

/** Another tab signing in or out changes the hint: storage events say so. */
function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  return () => window.removeEventListener("storage", onChange);
}
