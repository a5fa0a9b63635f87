"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";

import { Alert } from "@/components/ui/alert";
import { useStripTokenFromUrl } from "@/components/use-link-token";
import { api, toApiError, type ApiError } from "@/lib/api";

type Outcome = { done: true } | { done: false; error: ApiError } | null;

/** Sends the link's token to the API once, as soon as the page opens. */
export function VerifyEmail({ token }: { token: string }) {
  useStripTokenFromUrl();
  const [outcome, setOutcome] = useState<Outcome>(null);
  // The token is good once: React may run an effect twice in development.
  const sent = useRef(false);

  useEffect(() => {
    if (token === "" || sent.current) {
      return;
    }
    sent.current = true;
    api.verifyEmail(token).then(
      () => setOutcome({ done: true }),
      (err: unknown) => setOutcome({ done: false, error: toApiError(err) }),
    );
  }, [token]);

  if (token === "") {
    return (
      <Alert variant="destructive">
        This link is incomplete. Open the link of the latest mail we sent you.
      </Alert>
    );
  }
  if (outcome === null) {
    return (
      <p className="text-muted-foreground" aria-busy="true">
        Verifying…
      </p>
    );
  }
  if (outcome.done) {
    return (
      <Alert>
        Your email address is verified. <Link href="/dashboard">Go to your dashboard</Link>.
      </Alert>
    );
  }
  if (outcome.error.code === "invalid_token") {
    return (
      <Alert variant="destructive">
        This link is invalid, used or expired. You can ask for a new one from your{" "}
        <Link href="/settings">settings</Link>.
      </Alert>
    );
  }
  return <Alert variant="destructive">{outcome.error.message}</Alert>;
}
