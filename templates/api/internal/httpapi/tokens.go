// scaffold:file .BearerTokens
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	//~	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// token signs in a non-browser client: the tokens are in the body, and no
// cookie is set.
// With two-factor authentication on, it answers {"mfa_required",
// "mfa_token"} instead, and tokenMFA gives the tokens.
func (s *Server) token(w http.ResponseWriter, r *http.Request) error {
	u, err := s.checkCredentials(r)
	if err != nil {
		return err
	}
	pending, err := s.accounts.BeginSignIn(r.Context(), u.ID, signInPassword, "bearer", "")
	if err != nil {
		return err
	}
	if pending != "" {
		writeJSON(w, http.StatusOK, mfaRequired{MFARequired: true, Methods: mfaMethods, MFAToken: pending})
		return nil
	}
	return s.issueTokens(w, r, u.ID, signInPassword)
}

// tokenMFA completes a bearer client's sign-in with {"mfa_token"} and
// {"code"} or {"recovery_code"}: the tokens, as token gives them.
func (s *Server) tokenMFA(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		MFAToken string `json:"mfa_token"`
		secondFactor
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	done, err := s.accounts.FinishSignIn(r.Context(), in.MFAToken, "bearer", in.Code, in.RecoveryCode, s.client(r))
	if err != nil {
		return mfaFailed(err)
	}
	return s.issueTokens(w, r, done.User.ID, done.SignIn)
}

func (s *Server) issueTokens(w http.ResponseWriter, r *http.Request, userID int64, signIn string) error {
	rt, err := s.refresh.Issue(r.Context(), userID, userAgent(r), signIn)
	if err != nil {
		return err
	}
	return s.writeTokens(w, rt)
}

// tokenRefresh exchanges {"refresh_token"} for a new pair.
func (s *Server) tokenRefresh(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rt, err := s.refresh.Rotate(r.Context(), in.RefreshToken)
	if errors.Is(err, auth.ErrInvalidToken) {
		s.reportReuse(r, err)
		return errInvalidRefreshToken
	}
	if err != nil {
		return err
	}
	return s.writeTokens(w, rt)
}

func (s *Server) writeTokens(w http.ResponseWriter, rt auth.Issued) error {
	access, err := s.access.Issue(rt.UserID, rt.FamilyID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  access,
		RefreshToken: rt.Token,
		TokenType:    "Bearer",
		ExpiresIn:    int(s.access.TTL().Seconds()),
	})
	return nil
}

// reportReuse logs a refresh token presented again after its grace window:
// a copy was kept, by an attacker or by a broken client, and the family was
// revoked.
func (s *Server) reportReuse(r *http.Request, err error) {
	if reuse, ok := errors.AsType[*auth.ReuseError](err); ok {
		s.securityEvent(r, "refresh_reuse", slog.Int64("user_id", reuse.UserID))
	}
}

var errInvalidRefreshToken = failure(http.StatusUnauthorized, "invalid_token", "the refresh token is invalid, expired or revoked; sign in again")

// scaffold:if .BrowserJWT
//~
//~// refreshCookies rotates the refresh token cookie and sets a new access
//~// token cookie. The web app calls it when a request answers 401.
//~func (s *Server) refreshCookies(w http.ResponseWriter, r *http.Request) error {
//~	token, err := s.cookies.read(r, refreshCookie)
//~	if err != nil {
//~		return s.refuseDuplicateCookie(r)
//~	}
//~	rt, err := s.refresh.Rotate(r.Context(), token)
//~	if err != nil && !errors.Is(err, auth.ErrInvalidToken) {
//~		return err
//~	}
//~	s.reportReuse(r, err)
//~	var u store.User
//~	if err == nil {
//~		u, err = s.store.UserByID(r.Context(), rt.UserID)
//~	}
//~	if errors.Is(err, auth.ErrInvalidToken) || errors.Is(err, store.ErrNotFound) {
//~		s.cookies.clearAuthCookies(w)
//~		return errInvalidRefreshToken
//~	}
//~	if err != nil {
//~		return err
//~	}
//~	if err := s.setTokenCookies(w, rt.Token, rt.UserID, rt.FamilyID); err != nil {
//~		return err
//~	}
//~	writeJSON(w, http.StatusOK, toUserResponse(u))
//~	return nil
//~}
//~
//~// setTokenCookies sets the access token cookie, for as long as the token
//~// lives, and the refresh token cookie.
//~func (s *Server) setTokenCookies(w http.ResponseWriter, refreshToken string, userID int64, familyID string) error {
//~	access, err := s.access.Issue(userID, familyID)
//~	if err != nil {
//~		return err
//~	}
//~	s.cookies.set(w, accessCookie, access, s.access.TTL())
//~	s.cookies.set(w, refreshCookie, refreshToken, s.refresh.TTL())
//~	return nil
//~}
// scaffold:end

type jwksResponse struct {
	Keys []auth.JWK `json:"keys"`
}

// jwks publishes the public keys that verify access tokens, for services
// that check them on their own.
func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, jwksResponse{Keys: s.access.JWKS()})
}
