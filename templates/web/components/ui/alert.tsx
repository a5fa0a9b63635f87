import type { ComponentProps } from "react";

import { cn } from "@/lib/cn";

const variants = {
  /** News the user should see, read out politely (role="status"). */
  default: "border-border bg-card",
  /** What went wrong, read out at once (role="alert"). */
  destructive: "border-destructive bg-destructive-background text-destructive",
} as const;

/**
 * A message in a box. Its role follows its variant unless given: a screen
 * reader announces it as it appears.
 */
export function Alert({
  variant = "default",
  className,
  ...props
}: ComponentProps<"div"> & { variant?: keyof typeof variants }) {
  return (
    <div
      role={variant === "destructive" ? "alert" : "status"}
      className={cn("rounded-lg border px-3 py-2.5", variants[variant], className)}
      {...props}
    />
  );
}
