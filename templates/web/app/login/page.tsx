import type { Metadata } from "next";
import Link from "next/link";

import { AuthForm } from "@/components/auth-form";

export const metadata: Metadata = { title: "Sign in" };

// What the pages that send people here have to say.
const notices: Record<string, string> = {
  reset: "Your password was changed, and every device signed out. Sign in with the new one.",
  deleted: "Your account was deleted.",
};

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const params = await searchParams;
  const notice = Object.keys(notices).find((key) => params[key] === "done");
  return (
    <section className="card stack">
      <h1>Sign in</h1>
      {notice && (
        <p role="status" className="notice">
          {notices[notice]}
        </p>
      )}
      <AuthForm mode="login" />
      <p className="muted">
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p className="muted">
        No account yet? <Link href="/register">Create one</Link>.
      </p>
    </section>
  );
}
