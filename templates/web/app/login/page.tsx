import type { Metadata } from "next";
import Link from "next/link";

import { AuthForm } from "@/components/auth-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";

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
    <Card>
      <h1>Sign in</h1>
      {notice && <Alert>{notices[notice]}</Alert>}
      <AuthForm mode="login" />
      <p className="text-muted-foreground">
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p className="text-muted-foreground">
        No account yet? <Link href="/register">Create one</Link>.
      </p>
    </Card>
  );
}
