package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// ceremonyJSON is the start of a passkey ceremony: the options for the
// browser's WebAuthn call, and the id the answer comes back with. The id
// is what ties the two together, not a cookie, so this works whatever
// site the web app is on.
type ceremonyJSON struct {
	Ceremony string `json:"ceremony"`
	Options  any    `json:"options"`
}

// ceremonyAnswer is the browser's answer to a ceremony's options.
type ceremonyAnswer struct {
	Ceremony   string          `json:"ceremony"`
	Credential json.RawMessage `json:"credential"`
}

// newPasskey is the answer of a registration, with the passkey's name.
type newPasskey struct {
	ceremonyAnswer
	Name string `json:"name"`
}

func (in ceremonyAnswer) check() error {
	fields := map[string]string{}
	if in.Ceremony == "" {
		fields["ceremony"] = "ceremony is required: the id the options came with"
	}
	if len(in.Credential) == 0 || string(in.Credential) == "null" {
		fields["credential"] = "credential is required: the authenticator's answer, as JSON"
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	return nil
}

type passkeyJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func toPasskeyJSON(p store.Passkey) passkeyJSON {
	out := passkeyJSON{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt}
	if !p.LastUsedAt.IsZero() {
		out.LastUsedAt = &p.LastUsedAt
	}
	return out
}

var (
	errInvalidPasskey = failure(http.StatusBadRequest, "invalid_passkey", "the authenticator's answer was not accepted; try again")
	errNoSuchPasskey  = failure(http.StatusNotFound, "not_found", "no such passkey")
	errPasskeyTaken   = failure(http.StatusConflict, "passkey_exists", "this passkey is added already")
	errPasskeySignIn  = failure(http.StatusUnauthorized, "invalid_credentials", "this passkey did not sign you in; try again, or use your password")
	errPasskeysOff    = failure(http.StatusServiceUnavailable, "passkeys_unavailable", "passkeys are not set up on this server")
)

// passkeysOff is errPasskeysOff for account.ErrPasskeysOff, logged with
// its cause; else err as it is.
func (s *Server) passkeysOff(r *http.Request, err error) error {
	if errors.Is(err, account.ErrPasskeysOff) {
		s.log.ErrorContext(r.Context(), "passkeys", "err", err)
		return errPasskeysOff
	}
	return err
}

// passkeyRegisterOptions begins adding a passkey to the caller's account.
func (s *Server) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request, c caller) error {
	var in struct{}
	if err := decode(r, &in); err != nil {
		return err
	}
	id, options, err := s.accounts.BeginPasskeyRegistration(r.Context(), c.userID, s.client(r))
	if err != nil {
		return s.passkeysOff(r, err)
	}
	writeJSON(w, http.StatusOK, ceremonyJSON{Ceremony: id, Options: options})
	return nil
}

// passkeyRegister adds the passkey of {"ceremony","credential","name"}:
// 201 {"passkey"}.
func (s *Server) passkeyRegister(w http.ResponseWriter, r *http.Request, c caller) error {
	var in newPasskey
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	p, err := s.accounts.FinishPasskeyRegistration(r.Context(), c.userID, in.Ceremony, in.Credential, in.Name, s.client(r))
	switch {
	case errors.Is(err, account.ErrInvalidCeremony), errors.Is(err, account.ErrInvalidPasskey):
		return errInvalidPasskey
	case errors.Is(err, store.ErrPasskeyTaken):
		return errPasskeyTaken
	case err != nil:
		return s.passkeysOff(r, err)
	}
	writeJSON(w, http.StatusCreated, map[string]passkeyJSON{"passkey": toPasskeyJSON(p)})
	return nil
}

// listPasskeys lists the caller's passkeys.
func (s *Server) listPasskeys(w http.ResponseWriter, r *http.Request, c caller) error {
	keys, err := s.accounts.Passkeys(r.Context(), c.userID)
	if err != nil {
		return err
	}
	list := []passkeyJSON{}
	for _, p := range keys {
		list = append(list, toPasskeyJSON(p))
	}
	writeJSON(w, http.StatusOK, map[string][]passkeyJSON{"passkeys": list})
	return nil
}

// deletePasskey removes one of the caller's passkeys: 409
// last_login_method if the account could then not sign in at all; another
// user's id is 404, like an unknown one.
func (s *Server) deletePasskey(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.removeSignInMethod(w, r, c, errNoSuchPasskey, s.accounts.RemovePasskey)
}

// passkeyLoginOptions begins a sign-in with a passkey. The options name no
// account: the browser offers the passkeys it has for this site.
func (s *Server) passkeyLoginOptions(w http.ResponseWriter, r *http.Request) error {
	var in struct{}
	if err := decode(r, &in); err != nil {
		return err
	}
	id, options, err := s.accounts.BeginPasskeySignIn(r.Context(), s.client(r))
	if err != nil {
		return s.passkeysOff(r, err)
	}
	writeJSON(w, http.StatusOK, ceremonyJSON{Ceremony: id, Options: options})
	return nil
}

// passkeyLogin signs the browser in with {"ceremony","credential"}: the
// auth cookies and {"user"}, as a password and second factor would (a
// passkey is both).
func (s *Server) passkeyLogin(w http.ResponseWriter, r *http.Request) error {
	var in ceremonyAnswer
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	u, err := s.accounts.FinishPasskeySignIn(r.Context(), in.Ceremony, in.Credential, s.client(r))
	if errors.Is(err, account.ErrInvalidCeremony) || errors.Is(err, account.ErrInvalidPasskey) {
		return errPasskeySignIn
	}
	if err != nil {
		return s.passkeysOff(r, err)
	}
	if err := s.signInBrowser(w, r, u.ID, signInPasskey); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
	return nil
}
