"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import { Field } from "@/components/field";
import { MfaForm } from "@/components/mfa-form";
import { PasswordStrength } from "@/components/password-strength";
import { SocialSignIn } from "@/components/social-sign-in";
import { api, toApiError, type ApiError } from "@/lib/api";
import { minPasswordLength } from "@/lib/password-rules";

type State = {
  error: ApiError | null;
  /** What was typed, so a failed attempt does not clear the email. */
  email: string;
  /** The password was right; the account asks for a second factor. */
  mfa?: boolean;
};

const modes = {
  login: { submit: "Sign in", password: "current-password" },
  register: { submit: "Create account", password: "new-password" },
} as const;

export function AuthForm({ mode }: { mode: keyof typeof modes }) {
  const router = useRouter();
  const text = modes[mode];
  // The new password, for its strength meter.
  const [password, setPassword] = useState("");

  const [state, formAction, pending] = useActionState(
    async (_prev: State, form: FormData): Promise<State> => {
      const email = String(form.get("email") ?? "");
      const password = String(form.get("password") ?? "");
      try {
        if (mode === "register") {
          await api.register({ email, password });
        } else if ((await api.login({ email, password })).mfa_required) {
          return { error: null, email, mfa: true };
        }
      } catch (err) {
        return { error: toApiError(err), email };
      }
      router.replace("/dashboard");
      return { error: null, email };
    },
    { error: null, email: "" },
  );

  if (state.mfa) {
    return <MfaForm />;
  }
  const fields = state.error?.fields ?? {};

  // noValidate: the API is the one judge of what is valid, and its messages
  // appear below, next to the form. The providers' buttons follow.
  return (
    <>
      <form action={formAction} className="form" noValidate>
        <Field name="email" label="Email" error={fields.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
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
            <input
              {...control}
              type="password"
              autoComplete={text.password}
              required
              minLength={mode === "register" ? minPasswordLength : undefined}
              onChange={mode === "register" ? (e) => setPassword(e.target.value) : undefined}
            />
          )}
        </Field>
        {state.error && (
          <p role="alert" className="alert">
            {state.error.message}
          </p>
        )}
        {/* The name stays the same while pending; aria-busy shows a spinner. */}
        <button type="submit" disabled={pending} aria-busy={pending}>
          {text.submit}
        </button>
      </form>
      <SocialSignIn />
    </>
  );
}
