package httpapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// oauthCookie holds the state of the sign-in with a provider this browser
// began: the callback must present the same, so that a code obtained in
// another browser (an attacker's, sent to a victim as a link) signs nobody
// in here.
const oauthCookie = "oauth"

// callbackPath is the web app's page the providers redirect to, followed
// by the provider's id: it posts the code to the callback endpoint. The
// browser never visits the API itself, so the auth cookies land where the
// web app's requests carry them, whatever the topology.
const callbackPath = "/auth/callback/"

// newProviders returns the providers cfg configures, in the order of their
// buttons.
func newProviders(cfg *config.Config) []oauth.Provider {
	var list []oauth.Provider
	for _, p := range cfg.Providers {
		s := oauth.Settings{
			ID: p.ID, Name: p.Name, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
			RedirectURL: cfg.Mail.AppURL + callbackPath + p.ID,
		}
		if p.Issuer == "" {
			list = append(list, oauth.NewGitHub(oauth.GitHubDotCom, s))
		} else {
			list = append(list, oauth.NewOIDC(p.Issuer, s))
		}
	}
	return list
}

type providerJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// listProviders answers the providers users can sign in with.
func (s *Server) listProviders(w http.ResponseWriter, _ *http.Request) error {
	list := []providerJSON{}
	for _, p := range s.providers {
		list = append(list, providerJSON{ID: p.ID(), Name: p.Name()})
	}
	writeJSON(w, http.StatusOK, map[string][]providerJSON{"providers": list})
	return nil
}

// provider is the provider of the request's path: 404 if none is
// configured of that id.
func (s *Server) provider(r *http.Request) (oauth.Provider, error) {
	id := r.PathValue("provider")
	for _, p := range s.providers {
		if p.ID() == id {
			return p, nil
		}
	}
	return nil, failure(http.StatusNotFound, "not_found", "no such provider")
}

var errProviderUnavailable = failure(http.StatusServiceUnavailable, "provider_unavailable", "the provider cannot be reached; try again in a moment")

// oauthStart begins a sign-in with a provider: {"return_to"?, "intent"?}
// → {"authorization_url"}, the provider's page the web app sends the
// browser to, and the state cookie. intent "link" connects the provider to
// the signed-in user instead.
func (s *Server) oauthStart(w http.ResponseWriter, r *http.Request) error {
	p, err := s.provider(r)
	if err != nil {
		return err
	}
	var in struct {
		ReturnTo string `json:"return_to"`
		Intent   string `json:"intent"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if !isRelativePath(in.ReturnTo) {
		return invalid(map[string]string{"return_to": "must be a path of the web app, such as /dashboard"})
	}
	var userID int64
	switch in.Intent {
	case "", "login":
	case "link":
		c, err := s.signedIn(r)
		if err != nil {
			return err
		}
		userID = c.userID
	default:
		return invalid(map[string]string{"intent": `must be "login" or "link"`})
	}
	authURL, state, err := s.accounts.StartOAuth(r.Context(), p, in.ReturnTo, userID, s.client(r))
	if errors.Is(err, oauth.ErrUnavailable) {
		s.log.WarnContext(r.Context(), "provider unavailable", "provider", p.ID(), "err", err)
		return errProviderUnavailable
	}
	if err != nil {
		return err
	}
	s.cookies.set(w, oauthCookie, state, account.OAuthFlowTTL)
	writeJSON(w, http.StatusOK, map[string]string{"authorization_url": authURL})
	return nil
}

// isRelativePath reports whether returnTo ("" for the web app's default)
// is a path of the web app's own: never another site, whatever way a
// browser would read it ("//evil.example", "/\evil.example", "https:…").
func isRelativePath(returnTo string) bool {
	if returnTo == "" {
		return true
	}
	if len(returnTo) > 2048 || !strings.HasPrefix(returnTo, "/") || strings.HasPrefix(returnTo, "//") || strings.HasPrefix(returnTo, "/\\") {
		return false
	}
	if strings.ContainsFunc(returnTo, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return false
	}
	u, err := url.Parse(returnTo)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

type oauthCallbackResponse struct {
	User     userJSON `json:"user"`
	ReturnTo string   `json:"return_to"`
}

// oauthCallback finishes a sign-in with a provider: the web app's callback
// page posts {"code","state"} (or {"error","state"} when the provider
// redirected with an error) and gets {"user","return_to"} and the auth
// cookies, or {"mfa_required"}, as from login.
func (s *Server) oauthCallback(w http.ResponseWriter, r *http.Request) error {
	p, err := s.provider(r)
	if err != nil {
		return err
	}
	var in struct {
		Code  string `json:"code"`
		State string `json:"state"`
		Error string `json:"error"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	// The state is good for one callback, whatever its outcome.
	cookie, cookieErr := s.cookies.read(r, oauthCookie)
	s.cookies.clear(w, oauthCookie)
	if cookieErr != nil || cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(in.State)) != 1 {
		s.securityEvent(r, "oauth_invalid_state")
		return errInvalidState
	}
	ctx, c := r.Context(), s.client(r)
	done, err := s.accounts.FinishOAuth(ctx, p, in.State, in.Code, in.Error, c)
	if err != nil {
		return oauthFailed(p, err)
	}
	var u store.User
	if done.UserID != 0 {
		// Connecting the provider to an account: the browser must still
		// be signed in as the user who began.
		caller, err := s.signedIn(r)
		if err != nil {
			return err
		}
		if caller.userID != done.UserID {
			return errSignInFirst
		}
		if u, err = s.accounts.Connect(ctx, done.UserID, p.ID(), done.Identity, c); err != nil {
			return oauthFailed(p, err)
		}
	} else {
		if u, err = s.accounts.SignInWithProvider(ctx, p.ID(), done.Identity, c); err != nil {
			return oauthFailed(p, err)
		}
		if complete, err := s.completeBrowserSignIn(w, r, u, p.ID(), done.ReturnTo); err != nil || !complete {
			return err
		}
	}
	writeJSON(w, http.StatusOK, oauthCallbackResponse{User: toUserResponse(u).User, ReturnTo: done.ReturnTo})
	return nil
}

