package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
)

// GitHubAccount is an account at the fake GitHub.
type GitHubAccount struct {
	ID     int64
	Login  string
	Emails []GitHubEmail
}

// GitHubEmail is an address of a GitHub account, as /user/emails lists it.
type GitHubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// GitHub is a fake of github.com and api.github.com, as GitHub documents
// them for OAuth apps: the authorization page (which signs in by login,
// without a password), the token endpoint (client secret, PKCE S256,
// codes used once) and the API's /user and /user/emails.
type GitHub struct {
	URL                    string
	ClientID, ClientSecret string
	redirectURL            string

	mu       sync.Mutex
	accounts map[string]GitHubAccount // by login
	codes    map[string]grant
	tokens   map[string]string // access token → login
}

type grant struct {
	login, challenge, redirectURI string
}

// NewGitHub starts a fake GitHub whose accounts are accounts, with one OAuth
// app registered for redirectURL; closed when t ends.
func NewGitHub(t testing.TB, redirectURL string, accounts ...GitHubAccount) *GitHub {
	g := &GitHub{
		ClientID: "Iv1.testclient", ClientSecret: "test-secret", redirectURL: redirectURL,
		accounts: map[string]GitHubAccount{}, codes: map[string]grant{}, tokens: map[string]string{},
	}
	for _, a := range accounts {
		g.accounts[a.Login] = a
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", g.authorizePage)
	mux.HandleFunc("POST /login/oauth/authorize", g.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", g.accessToken)
	mux.HandleFunc("GET /api/user", g.asUser(user))
	mux.HandleFunc("GET /api/user/emails", g.asUser(emails))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// Endpoints are where the provider finds this fake.
func (g *GitHub) Endpoints() oauth.GitHubEndpoints {
	return oauth.GitHubEndpoints{
		OAuth: oauth2.Endpoint{AuthURL: g.URL + "/login/oauth/authorize", TokenURL: g.URL + "/login/oauth/access_token"},
		API:   g.URL + "/api",
	}
}

// Provider is the GitHub provider of an API, speaking to this fake.
func (g *GitHub) Provider() *oauth.GitHub {
	return oauth.NewGitHub(g.Endpoints(), oauth.Settings{
		ID: "github", Name: "GitHub", ClientID: g.ClientID, ClientSecret: g.ClientSecret, RedirectURL: g.redirectURL,
	})
}

var authorizePage = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to GitHub</title></head>
<body><form method="post">
{{range $k, $v := .}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">
{{end}}<label>Username or email address <input name="login" autocomplete="username"></label>
<button type="submit" name="decision" value="allow">Authorize</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>`))

// authorizePage is GitHub's sign-in and consent page.
func (g *GitHub) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != g.ClientID || q.Get("redirect_uri") != g.redirectURL {
		http.Error(w, "The redirect_uri is not associated with this application.", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	authorizePage.Execute(w, q)
}

// authorize redirects back to the app, with a code, or with
// error=access_denied when the user cancelled.
func (g *GitHub) authorize(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	back, err := url.Parse(r.Form.Get("redirect_uri"))
	if err != nil || r.Form.Get("redirect_uri") != g.redirectURL || r.Form.Get("client_id") != g.ClientID {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	q := url.Values{"state": {r.Form.Get("state")}}
	g.mu.Lock()
	_, known := g.accounts[r.Form.Get("login")]
	switch {
	case r.Form.Get("decision") == "deny":
		q.Set("error", "access_denied")
	case !known:
		g.mu.Unlock()
		http.Error(w, "Incorrect username or password.", http.StatusUnauthorized)
		return
	default:
		if r.Form.Get("code_challenge_method") != "S256" {
			g.mu.Unlock()
			http.Error(w, "PKCE S256 expected", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		g.codes[code] = grant{login: r.Form.Get("login"), challenge: r.Form.Get("code_challenge"), redirectURI: g.redirectURL}
		q.Set("code", code)
	}
	g.mu.Unlock()
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// accessToken exchanges a code for an access token. Like GitHub, it
// answers errors with 200 and an "error" field.
func (g *GitHub) accessToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	fail := func(code string) { json.NewEncoder(w).Encode(map[string]string{"error": code}) }
	if id != g.ClientID || secret != g.ClientSecret {
		fail("incorrect_client_credentials")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	gr, ok := g.codes[r.Form.Get("code")]
	delete(g.codes, r.Form.Get("code"))
	sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
	switch {
	case !ok:
		fail("bad_verification_code")
	case r.Form.Get("redirect_uri") != gr.redirectURI:
		fail("redirect_uri_mismatch")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != gr.challenge:
		fail("bad_verification_code")
	default:
		token := "gho_" + rand.Text()
		g.tokens[token] = gr.login
		json.NewEncoder(w).Encode(map[string]string{"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})
	}
}

// asUser serves a REST API endpoint: what answer says of the account
// whose access token the request carries, 401 without one.
func (g *GitHub) asUser(answer func(GitHubAccount) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		g.mu.Lock()
		a, ok := g.accounts[g.tokens[token]]
		g.mu.Unlock()
		if !ok || token == "" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(answer(a))
	}
}

func user(a GitHubAccount) any { return map[string]any{"id": a.ID, "login": a.Login} }

func emails(a GitHubAccount) any {
	if a.Emails == nil {
		return []GitHubEmail{}
	}
	return a.Emails
}

// SignIn does what a browser does with authURL: it signs in as login and
// authorizes the app (or cancels, if deny), and returns the URL GitHub
// redirects back to.
func (g *GitHub) SignIn(t testing.TB, authURL, login string, deny bool) *url.URL {
	t.Helper()
	b := newBrowser(t, authURL)
	page := b.get(authURL)
	form := url.Values{"login": {login}, "decision": {"allow"}}
	if deny {
		form.Set("decision", "deny")
	}
	for k, v := range page.Query() {
		form[k] = v
	}
	return b.post(g.URL+"/login/oauth/authorize", form)
}
