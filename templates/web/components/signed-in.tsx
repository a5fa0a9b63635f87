"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

import { Alert } from "@/components/ui/alert";
import { toApiError, type ApiError } from "@/lib/api";
import { maybeSignedIn, rememberSignIn, signedInHint } from "@/lib/signed-in-hint";

/**
 * The data of a page for signed-in users. initial is what the server
 * loaded; when it is null (the server cannot see the cookies, or the access
 * token needs a refresh first) the browser loads it with load, which must
 * not change between renders. Where the server could not see the API's
 * cookies, a browser that surely is not signed in (lib/signed-in-hint.ts)
 * goes to /login without asking; fail sends the visitor there too when the API
 * says nobody is signed in (perhaps signed out from another device), and
 * keeps any other failure in error, for the page to show. Data from the API
 * means someone is signed in: a browser whose hint said otherwise (its
 * storage was cleared) is corrected, and the header shows the account menu.
 */
export function useSignedInData<T>(
  initial: T | null,
  load: () => Promise<T>,
  serverSawCookie: boolean,
) {
  const router = useRouter();
  const [data, setData] = useState<T | null>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const loaded = data !== null;

  useEffect(() => {
    if (loaded && signedInHint() === "no") {
      rememberSignIn();
    }
  }, [loaded]);

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

  useEffect(() => {
    if (initial) {
      return;
    }
    if (!serverSawCookie && !maybeSignedIn()) {
      router.replace("/login");
      return;
    }
    let cancelled = false;
    load().then(
      (loaded) => {
        if (!cancelled) {
          setData(loaded);
        }
      },
      (err: unknown) => {
        if (!cancelled) {
          fail(err);
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [initial, load, fail, router, serverSawCookie]);

  return { data, setData, error, setError, fail };
}

/** What a signed-in page shows until its data is there: loading, or why not. */
export function Loading({ title, error }: { title: string; error: ApiError | null }) {
  return (
    <section className="flex flex-col gap-4" aria-busy={!error}>
      <h1>{title}</h1>
      {error ? <ErrorMessage error={error} /> : <p className="text-muted-foreground">Loading…</p>}
    </section>
  );
}

/** An API error, announced to screen readers when it appears. */
export function ErrorMessage({ error }: { error: ApiError }) {
  return <Alert variant="destructive">{error.message}</Alert>;
}
