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
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	email, msg := normalizeEmail(in.Email)
	if msg != "" {
		return invalid(map[string]string{"email": msg})
	}
	if err := s.queueMail(r, store.MailPasswordReset, 0, email); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, forgotAnswer)
	return nil
}

// queueMail queues a mail of kind to the address email (of userID, if
// known), counted against this client's limit (past it: 429) and the
// address's. Past the address's own limit it gets no more mail, silently:
// telling would say nothing about the account, but the inbox is spared.
func (s *Server) queueMail(r *http.Request, kind string, userID int64, email string) error {
	ctx := r.Context()
	if err := s.count(r, counted{"mail_client", s.limits.mailClient, clientKey(s.clientAddr(r))}); err != nil {
		return err
	}
	ok, _, err := s.limits.mailAccount.Allow(ctx, accountKey(email))
	if err != nil || !ok {
		return err
	}
	if err := s.store.EnqueueMail(ctx, kind, userID, email, s.now()); err != nil {
		return err
	}
	s.wakeMail()
	return nil
}

// resetPassword sets a new password with {"token","password"} from a reset
// mail. It ends every session and refresh token family of the user: whoever
// knew the old password is signed out.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if msg := validatePassword(in.Password); msg != "" {
		return invalid(map[string]string{"password": msg})
	}
	ctx := r.Context()
	// The token is checked before the (costly) hash, and used up after it,
	// so that a busy server does not waste the user's link.
	userID, err := s.links.Check(ctx, in.Token, auth.PurposePasswordReset)
	if errors.Is(err, auth.ErrInvalidLink) {
		return errInvalidLink
	} else if err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return err
	}
	// Everyone is signed out before the link is used up: if that fails
	// (such as Redis being unreachable), the answer is 503 and the link still
	// works when the user tries again.
	if err := s.signOutEverywhere(ctx, userID, caller{}); err != nil {
		return err
	}
	if consumed, err := s.links.Consume(ctx, in.Token, auth.PurposePasswordReset); errors.Is(err, auth.ErrInvalidLink) || err == nil && consumed != userID {
		return errInvalidLink
	} else if err != nil {
		return err
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
		return err
	}
	s.securityEvent(r, "password_reset", slog.Int64("user_id", userID))
	s.cookies.clearAuthCookies(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// changePassword sets a new password for a signed-in user who knows the
// current one. Every other session and refresh token family ends; this one
// stays signed in.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, c caller) error {
	var in struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	fields := map[string]string{}
	if in.CurrentPassword == "" {
		fields["current_password"] = "current password is required"
	}
	if msg := validatePassword(in.NewPassword); msg != "" {
		fields["new_password"] = strings.Replace(msg, "password", "new password", 1)
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	ctx := r.Context()
	u, err := s.confirmPassword(r, c, "current_password", in.CurrentPassword)
	if err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, in.NewPassword)
	if err != nil {
		return err
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
		return err
	}
	s.securityEvent(r, "password_changed", slog.Int64("user_id", u.ID))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// confirmPassword checks that password is the signed-in user's, counted
// like a sign-in (so that a stolen session cannot guess it faster). A wrong
// one fails with 400 validation_failed naming field; see verifyPassword for
// the rest.
func (s *Server) confirmPassword(r *http.Request, c caller, field, password string) (store.User, error) {
	u, err := s.store.UserByID(r.Context(), c.userID)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errSignInFirst
	}
	if err != nil {
		return store.User{}, err
	}
	events := s.signInEvents(u.Email, clientKey(s.clientAddr(r)))
	u, err = s.verifyPassword(r, events, password, func() (store.User, error) { return u, nil })
	if errors.Is(err, errWrongPassword) {
		return store.User{}, invalid(map[string]string{field: "wrong password"})
	}
	return u, err
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
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	userID, err := s.links.Consume(ctx, in.Token, auth.PurposeEmailVerify)
	if err == nil {
		err = s.store.SetEmailVerified(ctx, userID)
	}
	if errors.Is(err, auth.ErrInvalidLink) || errors.Is(err, store.ErrNotFound) { // store.ErrNotFound: the account is gone
		return errInvalidLink
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resendVerification mails a new verification link to a signed-in user
// whose address is not verified yet.
func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request, c caller) error {
	u, err := s.store.UserByID(r.Context(), c.userID)
	if err != nil {
		return err
	}
	if u.EmailVerified {
		writeJSON(w, http.StatusAccepted, map[string]string{"message": "Your email address is already verified."})
		return nil
	}
	if err := s.queueMail(r, store.MailVerifyEmail, u.ID, u.Email); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "A new verification link is on its way."})
	return nil
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
var errNoSuchSession = failure(http.StatusNotFound, "not_found", "no such session")

// scaffold:line // listSessions lists where the user is signed in: {{if .BrowserSessions}}browser sessions{{end}}{{if .Hybrid}}, and {{end}}{{if .BearerTokens}}refresh token families{{if .Hybrid}} of other clients{{end}}{{end}},
// listSessions lists where the user is signed in: browser sessions, and refresh token families of other clients,
// the most recently used first; the one making the request is current.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, c caller) error {
	ctx := r.Context()
	list := []sessionJSON{}
	// scaffold:if .BrowserSessions
	sessions, err := s.sessions.List(ctx, c.userID)
	if err != nil {
		return err
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
		return err
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
	return nil
}

// deleteSession ends one of the user's sessions at once; another user's
// id is 404, like an unknown one.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request, c caller) error {
	ctx := r.Context()
	id := r.PathValue("id")
	var current bool
	var err error = errNoSuchSession
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
	if err != nil {
		return err
	}
	s.securityEvent(r, "session_revoked", slog.Int64("user_id", c.userID))
	if current {
		s.cookies.clearAuthCookies(w)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteAccount deletes the signed-in user, who confirms with {"password"},
// and every row of theirs; the browser's cookies are cleared.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, c caller) error {
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Password == "" {
		return invalid(map[string]string{"password": "enter your password to delete your account"})
	}
	ctx := r.Context()
	u, err := s.confirmPassword(r, c, "password", in.Password)
	if err != nil {
		return err
	}
	// Ending the sessions first also ends access tokens still in flight;
	// deleting the user takes every other row with it.
	err = s.signOutEverywhere(ctx, u.ID, caller{})
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
		return err
	}
	s.securityEvent(r, "account_deleted", slog.Int64("user_id", u.ID))
	s.cookies.clearAuthCookies(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requireVerified refuses h to users whose address is not verified yet,
// with REQUIRE_VERIFIED_EMAIL=true: 403 email_unverified.
func (s *Server) requireVerified(h userHandler) userHandler {
	if !s.cfg.RequireVerifiedEmail {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, c caller) error {
		u, err := s.store.UserByID(r.Context(), c.userID)
		if err != nil {
			return err
		}
		if !u.EmailVerified {
			return failure(http.StatusForbidden, "email_unverified", "verify your email address first: open the link we mailed you, or ask for a new one")
		}
		return h(w, r, c)
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
