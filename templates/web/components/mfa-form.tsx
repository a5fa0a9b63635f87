"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import { Field } from "@/components/field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { api, toApiError, type ApiError } from "@/lib/api";

/**
 * The second step of a sign-in whose account has two-factor authentication
 * on: a code of the authenticator app, or one of the recovery codes. The
 * API holds the pending sign-in (a cookie ties it to this browser) for 5
 * minutes and 5 wrong codes.
 */
export function MfaForm() {
  const router = useRouter();
  const [recovery, setRecovery] = useState(false);
  const [error, formAction, pending] = useActionState(
    async (_prev: ApiError | null, form: FormData): Promise<ApiError | null> => {
      const value = String(form.get("code") ?? "");
      try {
        const { return_to } = await api.loginMFA(
          recovery ? { recovery_code: value } : { code: value },
        );
        router.replace(return_to || "/dashboard");
        return null;
      } catch (err) {
        return toApiError(err);
      }
    },
    null,
  );
  // The pending sign-in is over (expired, too many wrong codes, or its
  // cookie dropped by the browser).
  const over = error?.code === "unauthenticated" || error?.code === "cookies_blocked";

  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <p className="text-muted-foreground">
        {recovery
          ? "Enter one of the recovery codes you saved when you turned on two-factor authentication. Each works once."
          : "Enter the 6-digit code your authenticator app shows for this account."}
      </p>
      <Field name="code" label={recovery ? "Recovery code" : "Authentication code"}>
        {(control) => (
          <Input
            {...control}
            key={recovery ? "recovery" : "code"}
            type="text"
            inputMode={recovery ? "text" : "numeric"}
            autoComplete="one-time-code"
            pattern={recovery ? undefined : "[0-9]{6}"}
            maxLength={recovery ? 24 : 6}
            required
            autoFocus
          />
        )}
      </Field>
      {error && (
        <Alert variant="destructive">
          {error.message}
          {over && (
            <>
              {" "}
              <Link href="/login">Sign in again</Link>
            </>
          )}
        </Alert>
      )}
      <Button type="submit" disabled={pending} aria-busy={pending}>
        Verify
      </Button>
      <Button variant="link" onClick={() => setRecovery(!recovery)}>
        {recovery ? "Use the authenticator app" : "Use a recovery code"}
      </Button>
    </form>
  );
}
