package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
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

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if !decode(w, r, &in) {
		return
	}
	email, msg := normalizeEmail(in.Email)
	fields := map[string]string{}
	if msg != "" {
		fields["email"] = msg
	}
	if msg := validatePassword(in.Password); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		writeValidation(w, fields)
		return
	}

	// Every registration costs a password hash: count it first.
	ctx := r.Context()
	events := []counted{
		{"register", s.limits.register, clientKey(s.clientAddr(r))},
	}
	if refused, wait, err := countAll(ctx, events...); err != nil {
		s.internalError(w, r, err)
		return
	} else if refused != nil {
		s.securityEvent(r, "rate_limited", slog.String("limit", refused.name))
		writeRateLimited(w, wait)
		return
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		// The registration did not happen: it does not count.
		if undoErr := undoAll(ctx, events...); undoErr != nil {
			err = errors.Join(err, undoErr)
		}
		s.hashError(w, r, err)
		return
	}
	// The account and the mail that verifies it are written together: a
	// crash cannot leave an account whose mail never goes out.
	var u store.User
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		now := s.now()
		var err error
		if u, err = tx.CreateUser(ctx, email, hash, now); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, store.MailVerifyEmail, u.ID, "", now)
	})
	if errors.Is(err, store.ErrEmailTaken) {
		writeError(w, http.StatusConflict, "email_taken", "an account with this email already exists")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.wakeMail()
	if err := s.signInBrowser(w, r, u.ID); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toUserResponse(u))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	u, ok := s.checkCredentials(w, r)
	if !ok {
		return
	}
	if err := s.signInBrowser(w, r, u.ID); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
}

// checkCredentials decodes {"email","password"} and returns the user they
// prove. On failure it has written the response: 401 invalid_credentials,
// the same for an unknown email and a wrong password; 429 rate_limited once
// the attempt would exceed a limit (it is counted before the password is
// hashed, so a burst of concurrent guesses is cut off like a sequence);
// 503 busy when too many sign-ins already wait for a password hash.
func (s *Server) checkCredentials(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	var in credentials
	if !decode(w, r, &in) {
		return store.User{}, false
	}
	if in.Email == "" || in.Password == "" {
		fields := map[string]string{}
		if in.Email == "" {
			fields["email"] = "email is required"
		}
		if in.Password == "" {
			fields["password"] = "password is required"
		}
		writeValidation(w, fields)
		return store.User{}, false
	}

	ctx := r.Context()
	email, msg := normalizeEmail(in.Email)
	if msg != "" {
		email = "" // cannot be registered: no lookup, and no account to count against
	}
	events := s.signInEvents(email, clientKey(s.clientAddr(r)))
	if refused, wait, err := countAll(ctx, events...); err != nil {
		s.internalError(w, r, err)
		return store.User{}, false
	} else if refused != nil {
		s.securityEvent(r, "rate_limited", slog.String("limit", refused.name))
		writeRateLimited(w, wait)
		return store.User{}, false
	}

	var u store.User
	var ok bool
	var err error
	if email != "" && utf8.RuneCountInString(in.Password) <= maxPasswordLen {
		u, err = s.store.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = s.hasher.VerifyDummy(ctx, in.Password)
		case err == nil:
			ok, err = s.hasher.Verify(ctx, in.Password, u.PasswordHash)
		}
	}
	if err != nil {
		// No password was checked: the attempt does not count.
		if undoErr := undoAll(ctx, events...); undoErr != nil {
			err = errors.Join(err, undoErr)
		}
		s.hashError(w, r, err)
		return store.User{}, false
	}
	if !ok {
		var attrs []slog.Attr
		if u.ID != 0 {
			attrs = append(attrs, slog.Int64("user_id", u.ID))
		}
		s.securityEvent(r, "login_failed", attrs...)
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "wrong email or password")
		return store.User{}, false
	}
	// Signing in clears this account's failures from this client and gives
	// the attempt back to the wider limits: only failures count.
	if err := s.forgiveSignIn(ctx, events); err != nil {
		s.internalError(w, r, err)
		return store.User{}, false
	}
	return u, true
}

