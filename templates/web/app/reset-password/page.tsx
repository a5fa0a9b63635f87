import type { Metadata } from "next";
import Link from "next/link";

import { ResetForm } from "./reset-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

// The token comes from the link mailed by POST /api/auth/password/forgot.
export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const { token } = await searchParams;
  return (
    <Card>
      <h1>Choose a new password</h1>
      {typeof token === "string" && token !== "" ? (
        <ResetForm token={token} />
      ) : (
        <Alert variant="destructive">
          This link is incomplete. <Link href="/forgot-password">Ask for a new one</Link>.
        </Alert>
      )}
    </Card>
  );
}
