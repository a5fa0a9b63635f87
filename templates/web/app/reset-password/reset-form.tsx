"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { PasswordStrength } from "@/components/password-strength";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useStripTokenFromUrl } from "@/components/use-link-token";
import { api, toApiError, type ApiError } from "@/lib/api";
import { minPasswordLength } from "@/lib/password-rules";

export function ResetForm({ token }: { token: string }) {
  useStripTokenFromUrl();
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [error, formAction, pending] = useActionState(
    async (_prev: ApiError | null, form: FormData): Promise<ApiError | null> => {
      // The form is emptied after each submission: so is the meter.
      setPassword("");
      try {
        await api.resetPassword(token, String(form.get("password") ?? ""));
      } catch (err) {
        return toApiError(err);
      }
      router.replace("/login?reset=done");
      return null;
    },
    null,
  );

  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <p className="text-muted-foreground">Setting a new password signs you out on every device.</p>
      {/* For password managers, which save a password with its username. */}
      <input type="text" name="username" autoComplete="username" value="" readOnly hidden />
      <Field
        name="password"
        label="New password"
        hint={<PasswordStrength password={password} />}
        error={error?.fields.password}
      >
        {(control) => (
          <Input
            {...control}
            type="password"
            autoComplete="new-password"
            required
            minLength={minPasswordLength}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      {error?.code === "invalid_token" ? (
        <Alert variant="destructive">
          This link is invalid, used or expired.{" "}
          <Link href="/forgot-password">Ask for a new link</Link>.
        </Alert>
      ) : (
        <FormError error={error} fields={["password"]} />
      )}
      <Button type="submit" disabled={pending} aria-busy={pending}>
        Set new password
      </Button>
    </form>
  );
}