// forgiveSignIn undoes a successful sign-in's events: the (account, client)
// count is cleared, the others get this attempt back.
func (s *Server) forgiveSignIn(ctx context.Context, events []counted) error {
	for _, e := range events {
		var err error
		if e.limiter == s.limits.loginAccountClient {
			err = e.limiter.Reset(ctx, e.key)
		} else {
			err = e.limiter.Undo(ctx, e.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// hashError answers for a failed password hash: 503 busy when too many
// wait for one, else an internal error.
func (s *Server) hashError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, auth.ErrBusy) {
		writeBusy(w)
		return
	}
	s.internalError(w, r, err)
}

// signInBrowser gives the browser its auth cookies for userID. A credential
// the browser already had is revoked first: signing in always starts fresh
// state, so an id planted before sign-in (session fixation) is worthless.
func (s *Server) signInBrowser(w http.ResponseWriter, r *http.Request, userID int64) error {
	ctx := r.Context()
	// scaffold:if .BrowserSessions
	if old, err := s.cookies.read(r, sessionCookie); err == nil {
		if err := s.sessions.Revoke(ctx, old); err != nil {
			return err
		}
	}
	id, _, err := s.sessions.Create(ctx, userID, userAgent(r))
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
	//~	rt, err := s.refresh.Issue(ctx, userID, userAgent(r))
	//~	if err != nil {
	//~		return err
	//~	}
	//~	return s.setTokenCookies(w, rt.Token, rt.UserID, rt.FamilyID)
	// scaffold:else
	return nil
	// scaffold:end
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, c caller) {
	u, err := s.store.UserByID(r.Context(), c.userID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "sign in first")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
}

// scaffold:if .BearerTokens
// scaffold:line // logout revokes this browser's {{if .BrowserSessions}}session{{else}}refresh token family{{end}} (or, with a bearer token, the
// logout revokes this browser's session (or, with a bearer token, the
// token's refresh family) and clears the cookies. It answers 204 even
// scaffold:else
// ~// logout revokes this browser's {{if .BrowserSessions}}session{{else}}refresh token family{{end}} and clears the cookies. It answers 204 even
// scaffold:end
// when nobody was signed in: the result is the same.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// scaffold:if .BearerTokens
	if r.Header.Get("Authorization") != "" {
		c, err := s.authenticate(r)
		if err == nil && c.familyID != "" {
			if err := s.refresh.RevokeFamily(ctx, c.familyID); err != nil {
				s.internalError(w, r, err)
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// scaffold:end
	s.cookies.clearAuthCookies(w)
	if s.cookies.duplicated(r) {
		// scaffold:line // Which {{if .BrowserSessions}}session{{else}}family{{end}} to end cannot be told; this API's own cookies
		// Which session to end cannot be told; this API's own cookies
		// are cleared all the same.
		s.refuseDuplicateCookie(w, r)
		return
	}
	// scaffold:if .BrowserSessions
	old, _ := s.cookies.read(r, sessionCookie)
	if err := s.sessions.Revoke(ctx, old); err != nil {
		// scaffold:end
		// scaffold:if .BrowserJWT
		//~	old, _ := s.cookies.read(r, refreshCookie)
		//~	if err := s.refresh.Revoke(ctx, old); err != nil {
		// scaffold:end
		s.internalError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// scaffold:line // logoutAll revokes every {{if .BrowserSessions}}session{{end}}{{if .Hybrid}} and {{end}}{{if .BearerTokens}}refresh token family{{end}} of the user.
// logoutAll revokes every session and refresh token family of the user.
func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request, c caller) {
	ctx := r.Context()
	s.securityEvent(r, "logout_all", slog.Int64("user_id", c.userID))
	// scaffold:if .BrowserSessions
	if err := s.sessions.RevokeAll(ctx, c.userID, ""); err != nil {
		s.internalError(w, r, err)
		return
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	if err := s.refresh.RevokeAll(ctx, c.userID, ""); err != nil {
		s.internalError(w, r, err)
		return
	}
	if !c.bearer {
		s.cookies.clearAuthCookies(w)
	}
	// scaffold:else
	//~	s.cookies.clearAuthCookies(w)
	// scaffold:end
	w.WriteHeader(http.StatusNoContent)
}
