import Link from "next/link";

import { SiteNav } from "@/components/site-nav";
import { appName } from "@/lib/config";

export function SiteHeader() {
  return (
    <header className="border-b bg-card">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="mr-auto text-lg font-bold text-foreground no-underline">
          {appName}
        </Link>
        <SiteNav />
      </div>
    </header>
  );
}
