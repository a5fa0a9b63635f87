// Password strength estimates for the strength meter, with zxcvbn-ts. This
// module is large (its dictionary is the list of common passwords), so the
// meter imports it only once the user starts typing.

import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { translations } from "@zxcvbn-ts/language-en";

import { minPasswordLength } from "@/lib/password-rules";

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, translations });

// The API refuses exactly these, ignoring case: the same list, from the same
// package, embedded in the API (api/internal/auth/common-passwords.txt).
const common = new Set<string>(dictionary["passwords-common"] as string[]);

export type Estimate = {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  score: 0 | 1 | 2 | 3 | 4;
  /** Why the API would refuse it, or null if it would not. */
  refusal: string | null;
  /** The most useful advice, if any. */
  advice: string | null;
};

export function estimate(password: string): Estimate {
  const length = Array.from(password).length;
  if (length < minPasswordLength) {
    const missing = minPasswordLength - length;
    return {
      score: 0,
      refusal: `${missing} more character${missing === 1 ? "" : "s"} needed (at least ${minPasswordLength}).`,
      advice: null,
    };
  }
  if (common.has(password.toLowerCase())) {
    return { score: 0, refusal: "This is one of the most common passwords. Choose another.", advice: null };
  }
  const result = zxcvbn.check(password);
  return {
    score: result.score,
    refusal: null,
    advice: result.feedback.warning ?? result.feedback.suggestions[0] ?? null,
  };
}
