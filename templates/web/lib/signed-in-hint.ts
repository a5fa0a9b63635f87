// Whether this browser signed in and has not signed out since. A hint, not
// a credential: the API's HttpOnly cookies are that, and the API stays the
// judge. It spares a visitor who is not signed in the requests a page for
// signed-in users would make only to be answered 401, which browsers log as
// errors: such a page sends them to /login at once. A page with the hint
// still asks the API, and the API's 401 clears it.

const key = "auth:signed-in";

// Fired on this window when this tab changes the hint. (Other tabs hear of
// it through the storage event.)
const changed = "auth:signed-in-changed";

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    // Storage turned off: no hint, and pages ask the API as before.
    return null;
  }
}

export function rememberSignIn(): void {
  try {
    storage()?.setItem(key, "1");
  } catch {
    // Full, or refused: the pages ask the API instead.
  }
  announce();
}

export function forgetSignIn(): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // As above.
  }
  announce();
}

function announce(): void {
  // The server, which shares the API client, has no tabs to tell.
  if (typeof window !== "undefined") {
    window.dispatchEvent(new Event(changed));
  }
}

/**
 * Calls onChange whenever the hint may have changed: signing in or out in
 * this tab or another. For useSyncExternalStore, with signedInHint.
 */
export function subscribeToSignedInHint(onChange: () => void): () => void {
  window.addEventListener(changed, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(changed, onChange);
    window.removeEventListener("storage", onChange);
  };
}

/**
 * "yes" when this browser signed in and did not sign out since, "no" when
 * it did not, "unknown" where storage is off.
 */
export function signedInHint(): "yes" | "no" | "unknown" {
  const s = storage();
  if (s === null) {
    return "unknown";
  }
  return s.getItem(key) === null ? "no" : "yes";
}

/** False only where this browser surely is not signed in. */
export function maybeSignedIn(): boolean {
  return signedInHint() !== "no";
}
