package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userJSON struct {
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
}

type userResponse struct {
	User userJSON `json:"user"`
}

func toUserResponse(u store.User) userResponse {
	return userResponse{User: userJSON{ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified}}
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	var in credentials
	if err := decode(r, &in); err != nil {
		return err
	}
	email, msg := account.NormalizeEmail(in.Email)
	fields := map[string]string{}
	if msg != "" {
		fields["email"] = msg
	}
	if msg := account.CheckNewPassword(in.Password); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	u, err := s.accounts.Register(r.Context(), email, in.Password, s.client(r))
	if errors.Is(err, store.ErrEmailTaken) {
		return failure(http.StatusConflict, "email_taken", "an account with this email already exists")
	}
	if err != nil {
		return err
	}
	if err := s.signInBrowser(w, r, u.ID, signInPassword); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUserResponse(u))
	return nil
}

// login signs the browser in with {"email","password"}: the auth cookies
// and {"user"}, or {"mfa_required"} when the account has two-factor
// authentication on (see completeBrowserSignIn).
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	u, err := s.checkCredentials(r)
	if err != nil {
		return err
	}
	if done, err := s.completeBrowserSignIn(w, r, u, signInPassword, ""); err != nil || !done {
		return err
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
	return nil
}

// checkCredentials decodes {"email","password"} and returns the user they
// prove: 401 invalid_credentials, the same for an unknown email and a
// wrong password; 429 rate_limited past a limit; 503 busy when too many
// sign-ins already wait for a password hash (see account.Accounts.SignIn).
func (s *Server) checkCredentials(r *http.Request) (store.User, error) {
	var in credentials
	if err := decode(r, &in); err != nil {
		return store.User{}, err
	}
	if in.Email == "" || in.Password == "" {
		fields := map[string]string{}
		if in.Email == "" {
			fields["email"] = "email is required"
		}
		if in.Password == "" {
			fields["password"] = "password is required"
		}
		return store.User{}, invalid(fields)
	}
	email, msg := account.NormalizeEmail(in.Email)
	if msg != "" {
		email = "" // no account can have it
	}
	u, err := s.accounts.SignIn(r.Context(), email, in.Password, s.client(r))
	if errors.Is(err, account.ErrWrongPassword) {
		return store.User{}, failure(http.StatusUnauthorized, "invalid_credentials", "wrong email or password")
	}
	return u, err
}

// How a sign-in was made, as the list of sessions shows it: these, or a
// provider's id; after a second factor, "+totp" or "+recovery_code".
const (
	signInPassword = "password"
	signInPasskey  = "passkey"
)

// signInBrowser gives the browser its auth cookies for userID, signed in
// as signIn says. A credential the browser already had is revoked first:
// signing in always starts fresh state, so an id planted before sign-in
// (session fixation) is worthless.
func (s *Server) signInBrowser(w http.ResponseWriter, r *http.Request, userID int64, signIn string) error {
	ctx := r.Context()
	// scaffold:if .BrowserSessions
	if old, err := s.cookies.read(r, sessionCookie); err == nil {
		if err := s.sessions.Revoke(ctx, old); err != nil {
			return err
		}
	}
	id, _, err := s.sessions.Create(ctx, userID, userAgent(r), signIn)
	if err != nil {
		return err
	}
	s.cookies.set(w, sessionCookie, id, s.cfg.SessionLifetime)
	// scaffold:end
	// scaffold:if .BrowserJWT
	//~	if old, err := s.cookies.read(r, refreshCookie); err == nil {
	//~		if err := s.refresh.Revoke(ctx, old); err != nil {
	//~			return err
	//~		}
	//~	}
	//~	rt, err := s.refresh.Issue(ctx, userID, userAgent(r), signIn)
	//~	if err != nil {
	//~		return err
	//~	}
	//~	return s.setTokenCookies(w, rt.Token, rt.UserID, rt.FamilyID)
	// scaffold:else
	return nil
	// scaffold:end
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, c caller) error {
	u, err := s.store.UserByID(r.Context(), c.userID)
	if errors.Is(err, store.ErrNotFound) {
		return errSignInFirst
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
	return nil
}

// scaffold:if .BearerTokens
// scaffold:line // logout revokes this browser's {{if .BrowserSessions}}session{{else}}refresh token family{{end}} (or, with a bearer token, the
// logout revokes this browser's session (or, with a bearer token, the
// token's refresh family) and clears the cookies. It answers 204 even
// scaffold:else
// ~// logout revokes this browser's {{if .BrowserSessions}}session{{else}}refresh token family{{end}} and clears the cookies. It answers 204 even
// scaffold:end
// when nobody was signed in: the result is the same.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// scaffold:if .BearerTokens
	if r.Header.Get("Authorization") != "" {
		c, err := s.authenticate(r)
		if err == nil && c.familyID != "" {
			if err := s.refresh.RevokeFamily(ctx, c.familyID); err != nil {
				return err
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	// scaffold:end
	s.cookies.clearAuthCookies(w)
	if s.cookies.duplicated(r) {
		// scaffold:line // Which {{if .BrowserSessions}}session{{else}}family{{end}} to end cannot be told; this API's own cookies
		// Which session to end cannot be told; this API's own cookies
		// are cleared all the same.
		return s.refuseDuplicateCookie(r)
	}
	// scaffold:if .BrowserSessions
	old, _ := s.cookies.read(r, sessionCookie)
	if err := s.sessions.Revoke(ctx, old); err != nil {
		// scaffold:end
		// scaffold:if .BrowserJWT
		//~	old, _ := s.cookies.read(r, refreshCookie)
		//~	if err := s.refresh.Revoke(ctx, old); err != nil {
		// scaffold:end
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// scaffold:line // logoutAll revokes every {{if .BrowserSessions}}session{{end}}{{if .Hybrid}} and {{end}}{{if .BearerTokens}}refresh token family{{end}} of the user.
// logoutAll revokes every session and refresh token family of the user.
func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request, c caller) error {
	s.securityEvent(r, "logout_all", slog.Int64("user_id", c.userID))
	if err := s.accounts.SignOutEverywhere(r.Context(), c.userID, account.Keep{}); err != nil {
		return err
	}
	// scaffold:if .BearerTokens
	if !c.bearer {
		s.cookies.clearAuthCookies(w)
	}
	// scaffold:else
	//~	s.cookies.clearAuthCookies(w)
	// scaffold:end
	w.WriteHeader(http.StatusNoContent)
	return nil
}
