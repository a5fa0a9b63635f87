"use client";

import { useState, useTransition } from "react";

import { Button } from "@/components/ui/button";
import { api, toApiError } from "@/lib/api";

/**
 * Asks a user whose address is not verified yet to follow the mailed link.
 * (It does not repeat the address: the page shows it once, as the one
 * "signed in as".)
 */
export function VerifyBanner() {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <div
      className="flex flex-wrap items-center gap-3 rounded-lg border border-primary px-3 py-2.5"
      role="region"
      aria-label="Email verification"
    >
      <p>Please verify your email address: open the link in the mail we sent you.</p>
      <Button
        type="button"
        variant="outline"
        disabled={pending}
        aria-busy={pending}
        onClick={() =>
          startTransition(async () => {
            try {
              setMessage({ text: await api.resendVerification(), error: false });
            } catch (err) {
              setMessage({ text: toApiError(err).message, error: true });
            }
          })
        }
      >
        Resend verification email
      </Button>
      {message && (
        <p
          role={message.error ? "alert" : "status"}
          className={message.error ? "text-sm text-destructive" : undefined}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
