import type { ComponentProps } from "react";

import { cn } from "@/lib/cn";

/** A surface that sets a page's content apart, its children stacked. */
export function Card({ className, ...props }: ComponentProps<"section">) {
  return (
    <section
      className={cn("flex flex-col gap-4 rounded-lg border bg-card p-5", className)}
      {...props}
    />
  );
}
