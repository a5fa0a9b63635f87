// Package oauthtest runs providers in the test process for the tests of
// sign-in with a provider: a real OpenID Provider (zitadel/oidc's, with its
// example login page) and a fake GitHub speaking GitHub's documented API.
package oauthtest

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"
)

// User is an account at a test provider.
type User struct {
	// Subject is the provider's id of the account; Username and Password
	// sign in on its login page.
	Subject, Username, Password string
	Email                       string
	EmailVerified               bool
}

// Issuer is an OpenID Connect issuer in the test process, with one client
// registered: ClientID, ClientSecret, for the redirect URL given to
// NewIssuer.
type Issuer struct {
	URL                    string
	ClientID, ClientSecret string
	users                  users
}

// NewIssuer starts an issuer whose accounts are users, closed when t ends.
func NewIssuer(t testing.TB, redirectURL string, accounts ...User) *Issuer {
	t.Helper()
	iss := &Issuer{ClientID: "test-client", ClientSecret: "test-secret", users: users{}}
	for _, u := range accounts {
		iss.users[u.Subject] = &storage.User{
			ID: u.Subject, Username: u.Username, Password: u.Password,
			Email: u.Email, EmailVerified: u.EmailVerified, PreferredLanguage: language.English,
		}
	}
	client := storage.WebClient(iss.ClientID, iss.ClientSecret, redirectURL)
	st := storage.NewStorageWithClients(iss.users, map[string]*storage.Client{iss.ClientID: client})
	srv := httptest.NewUnstartedServer(nil)
	iss.URL = "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = exampleop.SetupServer(iss.URL, st, nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return iss
}

// users is the issuer's accounts, by subject.
type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User { return u[id] }

func (u users) GetUserByUsername(username string) *storage.User {
	for _, user := range u {
		if user.Username == username {
			return user
		}
	}
	return nil
}

func (u users) ExampleClientID() string { return "service" }

// SignIn does what a browser does with authURL, an issuer's authorization
// URL: it signs in on the login page as username and returns the URL the
// issuer redirects back to, with its code and state.
func (iss *Issuer) SignIn(t testing.TB, authURL, username, password string) *url.URL {
	t.Helper()
	b := newBrowser(t, authURL)
	page := b.get(authURL)
	id := page.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("the issuer showed no login page: %s", page)
	}
	return b.post(page.ResolveReference(&url.URL{Path: "/login/username"}).String(),
		url.Values{"id": {id}, "username": {username}, "password": {password}})
}

// browser follows redirects until one leaves for another host than the
// provider's: the redirect to the web app, which it returns.
type browser struct {
	t      testing.TB
	client *http.Client
	host   string
}

func newBrowser(t testing.TB, providerURL string) *browser {
	u, err := url.Parse(providerURL)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, host: u.Host}
	b.client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != b.host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// get returns where a GET of u ends: the provider's page it shows, or the
// web app's URL it redirects to.
func (b *browser) get(u string) *url.URL {
	b.t.Helper()
	resp, err := b.client.Get(u)
	return b.end(resp, err)
}

func (b *browser) post(u string, form url.Values) *url.URL {
	b.t.Helper()
	resp, err := b.client.PostForm(u, form)
	return b.end(resp, err)
}

func (b *browser) end(resp *http.Response, err error) *url.URL {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode/100 == 3 {
		u, err := resp.Request.URL.Parse(loc)
		if err != nil {
			b.t.Fatal(err)
		}
		return u
	}
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("%s: %s", resp.Request.URL, resp.Status)
	}
	return resp.Request.URL
}
