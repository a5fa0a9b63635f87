import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

// The app's own 404 page, in its layout and stylesheet. (Next.js's built-in
// one styles itself inline, which the Content-Security-Policy refuses.)
export default function NotFound() {
  return (
    <section className="card stack">
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <p className="muted">
        <Link href="/">Home</Link>
      </p>
    </section>
  );
}
