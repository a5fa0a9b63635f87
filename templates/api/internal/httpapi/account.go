package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// forgotAnswer is the one answer to a reset request, whether or not an
// account uses the address: the response tells nobody who has an account.
var forgotAnswer = map[string]string{"message": "If an account uses this address, a link to reset its password is on its way."}

// forgotPassword queues a reset mail for {"email"}. The request only records
// the address (the same one insert whoever asks, so that its timing says
// nothing either); the mail worker looks the account up and mails a link if
// there is one.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !decode(w, r, &in) {
		return
	}
	email, msg := normalizeEmail(in.Email)
	if msg != "" {
		writeValidation(w, map[string]string{"email": msg})
		return
	}
	ctx := r.Context()
	if !s.countMail(w, r) {
		return
	}
	// Past its own limit an address gets no more mail, silently: telling
	// would say nothing about the account, but the inbox is spared.
	if ok, _, err := s.limits.mailAccount.Allow(ctx, accountKey(email)); err != nil {
		s.internalError(w, r, err)
		return
	} else if ok {
		if err := s.store.EnqueueMail(ctx, store.MailPasswordReset, 0, email, s.now()); err != nil {
			s.internalError(w, r, err)
			return
		}
		s.wakeMail()
	}
	writeJSON(w, http.StatusAccepted, forgotAnswer)
}

// countMail counts a mail asked for by this client: false, with 429
// written, past the limit.
func (s *Server) countMail(w http.ResponseWriter, r *http.Request) bool {
	refused, wait, err := countAll(r.Context(), counted{"mail_client", s.limits.mailClient, clientKey(s.clientAddr(r))})
	if err != nil {
		s.internalError(w, r, err)
		return false
	}
	if refused != nil {
		s.securityEvent(r, "rate_limited", slog.String("limit", refused.name))
		writeRateLimited(w, wait)
		return false
	}
	return true
}

// resetPassword sets a new password with {"token","password"} from a reset
// mail. It ends every session and refresh token family of the user: whoever
// knew the old password is signed out.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if !decode(w, r, &in) {
		return
	}
	if msg := validatePassword(in.Password); msg != "" {
		writeValidation(w, map[string]string{"password": msg})
		return
	}
	ctx := r.Context()
	// The token is checked before the (costly) hash, and used up after it,
	// so that a busy server does not waste the user's link.
	userID, err := s.links.Check(ctx, in.Token, auth.PurposePasswordReset)
	if errors.Is(err, auth.ErrInvalidLink) {
		writeInvalidLink(w)
		return
	} else if err != nil {
		s.internalError(w, r, err)
		return
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		s.hashError(w, r, err)
		return
	}
	// Everyone is signed out before the link is used up: if that fails
	// (such as Redis being unreachable), the answer is 503 and the link still
	// works when the user tries again.
	if err := s.signOutEverywhere(ctx, userID, caller{}); err != nil {
		s.internalError(w, r, err)
		return
	}
	if consumed, err := s.links.Consume(ctx, in.Token, auth.PurposePasswordReset); errors.Is(err, auth.ErrInvalidLink) || err == nil && consumed != userID {
		writeInvalidLink(w)
		return
	} else if err != nil {
		s.internalError(w, r, err)
		return
	}
	// The mail reached its owner: the address is theirs.
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, userID, hash); err != nil {
			return err
		}
		return tx.SetEmailVerified(ctx, userID)
	})
	if err == nil {
		// And again, now that the old password no longer works: a sign-in
		// with it since the first time must not outlive the reset.
		err = s.signOutEverywhere(ctx, userID, caller{})
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.securityEvent(r, "password_reset", slog.Int64("user_id", userID))
	s.cookies.clearAuthCookies(w)
	w.WriteHeader(http.StatusNoContent)
}

// changePassword sets a new password for a signed-in user who knows the
// current one. Every other session and refresh token family ends; this one
// stays signed in.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if !decode(w, r, &in) {
		return
	}
	fields := map[string]string{}
	if in.CurrentPassword == "" {
		fields["current_password"] = "current password is required"
	}
	if msg := validatePassword(in.NewPassword); msg != "" {
		fields["new_password"] = strings.Replace(msg, "password", "new password", 1)
	}
	if len(fields) > 0 {
		writeValidation(w, fields)
		return
	}
	ctx := r.Context()
	u, ok := s.confirmPassword(w, r, c, "current_password", in.CurrentPassword)
	if !ok {
		return
	}
	hash, err := s.hasher.Hash(ctx, in.NewPassword)
	if err != nil {
		s.hashError(w, r, err)
		return
	}
	// The others are signed out before the password changes, so that a
	// failure (such as Redis being unreachable) changes nothing, and again
	// after it, for a sign-in with the old password in between.
	err = s.signOutEverywhere(ctx, u.ID, c)
	if err == nil {
		err = s.store.SetPassword(ctx, u.ID, hash)
	}
	if err == nil {
		err = s.signOutEverywhere(ctx, u.ID, c)
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.securityEvent(r, "password_changed", slog.Int64("user_id", u.ID))
	w.WriteHeader(http.StatusNoContent)
}

