import type { Metadata } from "next";
import Link from "next/link";

import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <section className="card stack">
      <h1>Forgot your password?</h1>
      <p className="muted">
        Enter the email address of your account, and we will mail you a link to choose a new
        password.
      </p>
      <ForgotForm />
      <p className="muted">
        Remembered it? <Link href="/login">Sign in</Link>.
      </p>
    </section>
  );
}
