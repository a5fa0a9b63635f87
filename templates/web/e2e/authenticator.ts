import type { Page } from "@playwright/test";

// A passkey authenticator for the tests: Chromium's virtual one, over the
// DevTools protocol. It keeps passkeys (resident keys), verifies the user
// and answers at once, as a person touching the sensor would. It answers
// the email field's autofill request at once too, as if its passkey had
// been picked there.

/** Gives page an authenticator; it lasts as long as the page. */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/**
 * Makes page's browser one that does not offer passkeys among a field's
 * suggestions (as Firefox before 119), from its next page load on: the
 * passkey button is then the only way to one.
 */
export async function withoutPasskeyAutofill(page: Page): Promise<void> {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
  });
}
