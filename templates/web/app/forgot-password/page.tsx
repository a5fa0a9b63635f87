import type { Metadata } from "next";
import Link from "next/link";

import { ForgotForm } from "./forgot-form";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <Card>
      <h1>Forgot your password?</h1>
      <p className="text-muted-foreground">
        Enter the email address of your account, and we will mail you a link to choose a new
        password.
      </p>
      <ForgotForm />
      <p className="text-muted-foreground">
        Remembered it? <Link href="/login">Sign in</Link>.
      </p>
    </Card>
  );
}
