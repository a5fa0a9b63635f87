package httpapi

// Tests of sign-in with a provider: the whole OpenID Connect flow against a
// real OpenID Provider in this process, GitHub against a fake speaking its
// API (both in internal/oauth/oauthtest), and every rule of the callback.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth/oauthtest"
)

// withProviders gives the API these providers instead of Config's.
func withProviders(ps ...oauth.Provider) envOption {
	return func(s *envSetup) { s.Providers = ps }
}

// callbackURL is where the providers send the browser back, for provider.
func callbackURL(provider string) string { return webOrigin + "/auth/callback/" + provider }

// startOAuth begins a sign-in with provider and returns the provider's
// authorization URL.
func (c *client) startOAuth(t testing.TB, provider string, body map[string]string) *url.URL {
	t.Helper()
	var out struct {
		AuthorizationURL string `json:"authorization_url"`
	}
	if body == nil {
		body = map[string]string{}
	}
	c.do("POST", "/api/auth/oauth/"+provider+"/start", body).want(t, http.StatusOK).decode(t, &out)
	u, err := url.Parse(out.AuthorizationURL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// finishOAuth does what the web app's callback page does with the URL the
// provider redirected to: it posts the code and state (or error).
func (c *client) finishOAuth(provider string, back *url.URL) *response {
	q := back.Query()
	body := map[string]string{"state": q.Get("state")}
	if q.Has("error") {
		body["error"] = q.Get("error")
	} else {
		body["code"] = q.Get("code")
	}
	return c.do("POST", "/api/auth/oauth/"+provider+"/callback", body)
}

type callbackResult struct {
	User     userJSON `json:"user"`
	ReturnTo string   `json:"return_to"`
}

var (
	alice   = oauthtest.User{Subject: "sub-alice", Username: "alice", Password: "alice's password", Email: "alice@idp.example", EmailVerified: true}
	mallory = oauthtest.User{Subject: "sub-mallory", Username: "mallory", Password: "mallory's password", Email: "mallory@idp.example", EmailVerified: true}
)

// oidcEnv is an API whose OIDC_ISSUER is a real OpenID Provider.
func oidcEnv(t *testing.T, users ...oauthtest.User) (*testEnv, *oauthtest.Issuer) {
	iss := oauthtest.NewIssuer(t, callbackURL("oidc"), users...)
	e := newTestEnv(t, map[string]string{
		"OIDC_ISSUER": iss.URL, "OIDC_CLIENT_ID": iss.ClientID, "OIDC_CLIENT_SECRET": iss.ClientSecret, "OIDC_NAME": "Acme ID",
	})
	return e, iss
}

func TestOIDCSignIn(t *testing.T) {
	e, iss := oidcEnv(t, alice)
	var list struct {
		Providers []providerJSON `json:"providers"`
	}
	e.client().do("GET", "/api/auth/providers", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Providers) != 1 || list.Providers[0] != (providerJSON{ID: "oidc", Name: "Acme ID"}) {
		t.Fatalf("providers %+v", list.Providers)
	}

	c := e.client()
	r := c.do("POST", "/api/auth/oauth/oidc/start", map[string]string{"return_to": "/notes?x=1"}).want(t, http.StatusOK)
	ck := r.setCookie(e.srv.cookies.name(oauthCookie))
	if ck == nil || !ck.HttpOnly || ck.Secure != e.cfg.Cookie.Secure || ck.SameSite != e.cfg.Cookie.SameSite || ck.Partitioned != e.cfg.Cookie.Partitioned || ck.MaxAge != 600 || ck.Path != "/" {
		t.Fatalf("state cookie %+v", ck)
	}
	var out struct {
		AuthorizationURL string `json:"authorization_url"`
	}
	r.decode(t, &out)
	authURL, _ := url.Parse(out.AuthorizationURL)
	q := authURL.Query()
	if !strings.HasPrefix(out.AuthorizationURL, iss.URL+"/") || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
		q.Get("nonce") == "" || q.Get("state") != ck.Value || q.Get("redirect_uri") != callbackURL("oidc") || q.Get("client_id") != iss.ClientID {
		t.Fatalf("authorization URL %s", authURL)
	}

	back := iss.SignIn(t, authURL.String(), "alice", alice.Password)
	if back.String() != callbackURL("oidc")+"?"+back.RawQuery {
		t.Fatalf("the issuer sent the browser to %s", back)
	}
	var res callbackResult
	c.finishOAuth("oidc", back).want(t, http.StatusOK).decode(t, &res)
	if res.User.Email != "alice@idp.example" || !res.User.EmailVerified || res.ReturnTo != "/notes?x=1" {
		t.Fatalf("callback %+v", res)
	}
	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	if me.User != res.User {
		t.Fatalf("me %+v, callback %+v", me.User, res.User)
	}
	if _, ok := c.cookies[e.srv.cookies.name(oauthCookie)]; ok {
		t.Fatal("the state cookie outlived the callback")
	}

	// Signing in again finds the same user.
	again := e.client()
	var res2 callbackResult
	again.finishOAuth("oidc", iss.SignIn(t, again.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)).
		want(t, http.StatusOK).decode(t, &res2)
	if res2.User.ID != res.User.ID || res2.ReturnTo != "" {
		t.Fatalf("second sign-in %+v, first %+v", res2, res)
	}

	var ids struct {
		Identities []identityJSON `json:"identities"`
	}
	c.do("GET", "/api/auth/identities", nil).want(t, http.StatusOK).decode(t, &ids)
	if len(ids.Identities) != 1 || ids.Identities[0].Provider != "oidc" || ids.Identities[0].Email != "alice@idp.example" {
		t.Fatalf("identities %+v", ids)
	}
	events := e.securityEvents(t)
	if len(events["oauth_login"]) != 2 {
		t.Fatalf("oauth_login events: %v", events["oauth_login"])
	}

	// The account has no password: none signs in, and asking for one is
	// how its owner sets one.
	e.client().do("POST", "/api/auth/login", credentials{Email: "alice@idp.example", Password: "any password at all"}).
		wantError(t, http.StatusUnauthorized, "invalid_credentials")
}

func TestProviderlessAccountSetsAPassword(t *testing.T) {
	e, iss := oidcEnv(t, alice)
	box := e.withMail()
	c := e.client()
	c.finishOAuth("oidc", iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)).want(t, http.StatusOK)
	token := e.resetLink(t, box, "alice@idp.example")
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": testPassword}).want(t, http.StatusNoContent)
	e.client().do("POST", "/api/auth/login", credentials{Email: "alice@idp.example", Password: testPassword}).want(t, http.StatusOK)
}

func TestOAuthState(t *testing.T) {
	e, iss := oidcEnv(t, alice, mallory)
	stateCookie := e.srv.cookies.name(oauthCookie)

	t.Run("another browser's state", func(t *testing.T) {
		// Mallory begins a sign-in in her browser and gets a code for her
		// account; her victim's browser must not be signed in with it.
		attacker := e.client()
		back := iss.SignIn(t, attacker.startOAuth(t, "oidc", nil).String(), "mallory", mallory.Password)
		victim := e.client()
		victim.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
		victim.startOAuth(t, "oidc", nil) // the victim's own state does not match either
		victim.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
		victim.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	})
	t.Run("reused", func(t *testing.T) {
		c := e.client()
		back := iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)
		cookie := c.cookies[stateCookie]
		c.finishOAuth("oidc", back).want(t, http.StatusOK)
		c.cookies[stateCookie] = cookie
		c.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
	})
	t.Run("wrong state", func(t *testing.T) {
		c := e.client()
		back := iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)
		q := back.Query()
		q.Set("state", q.Get("state")+"x")
		back.RawQuery = q.Encode()
		c.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
	})
	t.Run("expired", func(t *testing.T) {
		c := e.client()
		back := iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)
		e.clock.Advance(10*time.Minute + time.Second)
		c.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
	})
	t.Run("bad code", func(t *testing.T) {
		c := e.client()
		back := iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)
		q := back.Query()
		q.Set("code", "not-a-code")
		back.RawQuery = q.Encode()
		c.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "oauth_failed")
		c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	})
	t.Run("no cookie", func(t *testing.T) {
		c := e.client()
		back := iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)
		delete(c.cookies, stateCookie)
		c.finishOAuth("oidc", back).wantError(t, http.StatusBadRequest, "invalid_state")
	})
}

