package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// forgotAnswer is the one answer to a reset request, whether or not an
// account uses the address: the response tells nobody who has an account.
var forgotAnswer = map[string]string{"message": "If an account uses this address, a link to reset its password is on its way."}

// forgotPassword queues a reset mail for {"email"} (see
// account.Accounts.RequestPasswordReset): the answer is the same whether
// or not an account uses the address.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	email, msg := account.NormalizeEmail(in.Email)
	if msg != "" {
		return invalid(map[string]string{"email": msg})
	}
	if err := s.accounts.RequestPasswordReset(r.Context(), email, s.client(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, forgotAnswer)
	return nil
}

// resetPassword sets a new password with {"token","password"} from a reset
// mail, signing the user out everywhere, this browser included.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if msg := account.CheckNewPassword(in.Password); msg != "" {
		return invalid(map[string]string{"password": msg})
	}
	err := s.accounts.ResetPassword(r.Context(), in.Token, in.Password, s.client(r))
	if errors.Is(err, auth.ErrInvalidLink) {
		return errInvalidLink
	}
	if err != nil {
		return err
	}
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
	if msg := account.CheckNewPassword(in.NewPassword); msg != "" {
		fields["new_password"] = strings.Replace(msg, "password", "new password", 1)
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	err := s.accounts.ChangePassword(r.Context(), c.userID, in.CurrentPassword, in.NewPassword, c.keep(), s.client(r))
	if err != nil {
		return confirmFailed(err, "current_password")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// confirmFailed answers for an account flow that asked for the user's
// password: a wrong one is 400 validation_failed naming field; an account
// gone meanwhile is 401.
func confirmFailed(err error, field string) error {
	switch {
	case errors.Is(err, account.ErrWrongPassword):
		return invalid(map[string]string{field: "wrong password"})
	case errors.Is(err, store.ErrNotFound):
		return errSignInFirst
	}
	return err
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
	err := s.accounts.VerifyEmail(r.Context(), in.Token)
	if errors.Is(err, auth.ErrInvalidLink) {
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
	sent, err := s.accounts.ResendVerification(r.Context(), c.userID, s.client(r))
	if err != nil {
		return err
	}
	message := "A new verification link is on its way."
	if !sent {
		message = "Your email address is already verified."
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": message})
	return nil
}

// sessionJSON is one signed-in browser or client in the list of sessions.
type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	// Method is how the session signed in: "password", "passkey" or a
	// provider's id; SecondFactor "totp", "recovery_code" or "".
	Method       string `json:"method"`
	SecondFactor string `json:"second_factor"`
	Current      bool   `json:"current"`
}

// withSignIn is j saying how it signed in (see signInBrowser).
func (j sessionJSON) withSignIn(signIn string) sessionJSON {
	j.Method, j.SecondFactor, _ = strings.Cut(signIn, "+")
	return j
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
		}.withSignIn(sess.SignIn))
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
		}.withSignIn(f.SignIn))
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
	if err := s.accounts.Delete(r.Context(), c.userID, in.Password, s.client(r)); err != nil {
		return confirmFailed(err, "password")
	}
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
