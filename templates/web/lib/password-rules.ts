// The API's password rules that the forms check before sending, kept apart
// from lib/password-strength.ts so that importing them does not load the
// strength estimator's dictionary.

/** The API refuses shorter passwords (and the most common ones). */
export const minPasswordLength = 12;
