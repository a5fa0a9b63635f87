"use client";

import { useActionState } from "react";

import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { api, toApiError, type ApiError } from "@/lib/api";

type State = { error: ApiError | null; sent: string | null; email: string };

export function ForgotForm() {
  const [state, formAction, pending] = useActionState(
    async (_prev: State, form: FormData): Promise<State> => {
      const email = String(form.get("email") ?? "");
      try {
        // The same answer whether or not an account uses the address.
        return { error: null, sent: await api.forgotPassword(email), email };
      } catch (err) {
        return { error: toApiError(err), sent: null, email };
      }
    },
    { error: null, sent: null, email: "" },
  );

  if (state.sent) {
    return (
      <Alert>
        {state.sent} If it does not arrive within a few minutes, check your spam folder.
      </Alert>
    );
  }
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <Field name="email" label="Email" error={state.error?.fields.email}>
        {(control) => (
          <Input
            {...control}
            type="email"
            autoComplete="email"
            required
            defaultValue={state.email}
          />
        )}
      </Field>
      <FormError error={state.error} fields={["email"]} />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        Send reset link
      </Button>
    </form>
  );
}
