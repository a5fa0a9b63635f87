// Package oauthtest runs providers in the test process for the tests of
// sign-in with a provider: a real OpenID Provider (zitadel/oidc's, with its
// example login page) and a fake GitHub speaking GitHub's documented API.
package oauthtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"sync"
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
}

// NewIssuer starts an issuer whose accounts are users, closed when t ends.
func NewIssuer(t testing.TB, redirectURL string, accounts ...User) *Issuer {
	t.Helper()
	iss := &Issuer{ClientID: "test-client", ClientSecret: "test-secret"}
	srv := httptest.NewUnstartedServer(nil)
	iss.URL = "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = IssuerHandler(iss.URL, Client{ID: iss.ClientID, Secret: iss.ClientSecret, RedirectURLs: []string{redirectURL}}, FixedUsers(accounts...))
	srv.Start()
	t.Cleanup(srv.Close)
	return iss
}

// Client is a client registered with an issuer.
type Client struct {
	ID, Secret   string
	RedirectURLs []string
}

// IssuerHandler serves the OpenID Provider at issuerURL (its discovery
// document, keys, endpoints and login page), which knows client and the
// accounts of users. Its signing key is made anew each time.
func IssuerHandler(issuerURL string, client Client, users Users) http.Handler {
	c := storage.WebClient(client.ID, client.Secret, client.RedirectURLs...)
	st := storage.NewStorageWithClients(users, map[string]*storage.Client{client.ID: c})
	return exampleop.SetupServer(issuerURL, st, nil, false)
}

// Users are the accounts of an issuer.
type Users interface {
	storage.UserStore
}

// FixedUsers are exactly accounts.
func FixedUsers(accounts ...User) Users {
	u := &users{byID: map[string]*storage.User{}}
	for _, a := range accounts {
		u.add(a)
	}
	return u
}

// AnyUser makes an account of every username that is an email address, on
// its first sign-in, with the address verified and password as its
// password: an issuer for development and browser tests, where each test
// signs in as a new person.
func AnyUser(password string) Users {
	return &users{byID: map[string]*storage.User{}, anyPassword: password}
}

type users struct {
	mu          sync.Mutex
	byID        map[string]*storage.User
	anyPassword string // AnyUser's; "" for FixedUsers
}

func (u *users) add(a User) *storage.User {
	user := &storage.User{
		ID: a.Subject, Username: a.Username, Password: a.Password,
		Email: a.Email, EmailVerified: a.EmailVerified, PreferredLanguage: language.English,
	}
	u.byID[a.Subject] = user
	return user
}

func (u *users) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byID[id]
}

func (u *users) GetUserByUsername(username string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, user := range u.byID {
		if user.Username == username {
			return user
		}
	}
	if u.anyPassword == "" {
		return nil
	}
	addr, err := mail.ParseAddress(username)
	if err != nil || addr.Address != username {
		return nil
	}
	// The subject is the same for the address whenever the issuer runs:
	// an API that knows the account finds it again.
	sum := sha256.Sum256([]byte(username))
	return u.add(User{Subject: hex.EncodeToString(sum[:10]), Username: username, Password: u.anyPassword, Email: username, EmailVerified: true})
}

func (u *users) ExampleClientID() string { return "service" }

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
