"use client";

import { useState, useTransition } from "react";

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
    <div className="banner" role="region" aria-label="Email verification">
      <p>Please verify your email address: open the link in the mail we sent you.</p>
      <button
        type="button"
        className="secondary"
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
      </button>
      {message && (
        <p role={message.error ? "alert" : "status"} className={message.error ? "field-error" : ""}>
          {message.text}
        </p>
      )}
    </div>
  );
}
