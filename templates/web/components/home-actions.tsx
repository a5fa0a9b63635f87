"use client";

import Link from "next/link";
import { useSyncExternalStore } from "react";

import { buttonVariants } from "@/components/ui/button";
import { signedInHint, subscribeToSignedInHint } from "@/lib/signed-in-hint";

/**
 * The home page's way in: to the dashboard for a browser that signed in,
 * else (or where the browser cannot tell) to sign in or create an account.
 * The server, which cannot know, renders the latter; the browser corrects
 * it once hydrated.
 */
export function HomeActions() {
  const hint = useSyncExternalStore(subscribeToSignedInHint, signedInHint, () => "no" as const);
  if (hint === "yes") {
    return (
      <p className="flex flex-wrap items-center gap-3">
        {/* Not prefetched: a prefetch answered by proxy.ts's redirect to
            /login would be replayed by the router later. */}
        <Link className={buttonVariants()} href="/dashboard" prefetch={false}>
          Go to your dashboard
        </Link>
        <Link href="/settings" prefetch={false}>
          Settings
        </Link>
      </p>
    );
  }
  return (
    <p className="flex flex-wrap items-center gap-3">
      <Link className={buttonVariants()} href="/register">
        Create an account
      </Link>
      <Link className={buttonVariants("outline")} href="/login">
        Sign in
      </Link>
    </p>
  );
}
