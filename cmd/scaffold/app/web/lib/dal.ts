// The data-access layer of server components. The API decides who is signed
// in: this asks it, forwarding the browser's cookies. proxy.ts only turns
// away visits that carry no auth cookie at all.
import "server-only";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";

import { ApiError, createApi, type Note, type User } from "./api";
import { serverApiUrl } from "./config";

export type DashboardData = {
  user: User;
  notes: Note[];
};

/**
 * Loads the signed-in user and their notes, or redirects to /login when the
 * API says nobody is signed in.
 */
export const loadDashboard = cache(async (): Promise<DashboardData | null> => {
  const cookie = (await headers()).get("cookie");
  if (!cookie) {
    redirect("/login");
  }
  const api = createApi({ baseUrl: serverApiUrl(), headers: { cookie } });
  try {
    const [user, notes] = await Promise.all([api.me(), api.listNotes()]);
    return { user, notes };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      redirect("/login");
    }
    throw err;
  }
});
