"use client";

import { useEffect, useState } from "react";

import type { Estimate } from "@/lib/password-strength";

const labels = ["Very weak", "Weak", "Fair", "Good", "Strong"] as const;

/**
 * Feedback on a new password while it is typed: what the API would refuse
 * (too short, too common) and, beyond that, how hard it is to guess. The
 * estimator loads with the first keystroke, not with the page.
 */
export function PasswordStrength({ password }: { password: string }) {
  const [result, setResult] = useState<{ password: string; estimate: Estimate } | null>(null);

  useEffect(() => {
    if (password === "") {
      return;
    }
    let current = true;
    import("@/lib/password-strength").then(({ estimate }) => {
      if (current) {
        setResult({ password, estimate: estimate(password) });
      }
    });
    return () => {
      current = false;
    };
  }, [password]);

  // Nothing typed, or the estimate of what is typed not there yet.
  const estimate = password !== "" && result?.password === password ? result.estimate : null;
  // The room for the meter and its line is taken with the first keystroke,
  // not when the estimate arrives: the button below does not move while the
  // pointer may be on its way to it.
  return (
    <div
      className={`strength flex-col gap-1 ${password === "" ? "hidden" : "flex min-h-8"}`}
      aria-live="polite"
    >
      {estimate && (
        <>
          <meter
            className="h-2 w-full"
            min={0}
            max={4}
            low={2}
            high={3}
            optimum={4}
            value={estimate.score}
            aria-hidden="true"
          />
          <p>
            {estimate.refusal ?? `Strength: ${labels[estimate.score]}.`}
            {estimate.advice && ` ${estimate.advice}`}
          </p>
        </>
      )}
    </div>
  );
}