var errInvalidState = failure(http.StatusBadRequest, "invalid_state", "this sign-in was not started in this browser, was used already or expired; start again")

// oauthFailed is the problem a failed sign-in with p answers.
func oauthFailed(p oauth.Provider, err error) error {
	switch {
	case errors.Is(err, account.ErrInvalidState):
		return errInvalidState
	case errors.Is(err, oauth.ErrFailed):
		return failure(http.StatusBadRequest, "oauth_failed", fmt.Sprintf("signing in with %s failed; try again", p.Name()))
	case errors.Is(err, account.ErrNoEmail):
		return failure(http.StatusBadRequest, "oauth_failed", fmt.Sprintf("%s gave no email address for this account; add one there, or register with a password", p.Name()))
	case errors.Is(err, oauth.ErrUnavailable):
		return errProviderUnavailable
	case errors.Is(err, account.ErrAccountExists):
		return failure(http.StatusConflict, "account_exists", fmt.Sprintf("an account with this email exists: sign in with your password, then connect %s in Settings", p.Name()))
	case errors.Is(err, account.ErrIdentityTaken):
		return failure(http.StatusConflict, "identity_taken", fmt.Sprintf("this %s account is connected to another user", p.Name()))
	}
	return err
}

type identityJSON struct {
	ID        int64     `json:"id"`
	Provider  string    `json:"provider"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

// listIdentities lists the providers' accounts connected to the user.
func (s *Server) listIdentities(w http.ResponseWriter, r *http.Request, c caller) error {
	ids, err := s.store.Identities(r.Context(), c.userID)
	if err != nil {
		return err
	}
	list := []identityJSON{}
	for _, id := range ids {
		list = append(list, identityJSON{ID: id.ID, Provider: id.Provider, Email: id.Email, CreatedAt: id.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string][]identityJSON{"identities": list})
	return nil
}

var (
	errNoSuchIdentity  = failure(http.StatusNotFound, "not_found", "no such identity")
	errLastLoginMethod = failure(http.StatusConflict, "last_login_method", "this is the account's only way to sign in: set a password first (Forgot password? mails a link)")
)

// deleteIdentity disconnects one of the user's identities: 409
// last_login_method if the account could then not sign in at all; another
// user's id is 404, like an unknown one.
func (s *Server) deleteIdentity(w http.ResponseWriter, r *http.Request, c caller) error {
	return s.removeSignInMethod(w, r, c, errNoSuchIdentity, s.accounts.Disconnect)
}

// removeSignInMethod removes the caller's way to sign in whose id is in
// the path, with remove: 204; notFound for an id the caller has none of;
// 409 last_login_method if the account could then not sign in at all.
func (s *Server) removeSignInMethod(w http.ResponseWriter, r *http.Request, c caller, notFound error, remove func(ctx context.Context, userID, id int64, c account.Client) error) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound
	}
	err = remove(r.Context(), c.userID, id, s.client(r))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFound
	case errors.Is(err, account.ErrLastLoginMethod):
		return errLastLoginMethod
	case err != nil:
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
