import type { ComponentProps } from "react";

import { cn } from "@/lib/cn";

/** A short label beside something, such as "This device"; never split over two lines. */
export function Badge({ className, ...props }: ComponentProps<"span">) {
  return (
    <span
      className={cn(
        "inline-block rounded-full border border-primary px-2 py-px text-xs font-semibold whitespace-nowrap text-primary",
        className,
      )}
      {...props}
    />
  );
}
