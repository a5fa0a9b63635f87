import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // `next build` also writes .next/standalone: a server.js with only the
  // node_modules files it uses, which is what the Docker image runs.
  output: "standalone",
  poweredByHeader: false,
  async headers() {
    return [
      {
        // Not on /api/*: those responses are the API's own, headers included.
        source: "/((?!api/).*)",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      {
        // Pages opened from a mailed link, which carries a token: nothing
        // they load or link to learns the address.
        source: "/:page(reset-password|verify-email)",
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      },
      {
        // Where a provider sends the browser back, with a code and state.
        source: "/auth/callback/:provider",
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      },
    ];
  },
};

export default nextConfig;
