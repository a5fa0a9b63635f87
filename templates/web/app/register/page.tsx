import type { Metadata } from "next";
import Link from "next/link";

import { AuthForm } from "@/components/auth-form";

export const metadata: Metadata = { title: "Create account" };

export default function RegisterPage() {
  return (
    <section className="card stack">
      <h1>Create account</h1>
      <AuthForm mode="register" />
      <p className="muted">
        Already registered? <Link href="/login">Sign in</Link>.
      </p>
    </section>
  );
}