// confirmPassword checks that password is the signed-in user's, counted
// like a sign-in (so that a stolen session cannot guess it faster). On
// failure it has written the response: 400 validation_failed naming field,
// 429, or 503.
func (s *Server) confirmPassword(w http.ResponseWriter, r *http.Request, c caller, field, password string) (store.User, bool) {
	ctx := r.Context()
	u, err := s.store.UserByID(ctx, c.userID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "sign in first")
		return store.User{}, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return store.User{}, false
	}
	events := s.signInEvents(u.Email, clientKey(s.clientAddr(r)))
	if refused, wait, err := countAll(ctx, events...); err != nil {
		s.internalError(w, r, err)
		return store.User{}, false
	} else if refused != nil {
		s.securityEvent(r, "rate_limited", slog.String("limit", refused.name))
		writeRateLimited(w, wait)
		return store.User{}, false
	}
	var ok bool
	if utf8.RuneCountInString(password) <= maxPasswordLen {
		ok, err = s.hasher.Verify(ctx, password, u.PasswordHash)
	}
	if err != nil {
		if undoErr := undoAll(ctx, events...); undoErr != nil {
			err = errors.Join(err, undoErr)
		}
		s.hashError(w, r, err)
		return store.User{}, false
	}
	if !ok {
		s.securityEvent(r, "login_failed", slog.Int64("user_id", u.ID))
		writeValidation(w, map[string]string{field: "wrong password"})
		return store.User{}, false
	}
	if err := s.forgiveSignIn(ctx, events); err != nil {
		s.internalError(w, r, err)
		return store.User{}, false
	}
	return u, true
}

// scaffold:line // signOutEverywhere ends every {{if .BrowserSessions}}session{{end}}{{if .Hybrid}} and {{end}}{{if .BearerTokens}}refresh token family (and its access tokens){{end}} of
// signOutEverywhere ends every session and refresh token family (and its access tokens) of
// userID but keep's own.
func (s *Server) signOutEverywhere(ctx context.Context, userID int64, keep caller) error {
	// scaffold:if .BrowserSessions
	if err := s.sessions.RevokeAll(ctx, userID, keep.sessionID); err != nil {
		return err
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	if err := s.refresh.RevokeAll(ctx, userID, keep.familyID); err != nil {
		return err
	}
	// scaffold:end
	return nil
}

// verifyEmail marks the address verified with {"token"} from a
// verification mail. The link may be opened anywhere, signed in or not.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token string `json:"token"`
	}
	if !decode(w, r, &in) {
		return
	}
	ctx := r.Context()
	userID, err := s.links.Consume(ctx, in.Token, auth.PurposeEmailVerify)
	if errors.Is(err, auth.ErrInvalidLink) {
		writeInvalidLink(w)
		return
	}
	if err == nil {
		err = s.store.SetEmailVerified(ctx, userID)
	}
	if errors.Is(err, store.ErrNotFound) { // the account is gone
		writeInvalidLink(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// resendVerification mails a new verification link to a signed-in user
// whose address is not verified yet.
func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request, c caller) {
	ctx := r.Context()
	u, err := s.store.UserByID(ctx, c.userID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if u.EmailVerified {
		writeJSON(w, http.StatusAccepted, map[string]string{"message": "Your email address is already verified."})
		return
	}
	if !s.countMail(w, r) {
		return
	}
	if ok, _, err := s.limits.mailAccount.Allow(ctx, accountKey(u.Email)); err != nil {
		s.internalError(w, r, err)
		return
	} else if ok {
		if err := s.store.EnqueueMail(ctx, store.MailVerifyEmail, u.ID, "", s.now()); err != nil {
			s.internalError(w, r, err)
			return
		}
		s.wakeMail()
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "A new verification link is on its way."})
}

func writeInvalidLink(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, "invalid_token", "this link is invalid, used or expired; ask for a new one")
}

// sessionJSON is one signed-in browser or client in the list of sessions.
type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// Session ids in the list say what they name: a browser session ("s_") or
// a refresh token family ("t_").
const (
	sessionIDPrefix = "s_"
	familyIDPrefix  = "t_"
)

// errNoSuchSession: the user has no session of that id.
var errNoSuchSession = errors.New("no such session")

