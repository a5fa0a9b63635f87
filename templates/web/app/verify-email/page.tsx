import type { Metadata } from "next";

import { VerifyEmail } from "./verify";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Verify your email", referrer: "no-referrer" };

// The token comes from the link mailed at registration or by
// POST /api/auth/email/verify/resend.
export default async function VerifyEmailPage({ searchParams }: PageProps<"/verify-email">) {
  const { token } = await searchParams;
  return (
    <Card>
      <h1>Verify your email</h1>
      <VerifyEmail token={typeof token === "string" ? token : ""} />
    </Card>
  );
}
