import type { Metadata } from "next";

import { Callback } from "./callback";

export const metadata: Metadata = {
  title: "Signing in",
  // The address held the provider's code: no request from here says where
  // it came from.
  referrer: "no-referrer",
};

export default async function CallbackPage({ params }: PageProps<"/auth/callback/[provider]">) {
  const { provider } = await params;
  return <Callback provider={provider} />;
}
