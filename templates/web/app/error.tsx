"use client";

import Link from "next/link";

/**
 * What a page shows when rendering it failed, inside the app's header and
 * styles. The details went to the server's log (or the browser's console);
 * error.digest ties the two together.
 */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section className="card stack">
      <h1>Something went wrong</h1>
      <p role="alert" className="alert">
        This page could not be shown. Try again; if it keeps failing, come back later.
        {error.digest && ` (Reference: ${error.digest})`}
      </p>
      <p className="actions">
        <button type="button" onClick={reset}>
          Try again
        </button>
        <Link href="/">Go to the home page</Link>
      </p>
    </section>
  );
}
