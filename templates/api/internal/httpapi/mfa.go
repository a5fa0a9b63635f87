package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// mfaCookie holds the id of this browser's sign-in waiting for its second
// factor.
const mfaCookie = "mfa"

// The ways a pending sign-in can be completed.
var mfaMethods = []string{"totp", "recovery_code"}

type mfaRequired struct {
	MFARequired bool     `json:"mfa_required"`
	Methods     []string `json:"methods"`
	// MFAToken is the pending sign-in of a bearer client, which has no
	// cookie to hold it.
	MFAToken string `json:"mfa_token,omitempty"`
}

// completeBrowserSignIn ends a browser's sign-in whose first factor u
// proved (signIn: "password", a provider's id): the auth cookies, and done
// is true; or, with two-factor authentication on, the pending cookie and
// 200 {"mfa_required"}, and done is false.
func (s *Server) completeBrowserSignIn(w http.ResponseWriter, r *http.Request, u store.User, signIn, returnTo string) (done bool, err error) {
	pending, err := s.accounts.BeginSignIn(r.Context(), u.ID, signIn, "browser", returnTo)
	if err != nil {
		return false, err
	}
	if pending == "" {
		return true, s.signInBrowser(w, r, u.ID, signIn)
	}
	s.cookies.set(w, mfaCookie, pending, account.PendingSignInTTL)
	writeJSON(w, http.StatusOK, mfaRequired{MFARequired: true, Methods: mfaMethods})
	return false, nil
}

type secondFactor struct {
	Code         string `json:"code"`
	RecoveryCode string `json:"recovery_code"`
}

// check refuses neither {"code"} nor {"recovery_code"}, and both: 400
// validation_failed.
func (f secondFactor) check() error {
	switch {
	case f.Code == "" && f.RecoveryCode == "":
		return invalid(map[string]string{"code": "enter the code of your authenticator app, or a recovery code"})
	case f.Code != "" && f.RecoveryCode != "":
		return invalid(map[string]string{"code": "send a code or a recovery code, not both"})
	}
	return nil
}

var (
	// errInvalidCode refuses a sign-in; errWrongCode a change in the
	// settings, whose caller stays signed in.
	errInvalidCode     = failure(http.StatusUnauthorized, "invalid_code", "that code is not right, or was used already")
	errWrongCode       = failure(http.StatusBadRequest, "invalid_code", "that code is not right, or was used already")
	errNoPendingSignIn = failure(http.StatusUnauthorized, "unauthenticated", "this sign-in expired or had too many wrong codes; sign in again")
	errMFAEnabled      = failure(http.StatusConflict, "mfa_enabled", "two-factor authentication is on already")
	errTOTPNotSetUp    = failure(http.StatusConflict, "mfa_not_enabled", "set up an authenticator app first")
)

// mfaFailed is the problem of a failed second factor in a sign-in, or err
// as it is.
func mfaFailed(err error) error {
	switch {
	case errors.Is(err, account.ErrInvalidCode):
		return errInvalidCode
	case errors.Is(err, account.ErrNoPendingSignIn):
		return errNoPendingSignIn
	case errors.Is(err, store.ErrMFAEnabled):
		return errMFAEnabled
	case errors.Is(err, account.ErrTOTPNotSetUp):
		return errTOTPNotSetUp
	}
	return err
}

// settingsFailed is mfaFailed for the settings' changes: a wrong code is
// 400, the caller being signed in.
func settingsFailed(err error) error {
	if errors.Is(err, account.ErrInvalidCode) {
		return errWrongCode
	}
	return mfaFailed(err)
}

// loginMFA completes the browser's pending sign-in with {"code"} or
// {"recovery_code"}: 200 {"user","return_to"} and the auth cookies.
func (s *Server) loginMFA(w http.ResponseWriter, r *http.Request) error {
	var in secondFactor
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	pending, err := s.cookies.read(r, mfaCookie)
	if err != nil || pending == "" {
		return errNoPendingSignIn
	}
	done, err := s.accounts.FinishSignIn(r.Context(), pending, "browser", in.Code, in.RecoveryCode, s.client(r))
	if errors.Is(err, account.ErrNoPendingSignIn) {
		s.cookies.clear(w, mfaCookie)
	}
	if err != nil {
		return mfaFailed(err)
	}
	s.cookies.clear(w, mfaCookie)
	if err := s.signInBrowser(w, r, done.User.ID, done.SignIn); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, oauthCallbackResponse{User: toUserResponse(done.User).User, ReturnTo: done.ReturnTo})
	return nil
}

type mfaStatusJSON struct {
	TOTP          bool `json:"totp"`
	RecoveryCodes int  `json:"recovery_codes"`
	// Password tells whether setting up asks for the password.
	Password bool `json:"password"`
}

// mfaStatus answers whether two-factor authentication is on, how many
// recovery codes are left, and whether the account has a password.
func (s *Server) mfaStatus(w http.ResponseWriter, r *http.Request, c caller) error {
	ctx := r.Context()
	u, err := s.store.UserByID(ctx, c.userID)
	if errors.Is(err, store.ErrNotFound) {
		return errSignInFirst
	}
	if err != nil {
		return err
	}
	st, err := s.accounts.MFA(ctx, c.userID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mfaStatusJSON{TOTP: st.TOTP, RecoveryCodes: st.RecoveryCodes, Password: u.PasswordHash != ""})
	return nil
}

// setupTOTP makes a new authenticator secret: {"password"} confirms where
// the account has one. 200 {"secret","otpauth_url"}.
func (s *Server) setupTOTP(w http.ResponseWriter, r *http.Request, c caller) error {
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	secret, url, err := s.accounts.SetupTOTP(r.Context(), c.userID, in.Password, s.client(r))
	if err != nil {
		return settingsFailed(confirmFailed(err, "password"))
	}
	writeJSON(w, http.StatusOK, map[string]string{"secret": secret, "otpauth_url": url})
	return nil
}

type recoveryCodesJSON struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// enableTOTP turns the authenticator on with {"code"}: 200
// {"recovery_codes"}, shown this once.
func (s *Server) enableTOTP(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.withCode(w, r, c, s.accounts.EnableTOTP)
}

// newRecoveryCodes replaces the recovery codes, confirmed with {"code"}.
func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.withCode(w, r, c, s.accounts.RegenerateRecoveryCodes)
}

// withCode decodes {"code"}, gives it to makeCodes for the caller, and
// answers the recovery codes it returns.
func (s *Server) withCode(w http.ResponseWriter, r *http.Request, c caller, makeCodes func(context.Context, int64, string, account.Client) ([]string, error)) error {
	var in struct {
		Code string `json:"code"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	codes, err := makeCodes(r.Context(), c.userID, in.Code, s.client(r))
	if err != nil {
		return settingsFailed(err)
	}
	writeJSON(w, http.StatusOK, recoveryCodesJSON{codes})
	return nil
}

// disableTOTP turns two-factor authentication off, confirmed with {"code"}
// or {"recovery_code"}.
func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request, c caller) error {
	var in secondFactor
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	if err := s.accounts.DisableTOTP(r.Context(), c.userID, in.Code, in.RecoveryCode, s.client(r)); err != nil {
		return settingsFailed(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
