"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useCallback, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { ConnectedAccounts } from "@/components/connected-accounts";
import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { Passkeys } from "@/components/passkeys";
import { PasswordStrength } from "@/components/password-strength";
import { ErrorMessage, Loading, useSignedInData } from "@/components/signed-in";
import { useProviders } from "@/components/social-sign-in";
import { TwoFactor } from "@/components/two-factor";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { VerifyBanner } from "@/components/verify-banner";
import { api, toApiError, type ApiError, type Provider, type Session, type User } from "@/lib/api";
import { minPasswordLength } from "@/lib/password-rules";

type Data = {
  user: User;
  sessions: Session[];
};

async function load(): Promise<Data> {
  const [user, sessions] = await Promise.all([api.me(), api.listSessions()]);
  return { user, sessions };
}

/**
 * The account's settings: where it is signed in (each session can be
 * signed out from here), the providers and passkeys it signs in with,
 * two-factor authentication, its password, and deleting it. initial is what
 * the server loaded; when it is null the browser loads it.
 */
export function Settings({
  initial,
  serverSawCookie,
}: {
  initial: Data | null;
  /** proxy.ts let this visit through because it carried an auth cookie. */
  serverSawCookie: boolean;
}) {
  const { data, setData, error, fail } = useSignedInData(initial, load, serverSawCookie);
  const providers = useProviders();

  const reloadSessions = useCallback(() => {
    api.listSessions().then((sessions) => setData((d) => d && { ...d, sessions }), fail);
  }, [fail, setData]);

  if (!data) {
    return <Loading title="Settings" error={error} />;
  }
  const { user, sessions } = data;

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1>Settings</h1>
          <p className="text-muted-foreground">
            Signed in as <strong className="[overflow-wrap:anywhere]">{user.email}</strong>
          </p>
        </div>
        <Link href="/dashboard">Back to the dashboard</Link>
      </div>

      {!user.email_verified && <VerifyBanner />}

      {error && <ErrorMessage error={error} />}

      <h2>Where you are signed in</h2>
      <SessionList
        sessions={sessions}
        providers={providers}
        onChanged={reloadSessions}
        onError={fail}
      />

      <ConnectedAccounts providers={providers} onError={fail} />

      <Passkeys onError={fail} />

      <TwoFactor onError={fail} />

      <h2>Password</h2>
      <AccountForm email={user.email} onSessionsChanged={reloadSessions} />
    </section>
  );
}

