"use client";

import { useCallback, useEffect, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { ErrorMessage } from "@/components/signed-in";
import { Alert } from "@/components/ui/alert";
import { api, type ApiError, type Passkey } from "@/lib/api";
import { addPasskey, passkeyError, usePasskeySupport } from "@/lib/passkeys";

/**
 * The account's passkeys in the settings: each with when it was added and
 * last used, and Remove; Add a passkey asks the browser to create one. The
 * API refuses to remove the account's last way to sign in.
 */
export function Passkeys({ onError }: { onError: (err: unknown) => void }) {
  const supported = usePasskeySupport();
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [added, setAdded] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const reload = useCallback(() => {
    api.listPasskeys().then(setPasskeys, onError);
  }, [onError]);
  useEffect(reload, [reload]);

  /** Runs an action of this section: its error is shown here. */
  const run = (action: () => Promise<void>) => async () => {
    setError(null);
    setAdded(false);
    try {
      await action();
    } catch (err) {
      const apiError = passkeyError(err, "No passkey was added.");
      if (apiError.status === 401) {
        onError(err);
      } else {
        setError(apiError);
      }
    }
  };

  if (!passkeys) {
    return null;
  }
  return (
    <>
      <h2>Passkeys</h2>
      <p className="text-muted-foreground">
        Sign in with your fingerprint, face or screen lock instead of a password. Your device or
        password manager keeps the passkey, and it works only on this site.
      </p>
      {passkeys.length === 0 ? (
        <p className="text-muted-foreground">No passkeys yet.</p>
      ) : (
        <ul className="passkeys flex flex-col gap-2">
          {passkeys.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-3">
              <span className="flex flex-col">
                <strong id={`passkey-${p.id}`}>{p.name}</strong>
                <span className="text-muted-foreground">
                  Added {formatDate(p.created_at)},{" "}
                  {p.last_used_at ? `last used ${formatDate(p.last_used_at)}` : "never used"}
                </span>
              </span>
              <AsyncButton
                variant="outline"
                aria-describedby={`passkey-${p.id}`}
                action={run(async () => {
                  await api.deletePasskey(p.id);
                  reload();
                })}
                onError={onError}
              >
                Remove
              </AsyncButton>
            </li>
          ))}
        </ul>
      )}
      {added && (
        <Alert>Passkey added. Next time, choose it to sign in.</Alert>
      )}
      {supported ? (
        <AsyncButton
          action={run(async () => {
            await addPasskey();
            setAdded(true);
            reload();
          })}
          onError={onError}
        >
          Add a passkey
        </AsyncButton>
      ) : (
        <p className="text-muted-foreground">This browser cannot create passkeys.</p>
      )}
      {error && <ErrorMessage error={error} />}
    </>
  );
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}
