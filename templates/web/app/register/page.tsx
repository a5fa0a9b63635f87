import type { Metadata } from "next";
import Link from "next/link";

import { AuthForm } from "@/components/auth-form";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Create account" };

export default function RegisterPage() {
  return (
    <Card>
      <h1>Create account</h1>
      <AuthForm mode="register" />
      <p className="text-muted-foreground">
        Already registered? <Link href="/login">Sign in</Link>.
      </p>
    </Card>
  );
}
