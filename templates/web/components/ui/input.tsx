import type { ComponentProps } from "react";

import { cn } from "@/lib/cn";

/** The look of text fields, shared with Textarea. */
export const fieldClasses =
  "w-full rounded-lg border border-border bg-background px-3 py-2.5 text-foreground aria-invalid:border-destructive";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(fieldClasses, className)} {...props} />;
}
