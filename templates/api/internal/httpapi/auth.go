package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

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
	email, msg := normalizeEmail(in.Email)
	fields := map[string]string{}
	if msg != "" {
		fields["email"] = msg
	}
	if msg := validatePassword(in.Password); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		return invalid(fields)
	}

	// Every registration costs a password hash: count it first.
	ctx := r.Context()
	event := counted{"register", s.limits.register, clientKey(s.clientAddr(r))}
	if err := s.count(r, event); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		// The registration did not happen: it does not count.
		return errors.Join(err, undoAll(ctx, event))
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
		return failure(http.StatusConflict, "email_taken", "an account with this email already exists")
	}
	if err != nil {
		return err
	}
	s.wakeMail()
	if err := s.signInBrowser(w, r, u.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUserResponse(u))
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	u, err := s.checkCredentials(r)
	if err != nil {
		return err
	}
	if err := s.signInBrowser(w, r, u.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUserResponse(u))
	return nil
}

// checkCredentials decodes {"email","password"} and returns the user they
// prove. It fails with 401 invalid_credentials, the same for an unknown
// email and a wrong password, or as verifyPassword does.
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
	email, msg := normalizeEmail(in.Email)
	lookup := func() (store.User, error) { return s.store.UserByEmail(r.Context(), email) }
	if msg != "" {
		email, lookup = "", nil // cannot be registered: no lookup, and no account to count against
	}
	u, err := s.verifyPassword(r, s.signInEvents(email, clientKey(s.clientAddr(r))), in.Password, lookup)
	if errors.Is(err, errWrongPassword) {
		return store.User{}, failure(http.StatusUnauthorized, "invalid_credentials", "wrong email or password")
	}
	return u, err
}

// errWrongPassword: the password does not prove the account (or there is
// no such account).
var errWrongPassword = errors.New("wrong password")

// verifyPassword checks that password is the one of the account lookup
// finds (store.ErrNotFound: none; nil: none can match), as one attempt
// under the limits of events. The attempt is counted before the password is
// hashed, so that a burst of concurrent guesses is cut off like a sequence:
// past a limit it fails with 429 rate_limited. An unknown account costs the
// hash of a known one, so that the time taken tells nothing. A wrong
// password is logged and fails with errWrongPassword; a right one gives the
// attempt back (forgiveSignIn). When no password could be checked (503
// busy, an error), the attempt does not count.
func (s *Server) verifyPassword(r *http.Request, events []counted, password string, lookup func() (store.User, error)) (store.User, error) {
	ctx := r.Context()
	if err := s.count(r, events...); err != nil {
		return store.User{}, err
	}
	var u store.User
	var ok bool
	var err error
	if lookup != nil && utf8.RuneCountInString(password) <= maxPasswordLen {
		u, err = lookup()
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = s.hasher.VerifyDummy(ctx, password)
		case err == nil:
			ok, err = s.hasher.Verify(ctx, password, u.PasswordHash)
		}
	}
	if err != nil {
		return store.User{}, errors.Join(err, undoAll(ctx, events...))
	}
	if !ok {
		var attrs []slog.Attr
		if u.ID != 0 {
			attrs = append(attrs, slog.Int64("user_id", u.ID))
		}
		s.securityEvent(r, "login_failed", attrs...)
		return store.User{}, errWrongPassword
	}
	// Signing in clears this account's failures from this client and gives
	// the attempt back to the wider limits: only failures count.
	if err := s.forgiveSignIn(ctx, events); err != nil {
		return store.User{}, err
	}
	return u, nil
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
	if err := s.signOutEverywhere(r.Context(), c.userID, caller{}); err != nil {
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
