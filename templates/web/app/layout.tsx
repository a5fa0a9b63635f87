import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";

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
        <header className="site-header">
          <Link href="/" className="brand">
            {appName}
          </Link>
        </header>
        <main className="site-main">{children}</main>
      </body>
    </html>
  );
}