function SessionList({
  sessions,
  providers,
  onChanged,
  onError,
}: {
  sessions: Session[];
  providers: Provider[];
  onChanged: () => void;
  onError: (err: unknown) => void;
}) {
  // A table wider than a phone scrolls inside the page, not the page itself.
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse [&_td]:border-b [&_td]:px-1.5 [&_td]:py-2 [&_td]:align-middle [&_th]:border-b [&_th]:px-1.5 [&_th]:py-2 [&_th]:text-left">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last active</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <SessionRow
              key={s.id}
              session={s}
              method={describeSignIn(s, providers)}
              onChanged={onChanged}
              onError={onError}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SessionRow({
  session,
  method,
  onChanged,
  onError,
}: {
  session: Session;
  /** How it signed in, in words; null when the API does not say. */
  method: string | null;
  onChanged: () => void;
  onError: (err: unknown) => void;
}) {
  const router = useRouter();
  return (
    <tr>
      <td>
        <span title={session.user_agent}>{describeDevice(session.user_agent)}</span>
        {session.current && <Badge className="ml-2">This device</Badge>}
        {method && <span className="block text-sm text-muted-foreground">{method}</span>}
      </td>
      <td>{formatTime(session.created_at)}</td>
      <td>{formatTime(session.last_seen_at)}</td>
      <td>
        <AsyncButton
          variant="outline"
          className="whitespace-nowrap"
          action={async () => {
            await api.deleteSession(session.id, session.current);
            if (session.current) {
              router.replace("/login");
            } else {
              onChanged();
            }
          }}
          onError={onError}
        >
          Sign out
        </AsyncButton>
      </td>
    </tr>
  );
}

type AccountState = { error: ApiError | null; changed: boolean };

/**
 * Changing the password and deleting the account both need the current
 * password: one form, one "Current password" field, two buttons.
 */
function AccountForm({
  email,
  onSessionsChanged,
}: {
  email: string;
  onSessionsChanged: () => void;
}) {
  const router = useRouter();
  const [newPassword, setNewPassword] = useState("");
  const [state, formAction, pending] = useActionState(
    async (_prev: AccountState, form: FormData): Promise<AccountState> => {
      // The form is emptied after each submission: so is the meter.
      setNewPassword("");
      const current = String(form.get("current_password") ?? "");
      try {
        if (form.get("intent") === "delete") {
          await api.deleteAccount(current);
          router.replace("/login?deleted=done");
          return { error: null, changed: false };
        }
        await api.changePassword(current, String(form.get("new_password") ?? ""));
      } catch (err) {
        const apiError = toApiError(err);
        if (apiError.status === 401) {
          router.replace("/login");
        }
        return { error: apiError, changed: false };
      }
      onSessionsChanged(); // every other session ended
      return { error: null, changed: true };
    },
    { error: null, changed: false },
  );
  const fields = state.error?.fields ?? {};

  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {/* For password managers, which save a password with its username. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field
        name="current_password"
        label="Current password"
        error={fields.current_password ?? fields.password}
      >
        {(control) => (
          <Input {...control} type="password" autoComplete="current-password" required />
        )}
      </Field>
      <Field
        name="new_password"
        label="New password"
        hint={<PasswordStrength password={newPassword} />}
        error={fields.new_password}
      >
        {(control) => (
          <Input
            {...control}
            type="password"
            autoComplete="new-password"
            minLength={minPasswordLength}
            onChange={(e) => setNewPassword(e.target.value)}
          />
        )}
      </Field>
      <FormError error={state.error} fields={["current_password", "password", "new_password"]} />
      {state.changed && (
        <Alert>
          Your password was changed. Every other device was signed out.
        </Alert>
      )}
      <Button type="submit" name="intent" value="change" disabled={pending} aria-busy={pending}>
        Change password
      </Button>

      <div className="mt-6 flex flex-col gap-2 border-t pt-4">
        <h2>Delete account</h2>
        <p className="text-muted-foreground">
          Deleting your account removes it and all your notes, and signs you out everywhere. It
          cannot be undone. Enter your current password above to confirm.
        </p>
        <Button type="submit" name="intent" value="delete" variant="destructive" disabled={pending}>
          Delete account
        </Button>
      </div>
    </form>
  );
}

const secondFactors: Record<string, string> = {
  totp: "an authenticator app",
  recovery_code: "a recovery code",
};

/**
 * How a session signed in, in words: "Signed in with GitHub and a recovery
 * code". A provider no longer configured is named by its id.
 */
function describeSignIn(session: Session, providers: Provider[]): string | null {
  const { method, second_factor } = session;
  if (!method) {
    return null;
  }
  const first =
    method === "password" || method === "passkey"
      ? `a ${method}`
      : (providers.find((p) => p.id === method)?.name ?? method);
  const second = second_factor ? secondFactors[second_factor] : undefined;
  return `Signed in with ${first}${second ? ` and ${second}` : ""}`;
}

/** A short name for a User-Agent: "Firefox on Linux". */
function describeDevice(userAgent: string): string {
  const browser =
    [
      ["Edg/", "Edge"],
      ["OPR/", "Opera"],
      ["Firefox/", "Firefox"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
      ["curl/", "curl"],
    ].find(([token]) => userAgent.includes(token))?.[1] ?? null;
  const os =
    [
      ["Android", "Android"],
      ["iPhone", "iOS"],
      ["iPad", "iPadOS"],
      ["Windows", "Windows"],
      ["Mac OS X", "macOS"],
      ["Linux", "Linux"],
    ].find(([token]) => userAgent.includes(token))?.[1] ?? null;
  if (browser && os) {
    return `${browser} on ${os}`;
  }
  return browser ?? os ?? (userAgent || "Unknown device");
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
