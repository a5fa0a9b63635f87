import type { Metadata, Viewport } from "next";
import Link from "next/link";

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

export default function RootLayout({ children }: LayoutProps<"/">) {
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
