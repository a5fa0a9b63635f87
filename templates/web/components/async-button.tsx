"use client";

import { useTransition, type ButtonHTMLAttributes } from "react";

import { buttonVariants, type ButtonVariant } from "@/components/ui/button";

type AsyncButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onClick" | "disabled"> & {
  /** What a press does. While it runs, the button is busy. */
  action: () => Promise<void>;
  /** Called with what action threw. */
  onError: (err: unknown) => void;
  /**
   * Mark the busy button aria-disabled rather than disabled, so that it
   * keeps the keyboard focus (and the next press of Enter works once it is
   * done).
   */
  keepFocus?: boolean;
  variant?: ButtonVariant;
};

/**
 * A button that runs an async action: busy (aria-busy, and disabled) until
 * the action settles, ignoring presses meanwhile.
 */
export function AsyncButton({
  action,
  onError,
  keepFocus,
  variant,
  className,
  type,
  ...props
}: AsyncButtonProps) {
  const [pending, startTransition] = useTransition();

  return (
    <button
      {...props}
      type={type ?? "button"}
      className={buttonVariants(variant, className)}
      disabled={pending && !keepFocus}
      aria-disabled={keepFocus ? pending : undefined}
      aria-busy={pending}
      onClick={() => {
        if (pending) {
          return;
        }
        startTransition(async () => {
          try {
            await action();
          } catch (err) {
            onError(err);
          }
        });
      }}
    />
  );
}
