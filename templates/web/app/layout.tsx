import type { Metadata, Viewport } from "next";
import { connection } from "next/server";

import { SiteHeader } from "@/components/site-header";
import { appName } from "@/lib/config";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: appName, template: `%s · ${appName}` },
  description: "A Go API and a Next.js app with authentication done right.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
};

export default async function RootLayout({ children }: LayoutProps<"/">) {
  // Every page is rendered for its request: proxy.ts gives each response a
  // nonce of its own, and Next.js puts it on a page's scripts as it renders
  // the page. A page prerendered at build time would carry none, and the
  // browser would run none of its scripts.
  await connection();
  return (
    <html lang="en">
      <body>
        <SiteHeader />
        <main className="mx-auto max-w-2xl px-4 pt-6 pb-12">{children}</main>
      </body>
    </html>
  );
}
