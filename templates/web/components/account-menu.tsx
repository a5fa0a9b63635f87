"use client";

import Link from "next/link";
import { useState, useTransition } from "react";

import { buttonVariants } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useSignOut } from "@/components/use-sign-out";
import { api, toApiError, type ApiError } from "@/lib/api";

/**
 * The signed-in user's menu in the header: who is signed in, Settings and
 * Sign out. The address is asked of the API when the menu first opens, so
 * that no page pays for it until then.
 */
export function AccountMenu() {
  const signOut = useSignOut();
  const [email, setEmail] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <div className="relative">
      {/* Not modal: a modal menu locks the page's scrolling with a <style>
          element of its own, which the Content-Security-Policy refuses. */}
      <DropdownMenu
        modal={false}
        onOpenChange={(open) => {
          if (open && email === null) {
            // A 401 here clears the sign-in hint, and the header shows the
            // signed-out links instead of this menu.
            api.me().then(
              (user) => setEmail(user.email),
              () => {},
            );
          }
        }}
      >
        <DropdownMenuTrigger className={buttonVariants("outline")} aria-busy={pending}>
          <PersonIcon />
          Account
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="max-w-[min(20rem,calc(100vw-2rem))]">
          <DropdownMenuLabel>
            <span className="text-sm text-muted-foreground">Signed in as</span>
            <span className="font-semibold [overflow-wrap:anywhere]">{email ?? "…"}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            {/* Not prefetched, as the other links to the signed-in pages. */}
            <Link href="/settings" prefetch={false}>
              Settings
            </Link>
          </DropdownMenuItem>
          <DropdownMenuItem
            onSelect={() =>
              startTransition(async () => {
                setError(null);
                try {
                  await signOut();
                } catch (err) {
                  setError(toApiError(err));
                }
              })
            }
          >
            Sign out
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      {error && (
        <p
          role="alert"
          className="absolute top-full right-0 z-10 mt-2 w-64 rounded-lg border border-destructive bg-destructive-background px-3 py-2 text-sm text-destructive"
        >
          {error.message}
        </p>
      )}
    </div>
  );
}

function PersonIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      aria-hidden="true"
    >
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0 1 16 0" />
    </svg>
  );
}
