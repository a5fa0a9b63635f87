"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { lazy, Suspense, useSyncExternalStore } from "react";

import { buttonVariants } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { signedInHint, subscribeToSignedInHint } from "@/lib/signed-in-hint";

// Loaded only for a browser that signed in: the pages a visitor sees
// before signing in (/login first) do not carry the menu's code, Radix's
// included. (React's lazy rather than next/dynamic, which would add its
// own loader to every page.)
const AccountMenu = lazy(() =>
  import("@/components/account-menu").then((m) => ({ default: m.AccountMenu })),
);

const linkClasses =
  "font-medium text-foreground no-underline hover:underline aria-[current=page]:text-primary";

/**
 * The header's links: Dashboard, Settings and the account menu for a
 * browser that signed in, Sign in and Create account otherwise. Which is
 * the browser's to say (lib/signed-in-hint.ts): the server renders them
 * hidden, and the browser shows the right ones once hydrated.
 */
export function SiteNav() {
  const hint = useSyncExternalStore(subscribeToSignedInHint, signedInHint, () => null);
  const pathname = usePathname();
  const signedIn = hint === "yes";
  const current = (href: string) => (pathname === href ? "page" : undefined);

  return (
    <nav
      aria-label="Main"
      className={cn("flex flex-wrap items-center gap-x-4 gap-y-2", hint === null && "invisible")}
    >
      <ul className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <li>
          <Link href="/" className={linkClasses} aria-current={current("/")}>
            Home
          </Link>
        </li>
        {signedIn && (
          <>
            {/* Not prefetched: a prefetch answered by proxy.ts's redirect to
                /login would be replayed by the router later. */}
            <li>
              <Link
                href="/dashboard"
                prefetch={false}
                className={linkClasses}
                aria-current={current("/dashboard")}
              >
                Dashboard
              </Link>
            </li>
            <li>
              <Link
                href="/settings"
                prefetch={false}
                className={linkClasses}
                aria-current={current("/settings")}
              >
                Settings
              </Link>
            </li>
          </>
        )}
        {!signedIn && (
          <li>
            <Link href="/login" className={linkClasses} aria-current={current("/login")}>
              Sign in
            </Link>
          </li>
        )}
      </ul>
      {signedIn ? (
        <Suspense>
          <AccountMenu />
        </Suspense>
      ) : (
        <Link
          href="/register"
          className={buttonVariants("outline")}
          aria-current={current("/register")}
        >
          Create account
        </Link>
      )}
    </nav>
  );
}
