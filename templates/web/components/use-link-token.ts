"use client";

import { useEffect } from "react";

/**
 * Takes a mailed link's token out of the address bar as soon as the page
 * runs, so that it is not left in the history, in a screenshot or in a
 * bookmark. (The page also sends no Referer: see next.config.ts.)
 */
export function useStripTokenFromUrl() {
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.has("token")) {
      url.searchParams.delete("token");
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    }
  }, []);
}
