package oauthtest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
)

// TestAnyUser signs in to an AnyUser issuer as the API would, through its
// login page: each email address is an account of its own, the same one
// every time, and nothing else signs in.
func TestAnyUser(t *testing.T) {
	const redirect = "http://localhost:3000/auth/callback/oidc"
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = IssuerHandler(issuer, Client{ID: "c", Secret: "s", RedirectURLs: []string{redirect}}, AnyUser("pw"))
	srv.Start()
	defer srv.Close()
	p := oauth.NewOIDC(issuer, oauth.Settings{ID: "oidc", ClientID: "c", ClientSecret: "s", RedirectURL: redirect})
	iss := &Issuer{URL: issuer}

	signIn := func(username string) oauth.Identity {
		t.Helper()
		f := oauth.NewFlow()
		authURL, err := p.AuthCodeURL(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		back := iss.SignIn(t, authURL, username, "pw")
		if back.Query().Get("state") != f.State {
			t.Fatalf("redirected to %s", back)
		}
		id, err := p.Identify(context.Background(), back.Query().Get("code"), f)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a := signIn("ann@example.com")
	if a.Email != "ann@example.com" || !a.EmailVerified || a.Subject == "" {
		t.Fatalf("ann: %+v", a)
	}
	if b := signIn("ben@example.com"); b.Subject == a.Subject {
		t.Fatalf("ann and ben share the subject %s", a.Subject)
	}
	if again := signIn("ann@example.com"); again != a {
		t.Fatalf("ann again: %+v, first %+v", again, a)
	}
}
