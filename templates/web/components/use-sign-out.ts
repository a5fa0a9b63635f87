"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";

import { api, toApiError } from "@/lib/api";

/** Signs this browser out, then goes to /login. Throws what the API refused. */
export function useSignOut(): () => Promise<void> {
  const router = useRouter();
  return useCallback(async () => {
    try {
      await api.logout();
    } catch (err) {
      // Already signed out is as good as signing out.
      if (toApiError(err).status !== 401) {
        throw err;
      }
    }
    router.replace("/login");
    router.refresh();
  }, [router]);
}
