import type { Metadata } from "next";
import Link from "next/link";

import { AuthForm } from "@/components/auth-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <section className="card stack">
      <h1>Sign in</h1>
      <AuthForm mode="login" />
      <p className="muted">
        No account yet? <Link href="/register">Create one</Link>.
      </p>
    </section>
  );
}
