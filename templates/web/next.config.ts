import type { NextConfig } from "next";

// The browser features these pages may use: the passkeys of sign-in and
// /settings, and writing the recovery codes to the clipboard (Copy), on this
// origin only. Powerful features they never use are turned off, so that no
// script and no frame can ask for them. (The Content-Security-Policy, which
// needs a nonce per response, is set in proxy.ts.)
const permissionsPolicy = [
  "publickey-credentials-get=(self)",
  "publickey-credentials-create=(self)",
  "clipboard-write=(self)",
  "clipboard-read=()",
  // Cameras, microphones, the screen, sensors and devices.
  "camera=()",
  "microphone=()",
  "display-capture=()",
  "geolocation=()",
  "accelerometer=()",
  "gyroscope=()",
  "magnetometer=()",
  "usb=()",
  "serial=()",
  "hid=()",
  // (Not bluetooth: Chromium builds without Web Bluetooth, such as Linux's,
  // log a warning for a feature they do not know; none grants it unasked.)
  "midi=()",
  "xr-spatial-tracking=()",
  "idle-detection=()",
  "screen-wake-lock=()",
  "window-management=()",
  "local-fonts=()",
  // Payments, one-time codes by SMS, federated sign-in in the browser
  // (sign-in with a provider is a redirect here), ad interest topics.
  "payment=()",
  "otp-credentials=()",
  "identity-credentials-get=()",
  "browsing-topics=()",
].join(", ");

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
          { key: "Permissions-Policy", value: permissionsPolicy },
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
