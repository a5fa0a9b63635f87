// The browser's half of passkeys (WebAuthn): the API begins each ceremony and
// checks its result; @simplewebauthn/browser turns the API's JSON options
// into the browser's call and its answer back into JSON. The relying party
// is this web app's site (the API's WEBAUTHN_RP_ID), so the ceremonies run
// in its pages, never on the API's origin.

import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from "@simplewebauthn/browser";
import { useSyncExternalStore } from "react";

import { api, ApiError, toApiError, type Passkey, type PasskeySignIn, type User } from "./api";

/**
 * Whether this browser can use passkeys. False while the server renders,
 * and on the first render in the browser, so hydration matches.
 */
export function usePasskeySupport(): boolean {
  return useSyncExternalStore(
    noChanges,
    () => browserSupportsWebAuthn(),
    () => false,
  );
}

function noChanges() {
  return () => {};
}

/** Signs in with a passkey the user picks in the browser's dialog. */
export async function signInWithPasskey(): Promise<User> {
  const { ceremony, options } = await api.passkeyLoginOptions();
  const credential = await startAuthentication({ optionsJSON: options });
  return api.loginWithPasskey({ ceremony, credential });
}

/**
 * Offers the site's passkeys among the suggestions of the field whose
 * autocomplete ends in "webauthn" (conditional mediation). Resolves with the
 * one the user picks, for api.loginWithPasskey; null where the browser
 * cannot, or once cancelled says to stop. Rejects when the request ends
 * otherwise: another ceremony (the passkey button) took its place, or
 * cancelAutofill ended it.
 */
export async function passkeyFromAutofill(
  cancelled: () => boolean,
): Promise<PasskeySignIn | null> {
  if (!(await browserSupportsWebAuthnAutofill())) {
    return null;
  }
  const { ceremony, options } = await api.passkeyLoginOptions();
  if (cancelled()) {
    return null;
  }
  const credential = await startAuthentication({ optionsJSON: options, useBrowserAutofill: true });
  return { ceremony, credential };
}

/**
 * Ends the browser's pending passkey request, such as the autofill one when
 * its page goes away. Only one can be pending at a time.
 */
export function cancelPasskeyRequest(): void {
  WebAuthnAbortService.cancelCeremony();
}

/**
 * Adds a passkey to the signed-in user's account: the browser asks where to
 * keep it (the device, a password manager, a security key).
 */
export async function addPasskey(): Promise<Passkey> {
  const { ceremony, options } = await api.passkeyRegistrationOptions();
  const credential = await startRegistration({ optionsJSON: options });
  return api.registerPasskey({ ceremony, credential });
}

/**
 * Turns what a passkey ceremony threw into an ApiError to show: the API's
 * own errors as they are; the browser's in words for people, cancelled the
 * message for a dialog the user closed (or that timed out: browsers do not
 * say which).
 */
export function passkeyError(err: unknown, cancelled: string): ApiError {
  if (err instanceof ApiError || !(err instanceof Error)) {
    return toApiError(err);
  }
  switch (err.name) {
    case "NotAllowedError":
    case "AbortError":
      return new ApiError(0, "passkey_cancelled", cancelled);
    case "InvalidStateError":
      // Registration only: the authenticator already holds one of the
      // account's passkeys, which the API listed for it to exclude.
      return new ApiError(
        0,
        "passkey_failed",
        "This device or password manager already has a passkey for your account.",
      );
    case "SecurityError":
      // The page's host is not within the API's WEBAUTHN_RP_ID.
      return new ApiError(0, "passkey_failed", "Passkeys are not set up for this address.");
    default:
      return new ApiError(0, "passkey_failed", `The passkey did not work: ${err.message}`);
  }
}
