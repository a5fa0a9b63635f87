import type { Metadata } from "next";
import Link from "next/link";

import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Page not found" };

/** Any address of this app that is not one of its pages. */
export default function NotFound() {
  return (
    <Card>
      <h1>Page not found</h1>
      <p>There is no page at this address. The link may be old, or the address mistyped.</p>
      <p className="flex flex-wrap items-center gap-3">
        <Link className={buttonVariants()} href="/">
          Go to the home page
        </Link>
      </p>
    </Card>
  );
}
