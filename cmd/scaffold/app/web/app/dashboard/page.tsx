import type { Metadata } from "next";

import { loadDashboard } from "@/lib/dal";

import { Dashboard } from "./dashboard";

export const metadata: Metadata = { title: "Dashboard" };

// Rendered on the server with the API's answer for the browser's cookies.
export default async function DashboardPage() {
  const initial = await loadDashboard();
  return <Dashboard initial={initial} />;
}
