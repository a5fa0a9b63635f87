"use client";

import Link from "next/link";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

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
    <Card>
      <h1>Something went wrong</h1>
      <Alert variant="destructive">
        This page could not be shown. Try again; if it keeps failing, come back later.
        {error.digest && ` (Reference: ${error.digest})`}
      </Alert>
      <p className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={reset}>
          Try again
        </Button>
        <Link href="/">Go to the home page</Link>
      </p>
    </Card>
  );
}
