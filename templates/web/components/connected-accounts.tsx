"use client";

import { useCallback, useEffect, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { goToProvider } from "@/components/social-sign-in";
import { api, type Identity, type Provider } from "@/lib/api";

/**
 * The providers' accounts the user can sign in with: each configured
 * provider (useProviders), connected (with Disconnect) or not (with
 * Connect). The API refuses to disconnect the account's last way to sign in.
 */
export function ConnectedAccounts({
  providers,
  onError,
}: {
  providers: Provider[];
  onError: (err: unknown) => void;
}) {
  const [identities, setIdentities] = useState<Identity[] | null>(null);

  const reload = useCallback(() => {
    api.listIdentities().then(setIdentities, onError);
  }, [onError]);
  useEffect(reload, [reload]);

  if (providers.length === 0 || identities === null) {
    return null;
  }
  return (
    <>
      <h2>Connected accounts</h2>
      <ul className="flex flex-col gap-2">
        {providers.map((p) => {
          const connected = identities.filter((i) => i.provider === p.id);
          return (
            <li key={p.id} className="flex flex-wrap items-center gap-3">
              <strong className="min-w-32">{p.name}</strong>
              {connected.map((i) => (
                <span key={i.id} className="flex flex-wrap items-center gap-3">
                  <span className="text-muted-foreground">{i.email || "connected"}</span>
                  <AsyncButton
                    variant="outline"
                    action={async () => {
                      await api.deleteIdentity(i.id);
                      reload();
                    }}
                    onError={onError}
                  >
                    Disconnect
                  </AsyncButton>
                </span>
              ))}
              {connected.length === 0 && (
                <AsyncButton
                  variant="outline"
                  action={() => goToProvider(p.id, { intent: "link", return_to: "/settings" })}
                  onError={onError}
                >
                  Connect {p.name}
                </AsyncButton>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
