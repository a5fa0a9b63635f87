import type { Metadata } from "next";

import { Settings } from "./settings";

export const metadata: Metadata = { title: "Settings" };

// Loaded in the browser, like a cross-site dashboard: every call goes
// through the one API client, which knows how to reach the API from here.
export default function SettingsPage() {
  return <Settings />;
}
