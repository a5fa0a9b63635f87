import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any address of this app that is not one of its pages. */
export default function NotFound() {
  return (
    <section className="card stack">
      <h1>Page not found</h1>
      <p>There is no page at this address. The link may be old, or the address mistyped.</p>
      <p className="actions">
        <Link className="button" href="/">
          Go to the home page
        </Link>
      </p>
    </section>
  );
}
