import type { ComponentProps } from "react";

import { cn } from "@/lib/cn";

// Each variant sets its own size and colours, so that no two classes of a
// button compete (cn does not merge them).
const solid = "min-h-11 border px-4 py-2.5 font-semibold";
const quiet = "min-h-6 px-2 py-1 font-medium";

const variants = {
  default: `${solid} border-primary bg-primary text-primary-foreground hover:opacity-90`,
  outline: `${solid} border-primary bg-transparent text-primary hover:bg-primary/10`,
  destructive: `${solid} border-destructive bg-destructive text-background hover:opacity-90`,
  /** A quiet action in a list, such as Delete beside a note. */
  ghost: `${quiet} text-destructive hover:bg-destructive/10`,
  /** An action that reads as a link, such as switching how a form asks. */
  link: `${quiet} self-start text-primary underline underline-offset-2`,
} as const;

export type ButtonVariant = keyof typeof variants;

/**
 * The classes of a button, for a <button> or for a link that looks like one.
 * A busy button (aria-busy) keeps its name and shows a spinner after it.
 */
export function buttonVariants(variant: ButtonVariant = "default", className?: string): string {
  return cn(
    "inline-flex cursor-pointer items-center justify-center gap-2 rounded-lg no-underline",
    "disabled:cursor-progress disabled:opacity-70 aria-disabled:cursor-progress aria-disabled:opacity-70",
    "aria-busy:after:size-[0.9em] aria-busy:after:animate-spin aria-busy:after:rounded-full aria-busy:after:border-2 aria-busy:after:border-current aria-busy:after:border-r-transparent motion-reduce:aria-busy:after:[animation-duration:2s]",
    variants[variant],
    className,
  );
}

export function Button({
  variant,
  className,
  type = "button",
  ...props
}: ComponentProps<"button"> & { variant?: ButtonVariant }) {
  return <button type={type} className={buttonVariants(variant, className)} {...props} />;
}
