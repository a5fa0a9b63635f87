"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useState } from "react";

import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { MfaForm } from "@/components/mfa-form";
import { PasswordStrength } from "@/components/password-strength";
import { SocialSignIn } from "@/components/social-sign-in";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { api, toApiError, type ApiError, type PasskeySignIn } from "@/lib/api";
import {
  cancelPasskeyRequest,
  passkeyError,
  passkeyFromAutofill,
  signInWithPasskey,
  usePasskeySupport,
} from "@/lib/passkeys";
import { minPasswordLength } from "@/lib/password-rules";

type State = {
  error: ApiError | null;
  /** What was typed, so a failed attempt does not clear the email. */
  email: string;
  /** The password was right; the account asks for a second factor. */
  mfa?: boolean;
  /** On the way to the dashboard. */
  signedIn?: boolean;
};

/**
 * What an attempt carries: the form (with the button pressed as "intent"),
 * or the passkey the user picked among the email field's suggestions.
 */
type Attempt = FormData | PasskeySignIn;

const modes = {
  // "webauthn" also offers the site's passkeys among the email suggestions.
  login: { submit: "Sign in", email: "username webauthn", password: "current-password" },
  register: { submit: "Create account", email: "email", password: "new-password" },
} as const;

const passkeyCancelled = "No passkey was used. Try again, or sign in with your password.";

export function AuthForm({ mode }: { mode: keyof typeof modes }) {
  const router = useRouter();
  const text = modes[mode];
  const passkeys = usePasskeySupport() && mode === "login";
  // The new password, for its strength meter.
  const [password, setPassword] = useState("");
  // Which button started the attempt under way, for its spinner.
  const [intent, setIntent] = useState<"password" | "passkey">("password");

  const [state, formAction, pending] = useActionState(
    async (prev: State, attempt: Attempt): Promise<State> => {
      if (!(attempt instanceof FormData)) {
        try {
          await api.loginWithPasskey(attempt);
        } catch (err) {
          return { error: toApiError(err), email: prev.email };
        }
        router.replace("/dashboard");
        return { error: null, email: prev.email, signedIn: true };
      }
      // The form is emptied after each submission: so is the meter.
      setPassword("");
      const email = String(attempt.get("email") ?? "");
      const password = String(attempt.get("password") ?? "");
      const withPasskey = attempt.get("intent") === "passkey";
      try {
        if (withPasskey) {
          await signInWithPasskey();
        } else if (mode === "register") {
          await api.register({ email, password });
        } else if ("mfa_required" in (await api.login({ email, password }))) {
          return { error: null, email, mfa: true };
        }
      } catch (err) {
        return {
          error: withPasskey ? passkeyError(err, passkeyCancelled) : toApiError(err),
          email,
        };
      }
      router.replace("/dashboard");
      return { error: null, email, signedIn: true };
    },
    { error: null, email: "" },
  );

  // While the sign-in form waits, the email field offers the site's passkeys
  // among its suggestions; picking one signs in. This request fails quietly:
  // it ends whenever the passkey button starts its own. After a failed
  // attempt it starts again, with a fresh ceremony.
  const autofill = passkeys && !pending && !state.mfa && !state.signedIn;
  useEffect(() => {
    if (!autofill) {
      return;
    }
    let cancelled = false;
    let settled = false;
    passkeyFromAutofill(() => cancelled)
      .then((picked) => {
        if (picked && !cancelled) {
          setIntent("passkey");
          startTransition(() => formAction(picked));
        }
      })
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    return () => {
      cancelled = true;
      // The form went away or an attempt began: end the request if it is
      // still waiting, so that the browser stops offering the passkeys.
      if (!settled) {
        cancelPasskeyRequest();
      }
    };
  }, [autofill, state.error, formAction]);

  if (state.mfa) {
    return <MfaForm />;
  }
  const fields = state.error?.fields ?? {};

  // noValidate: the API is the one judge of what is valid, and its messages
  // appear below, next to the form. The providers' buttons follow.
  return (
    <>
      <form action={formAction} className="flex flex-col gap-4" noValidate>
        <Field name="email" label="Email" error={fields.email}>
          {(control) => (
            <Input
              {...control}
              type="email"
              autoComplete={text.email}
              required
              defaultValue={state.email}
            />
          )}
        </Field>
        <Field
          name="password"
          label="Password"
          hint={mode === "register" ? <PasswordStrength password={password} /> : undefined}
          error={fields.password}
        >
          {(control) => (
            <Input
              {...control}
              type="password"
              autoComplete={text.password}
              required
              minLength={mode === "register" ? minPasswordLength : undefined}
              onChange={mode === "register" ? (e) => setPassword(e.target.value) : undefined}
            />
          )}
        </Field>
        <FormError error={state.error} fields={["email", "password"]} />
        {/* The name stays the same while pending; aria-busy shows a spinner. */}
        <Button
          type="submit"
          name="intent"
          value="password"
          disabled={pending}
          aria-busy={pending && intent === "password"}
          onClick={() => setIntent("password")}
        >
          {text.submit}
        </Button>
        {passkeys && (
          <Button
            type="submit"
            name="intent"
            value="passkey"
            variant="outline"
            disabled={pending}
            aria-busy={pending && intent === "passkey"}
            onClick={() => setIntent("passkey")}
          >
            Sign in with a passkey
          </Button>
        )}
      </form>
      <SocialSignIn />
    </>
  );
}
