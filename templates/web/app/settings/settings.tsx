"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useCallback, useEffect, useState, useTransition } from "react";

import { Field } from "@/components/field";
import { PasswordStrength } from "@/components/password-strength";
import { VerifyBanner } from "@/components/verify-banner";
import { api, toApiError, type ApiError, type Session, type User } from "@/lib/api";
import { minPasswordLength } from "@/lib/password-rules";

/**
 * The account's settings: where it is signed in (each session can be
 * signed out from here), its password, and deleting it.
 */
export function Settings() {
  const router = useRouter();
  const [user, setUser] = useState<User | null>(null);
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // A 401 means this browser was signed out (perhaps from another one).
  const fail = useCallback(
    (err: unknown) => {
      const apiError = toApiError(err);
      if (apiError.status === 401) {
        router.replace("/login");
      } else {
        setError(apiError);
      }
    },
    [router],
  );

  const reloadSessions = useCallback(() => {
    api.listSessions().then(setSessions, fail);
  }, [fail]);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.me(), api.listSessions()]).then(([u, s]) => {
      if (!cancelled) {
        setUser(u);
        setSessions(s);
      }
    }, fail);
    return () => {
      cancelled = true;
    };
  }, [fail]);

  if (!user || !sessions) {
    return (
      <section className="stack" aria-busy={!error}>
        <h1>Settings</h1>
        {error ? (
          <p role="alert" className="alert">
            {error.message}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }

  return (
    <section className="stack">
      <div className="dashboard-head">
        <div>
          <h1>Settings</h1>
          <p className="muted">
            Signed in as <strong>{user.email}</strong>
          </p>
        </div>
        <Link href="/dashboard">Back to the dashboard</Link>
      </div>

      {!user.email_verified && <VerifyBanner />}

      {error && (
        <p role="alert" className="alert">
          {error.message}
        </p>
      )}

      <h2>Where you are signed in</h2>
      <SessionList sessions={sessions} onChanged={reloadSessions} onError={fail} />

      <h2>Password</h2>
      <AccountForm onSessionsChanged={reloadSessions} />
    </section>
  );
}

function SessionList({
  sessions,
  onChanged,
  onError,
}: {
  sessions: Session[];
  onChanged: () => void;
  onError: (err: unknown) => void;
}) {
  return (
    <table className="sessions">
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Signed in</th>
          <th scope="col">Last active</th>
          <th scope="col">
            <span className="visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <SessionRow key={s.id} session={s} onChanged={onChanged} onError={onError} />
        ))}
      </tbody>
    </table>
  );
}

function SessionRow({
  session,
  onChanged,
  onError,
}: {
  session: Session;
  onChanged: () => void;
  onError: (err: unknown) => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <tr>
      <td>
        <span title={session.user_agent}>{describeDevice(session.user_agent)}</span>
        {session.current && <strong className="badge">This device</strong>}
      </td>
      <td>{formatTime(session.created_at)}</td>
      <td>{formatTime(session.last_seen_at)}</td>
      <td>
        <button
          type="button"
          className="secondary"
          disabled={pending}
          aria-busy={pending}
          onClick={() =>
            startTransition(async () => {
              try {
                await api.deleteSession(session.id);
              } catch (err) {
                onError(err);
                return;
              }
              if (session.current) {
                router.replace("/login");
              } else {
                onChanged();
              }
            })
          }
        >
          Sign out
        </button>
      </td>
    </tr>
  );
}

type AccountState = { error: ApiError | null; changed: boolean };

/**
 * Changing the password and deleting the account both need the current
 * password: one form, one "Current password" field, two buttons.
 */
function AccountForm({ onSessionsChanged }: { onSessionsChanged: () => void }) {
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
    <form action={formAction} className="form" noValidate>
      <Field
        name="current_password"
        label="Current password"
        error={fields.current_password ?? fields.password}
      >
        {(control) => (
          <input {...control} type="password" autoComplete="current-password" required />
        )}
      </Field>
      <Field
        name="new_password"
        label="New password"
        hint={<PasswordStrength password={newPassword} />}
        error={fields.new_password}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            minLength={minPasswordLength}
            onChange={(e) => setNewPassword(e.target.value)}
          />
        )}
      </Field>
      {state.error && (
        <p role="alert" className="alert">
          {state.error.message}
        </p>
      )}
      {state.changed && (
        <p role="status" className="notice">
          Your password was changed. Every other device was signed out.
        </p>
      )}
      <button type="submit" name="intent" value="change" disabled={pending} aria-busy={pending}>
        Change password
      </button>

      <div className="danger-zone">
        <h2>Delete account</h2>
        <p className="muted">
          Deleting your account removes it and all your notes, and signs you out everywhere. It
          cannot be undone. Enter your current password above to confirm.
        </p>
        <button type="submit" name="intent" value="delete" className="danger" disabled={pending}>
          Delete account
        </button>
      </div>
    </form>
  );
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