func TestOAuthReturnTo(t *testing.T) {
	e, _ := oidcEnv(t, alice)
	for _, bad := range []string{
		"//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "dashboard",
		"/\t/evil.example", "/ok\\..\\x", "http:/evil.example", " /dashboard",
	} {
		var body errorBody
		e.client().do("POST", "/api/auth/oauth/oidc/start", map[string]string{"return_to": bad}).
			wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
		if body.Error.Fields["return_to"] == "" {
			t.Errorf("return_to %q: %+v", bad, body)
		}
	}
	for _, good := range []string{"", "/", "/dashboard", "/notes/3?tab=a#b"} {
		e.client().do("POST", "/api/auth/oauth/oidc/start", map[string]string{"return_to": good}).want(t, http.StatusOK)
	}
}

func TestOAuthProviders(t *testing.T) {
	e, _ := oidcEnv(t, alice)
	e.client().do("POST", "/api/auth/oauth/github/start", map[string]string{}).wantError(t, http.StatusNotFound, "not_found")
	e.client().do("POST", "/api/auth/oauth/nope/callback", map[string]string{"code": "x", "state": "y"}).wantError(t, http.StatusNotFound, "not_found")
	e.client().do("POST", "/api/auth/oauth/oidc/start", map[string]string{"intent": "takeover"}).wantError(t, http.StatusBadRequest, "validation_failed")

	down := newTestEnv(t, map[string]string{"OIDC_ISSUER": "http://127.0.0.1:1", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"})
	down.client().do("POST", "/api/auth/oauth/oidc/start", map[string]string{}).wantError(t, http.StatusServiceUnavailable, "provider_unavailable")

	none := newTestEnv(t, nil)
	var list struct {
		Providers []providerJSON `json:"providers"`
	}
	none.client().do("GET", "/api/auth/providers", nil).want(t, http.StatusOK).decode(t, &list)
	if list.Providers == nil || len(list.Providers) != 0 {
		t.Fatalf("providers without configuration: %s", list.Providers)
	}
}

// githubEnv is an API whose GitHub is a fake with accounts.
func githubEnv(t *testing.T, env map[string]string, accounts ...oauthtest.GitHubAccount) (*testEnv, *oauthtest.GitHub) {
	gh := oauthtest.NewGitHub(t, callbackURL("github"), accounts...)
	return newTestEnv(t, env, withProviders(gh.Provider())), gh
}

func ghAccount(id int64, login, email string, verified bool) oauthtest.GitHubAccount {
	return oauthtest.GitHubAccount{ID: id, Login: login, Emails: []oauthtest.GitHubEmail{
		{Email: login + "-old@example.com", Verified: true},
		{Email: email, Primary: true, Verified: verified},
	}}
}

func TestGitHubSignIn(t *testing.T) {
	e, gh := githubEnv(t, nil, ghAccount(1, "octocat", "Octo@Example.com", true), ghAccount(2, "unverified", "unverified@example.com", false),
		oauthtest.GitHubAccount{ID: 3, Login: "noemail"})
	box := e.withMail()

	c := e.client()
	var res callbackResult
	c.finishOAuth("github", gh.SignIn(t, c.startOAuth(t, "github", nil).String(), "octocat", false)).want(t, http.StatusOK).decode(t, &res)
	if res.User.Email != "octo@example.com" || !res.User.EmailVerified {
		t.Fatalf("GitHub user %+v", res.User)
	}
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)

	// An address GitHub has not verified makes an unverified account, and
	// the mail that verifies it goes out.
	u := e.client()
	u.finishOAuth("github", gh.SignIn(t, u.startOAuth(t, "github", nil).String(), "unverified", false)).want(t, http.StatusOK).decode(t, &res)
	if res.User.Email != "unverified@example.com" || res.User.EmailVerified {
		t.Fatalf("unverified GitHub user %+v", res.User)
	}
	if m := box.next(t); !strings.Contains(m.To, "unverified@example.com") {
		t.Fatalf("mail to %s", m.To)
	}

	n := e.client()
	n.finishOAuth("github", gh.SignIn(t, n.startOAuth(t, "github", nil).String(), "noemail", false)).wantError(t, http.StatusBadRequest, "oauth_failed")

	// A code GitHub does not know.
	b := e.client()
	back := gh.SignIn(t, b.startOAuth(t, "github", nil).String(), "octocat", false)
	q := back.Query()
	q.Set("code", "forged")
	back.RawQuery = q.Encode()
	b.finishOAuth("github", back).wantError(t, http.StatusBadRequest, "oauth_failed")

	// The user says no on GitHub's page.
	d := e.client()
	d.finishOAuth("github", gh.SignIn(t, d.startOAuth(t, "github", nil).String(), "octocat", true)).wantError(t, http.StatusBadRequest, "oauth_failed")
	d.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
}

func TestOAuthLinksOnlyVerifiedEmails(t *testing.T) {
	e, gh := githubEnv(t, nil,
		ghAccount(1, "verified", "owner@example.com", true), ghAccount(2, "unverified", "victim@example.com", false),
		ghAccount(3, "claims", "unconfirmed@example.com", true))
	box := e.withMail()

	// A verified account and a verified GitHub address: the same person.
	owner := e.client()
	var reg userResponse
	owner.do("POST", "/api/auth/register", credentials{Email: "owner@example.com", Password: testPassword}).want(t, http.StatusCreated).decode(t, &reg)
	_, token := box.next(t).link(t, "/verify-email")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": token}).want(t, http.StatusNoContent)
	c := e.client()
	var res callbackResult
	c.finishOAuth("github", gh.SignIn(t, c.startOAuth(t, "github", nil).String(), "verified", false)).want(t, http.StatusOK).decode(t, &res)
	if res.User.ID != reg.User.ID {
		t.Fatalf("signed in as %d, want the account %d", res.User.ID, reg.User.ID)
	}
	if len(e.securityEvents(t)["identity_linked"]) != 1 {
		t.Fatal("no identity_linked event")
	}

	// GitHub does not vouch for the address: no takeover of the account.
	e.client().do("POST", "/api/auth/register", credentials{Email: "victim@example.com", Password: testPassword}).want(t, http.StatusCreated)
	x := e.client()
	x.finishOAuth("github", gh.SignIn(t, x.startOAuth(t, "github", nil).String(), "unverified", false)).wantError(t, http.StatusConflict, "account_exists")
	x.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")

	// The account's address was never verified: whoever registered it may
	// not own it, so GitHub's owner of the address does not join it.
	e.client().do("POST", "/api/auth/register", credentials{Email: "unconfirmed@example.com", Password: testPassword}).want(t, http.StatusCreated)
	y := e.client()
	y.finishOAuth("github", gh.SignIn(t, y.startOAuth(t, "github", nil).String(), "claims", false)).wantError(t, http.StatusConflict, "account_exists")
}

func TestConnectAndDisconnect(t *testing.T) {
	e, gh := githubEnv(t, nil, ghAccount(1, "octocat", "octo@example.com", true), ghAccount(2, "other", "other@example.com", true))

	// Connecting needs a signed-in user.
	e.client().do("POST", "/api/auth/oauth/github/start", map[string]string{"intent": "link"}).wantError(t, http.StatusUnauthorized, "unauthenticated")

	c, email := e.signedIn()
	var res callbackResult
	c.finishOAuth("github", gh.SignIn(t, c.startOAuth(t, "github", map[string]string{"intent": "link", "return_to": "/settings"}).String(), "octocat", false)).
		want(t, http.StatusOK).decode(t, &res)
	if res.User.Email != email || res.ReturnTo != "/settings" {
		t.Fatalf("connect %+v", res)
	}
	// GitHub now signs that user in.
	s := e.client()
	var signed callbackResult
	s.finishOAuth("github", gh.SignIn(t, s.startOAuth(t, "github", nil).String(), "octocat", false)).want(t, http.StatusOK).decode(t, &signed)
	if signed.User.ID != res.User.ID {
		t.Fatalf("GitHub signs in %d, want %d", signed.User.ID, res.User.ID)
	}

	// Another user cannot connect the same GitHub account.
	o, _ := e.signedIn()
	o.finishOAuth("github", gh.SignIn(t, o.startOAuth(t, "github", map[string]string{"intent": "link"}).String(), "octocat", false)).
		wantError(t, http.StatusConflict, "identity_taken")

	// A connect begun by one user cannot be finished by another.
	back := gh.SignIn(t, c.startOAuth(t, "github", map[string]string{"intent": "link"}).String(), "other", false)
	c.do("POST", "/api/auth/logout", nil).want(t, http.StatusNoContent)
	c.finishOAuth("github", back).wantError(t, http.StatusUnauthorized, "unauthenticated")

	var ids struct {
		Identities []identityJSON `json:"identities"`
	}
	s.do("GET", "/api/auth/identities", nil).want(t, http.StatusOK).decode(t, &ids)
	if len(ids.Identities) != 1 {
		t.Fatalf("identities %+v", ids)
	}
	id := strconv.FormatInt(ids.Identities[0].ID, 10)
	o.do("DELETE", "/api/auth/identities/"+id, nil).wantError(t, http.StatusNotFound, "not_found")
	s.do("DELETE", "/api/auth/identities/x", nil).wantError(t, http.StatusNotFound, "not_found")
	// The account has a password: GitHub may go.
	s.do("DELETE", "/api/auth/identities/"+id, nil).want(t, http.StatusNoContent)
	s.do("DELETE", "/api/auth/identities/"+id, nil).wantError(t, http.StatusNotFound, "not_found")
	if len(e.securityEvents(t)["identity_unlinked"]) != 1 {
		t.Fatal("no identity_unlinked event")
	}
}

func TestLastLoginMethodStays(t *testing.T) {
	e, gh := githubEnv(t, nil, ghAccount(1, "octocat", "octo@example.com", true), ghAccount(2, "second", "second@example.com", true))
	c := e.client()
	c.finishOAuth("github", gh.SignIn(t, c.startOAuth(t, "github", nil).String(), "octocat", false)).want(t, http.StatusOK)
	wantSignIn(t, c, "github", "")
	var ids struct {
		Identities []identityJSON `json:"identities"`
	}
	c.do("GET", "/api/auth/identities", nil).want(t, http.StatusOK).decode(t, &ids)
	first := strconv.FormatInt(ids.Identities[0].ID, 10)
	c.do("DELETE", "/api/auth/identities/"+first, nil).wantError(t, http.StatusConflict, "last_login_method")

	// With a second identity, either may go, but not both.
	c.finishOAuth("github", gh.SignIn(t, c.startOAuth(t, "github", map[string]string{"intent": "link"}).String(), "second", false)).want(t, http.StatusOK)
	c.do("GET", "/api/auth/identities", nil).want(t, http.StatusOK).decode(t, &ids)
	if len(ids.Identities) != 2 {
		t.Fatalf("identities %+v", ids)
	}
	c.do("DELETE", "/api/auth/identities/"+first, nil).want(t, http.StatusNoContent)
	second := strconv.FormatInt(ids.Identities[1].ID, 10)
	c.do("DELETE", "/api/auth/identities/"+second, nil).wantError(t, http.StatusConflict, "last_login_method")

	// A passkey is a way to sign in too.
	newDevice(t).register(c, "").want(t, http.StatusCreated)
	c.do("DELETE", "/api/auth/identities/"+second, nil).want(t, http.StatusNoContent)
}

func TestOAuthIsLimited(t *testing.T) {
	e, _ := githubEnv(t, map[string]string{"RATE_LIMIT_OAUTH": "2/1m"})
	c := e.client()
	c.startOAuth(t, "github", nil)
	c.startOAuth(t, "github", nil)
	r := c.do("POST", "/api/auth/oauth/github/start", map[string]string{}).wantError(t, http.StatusTooManyRequests, "rate_limited")
	if r.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	e.client().startOAuth(t, "github", nil) // another client is not limited
}
