"use client";

import { useEffect, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { Alert } from "@/components/ui/alert";
import { api, toApiError, type ApiError, type OAuthStart, type Provider } from "@/lib/api";

/**
 * The providers the API is configured for, loaded once per page: [] until
 * they are known, and when the API cannot tell.
 */
export function useProviders(): Provider[] {
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    let cancelled = false;
    api.listProviders().then(
      (list) => {
        if (!cancelled) {
          setProviders(list);
        }
      },
      () => {
        // Without the list, the page offers the password alone.
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return providers;
}

/**
 * Sends the browser to provider's sign-in page. The API answers the page's
 * address and sets the cookie that ties the sign-in to this browser; the
 * provider then sends the browser back to /auth/callback/{provider}.
 */
export async function goToProvider(provider: string, start: OAuthStart): Promise<void> {
  const url = await api.startOAuth(provider, start);
  window.location.assign(url);
  // The page is leaving: stay busy until it has.
  await new Promise(() => {});
}

/** "Continue with …" buttons, one per configured provider. */
export function SocialSignIn() {
  const providers = useProviders();
  const [error, setError] = useState<ApiError | null>(null);

  if (providers.length === 0) {
    return null;
  }
  return (
    <div className="flex flex-col gap-2">
      <p className="flex items-center gap-3 text-sm text-muted-foreground before:flex-1 before:border-t after:flex-1 after:border-t">
        or
      </p>
      {providers.map((p) => (
        <AsyncButton
          key={p.id}
          variant="outline"
          action={() => goToProvider(p.id, {})}
          onError={(err) => setError(toApiError(err))}
        >
          Continue with {p.name}
        </AsyncButton>
      ))}
      {error && <Alert variant="destructive">{error.message}</Alert>}
    </div>
  );
}