// scaffold:line // listSessions lists where the user is signed in: {{if .BrowserSessions}}browser sessions{{end}}{{if .Hybrid}}, and {{end}}{{if .BearerTokens}}refresh token families{{if .Hybrid}} of other clients{{end}}{{end}},
// listSessions lists where the user is signed in: browser sessions, and refresh token families of other clients,
// the most recently used first; the one making the request is current.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, c caller) {
	ctx := r.Context()
	list := []sessionJSON{}
	// scaffold:if .BrowserSessions
	sessions, err := s.sessions.List(ctx, c.userID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for _, sess := range sessions {
		list = append(list, sessionJSON{
			ID: sessionIDPrefix + sess.PublicID, CreatedAt: sess.CreatedAt, LastSeenAt: sess.LastSeenAt,
			UserAgent: sess.UserAgent, Current: sess.PublicID == c.sessionPublicID,
		})
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	families, err := s.refresh.Families(ctx, c.userID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for _, f := range families {
		list = append(list, sessionJSON{
			ID: familyIDPrefix + f.ID, CreatedAt: f.CreatedAt, LastSeenAt: f.LastSeenAt,
			UserAgent: f.UserAgent, Current: f.ID == c.familyID,
		})
	}
	// scaffold:end
	// scaffold:if .Hybrid
	slices.SortStableFunc(list, func(a, b sessionJSON) int { return b.LastSeenAt.Compare(a.LastSeenAt) })
	// scaffold:end
	writeJSON(w, http.StatusOK, map[string][]sessionJSON{"sessions": list})
}

// deleteSession ends one of the user's sessions at once; another user's
// id is 404, like an unknown one.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request, c caller) {
	ctx := r.Context()
	id := r.PathValue("id")
	var current bool
	err := errNoSuchSession
	switch {
	// scaffold:if .BrowserSessions
	case strings.HasPrefix(id, sessionIDPrefix):
		publicID := strings.TrimPrefix(id, sessionIDPrefix)
		current = publicID == c.sessionPublicID
		if err = s.sessions.RevokePublic(ctx, c.userID, publicID); errors.Is(err, auth.ErrNoSession) {
			err = errNoSuchSession
		}
	// scaffold:end
	// scaffold:if .BearerTokens
	case strings.HasPrefix(id, familyIDPrefix):
		familyID := strings.TrimPrefix(id, familyIDPrefix)
		current = familyID == c.familyID
		if err = s.refresh.RevokeUserFamily(ctx, c.userID, familyID); errors.Is(err, auth.ErrInvalidToken) {
			err = errNoSuchSession
		}
		// scaffold:end
	}
	if errors.Is(err, errNoSuchSession) {
		writeError(w, http.StatusNotFound, "not_found", "no such session")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.securityEvent(r, "session_revoked", slog.Int64("user_id", c.userID))
	if current {
		s.cookies.clearAuthCookies(w)
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteAccount deletes the signed-in user, who confirms with {"password"},
// and every row of theirs; the browser's cookies are cleared.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Password string `json:"password"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Password == "" {
		writeValidation(w, map[string]string{"password": "enter your password to delete your account"})
		return
	}
	ctx := r.Context()
	u, ok := s.confirmPassword(w, r, c, "password", in.Password)
	if !ok {
		return
	}
	// Ending the sessions first also ends access tokens still in flight;
	// deleting the user takes every other row with it.
	err := s.signOutEverywhere(ctx, u.ID, caller{})
	if err == nil {
		err = s.store.DeleteUser(ctx, u.ID)
	}
	// scaffold:if .BrowserSessions
	if err == nil {
		// A session begun meanwhile went with the user's row: forget it.
		err = s.sessions.RevokeAll(ctx, u.ID, "")
	}
	// scaffold:end
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internalError(w, r, err)
		return
	}
	s.securityEvent(r, "account_deleted", slog.Int64("user_id", u.ID))
	s.cookies.clearAuthCookies(w)
	w.WriteHeader(http.StatusNoContent)
}

// requireVerified refuses h to users whose address is not verified yet,
// with REQUIRE_VERIFIED_EMAIL=true: 403 email_unverified.
func (s *Server) requireVerified(h func(http.ResponseWriter, *http.Request, caller)) func(http.ResponseWriter, *http.Request, caller) {
	if !s.cfg.RequireVerifiedEmail {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		u, err := s.store.UserByID(r.Context(), c.userID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if !u.EmailVerified {
			writeError(w, http.StatusForbidden, "email_unverified", "verify your email address first: open the link we mailed you, or ask for a new one")
			return
		}
		h(w, r, c)
	}
}

// userAgent is the request's User-Agent as the list of sessions shows it:
// printable, at most 200 characters.
func userAgent(r *http.Request) string {
	ua := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, r.Header.Get("User-Agent"))
	if utf8.RuneCountInString(ua) > 200 {
		ua = string([]rune(ua)[:200])
	}
	return ua
}
