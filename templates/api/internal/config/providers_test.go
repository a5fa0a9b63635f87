package config

import (
	"maps"
	"strings"
	"testing"
)

// productionEnv is the least a production API needs, and extra.
func productionEnv(t *testing.T, extra map[string]string) map[string]string {
	env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log", "REDIS_URL": "redis://redis:6379/0"}
	// scaffold:if .BearerTokens
	env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
	// scaffold:end
	maps.Copy(env, extra)
	return env
}

func TestProviders(t *testing.T) {
	c, err := load(map[string]string{
		"OIDC_ISSUER": "https://id.example.com/realms/acme", "OIDC_CLIENT_ID": "c3", "OIDC_CLIENT_SECRET": "s3",
		"OAUTH_GITHUB_CLIENT_ID": "c1", "OAUTH_GITHUB_CLIENT_SECRET": "s1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Provider{
		{ID: "github", Name: "GitHub", ClientID: "c1", ClientSecret: "s1"},
		{ID: "oidc", Name: "Single sign-on", Issuer: "https://id.example.com/realms/acme", ClientID: "c3", ClientSecret: "s3"},
	}
	if len(c.Providers) != len(want) || c.Providers[0] != want[0] || c.Providers[1] != want[1] {
		t.Fatalf("Providers = %+v, want %+v", c.Providers, want)
	}

	c, err = load(map[string]string{"OAUTH_GOOGLE_CLIENT_ID": "c2", "OAUTH_GOOGLE_CLIENT_SECRET": "s2", "OIDC_NAME": "ignored without OIDC_ISSUER"})
	if err != nil || len(c.Providers) != 1 || c.Providers[0] != (Provider{ID: "google", Name: "Google", Issuer: "https://accounts.google.com", ClientID: "c2", ClientSecret: "s2"}) {
		t.Fatalf("Google: %+v, %v", c.Providers, err)
	}

	c, err = load(nil)
	if err != nil || len(c.Providers) != 0 {
		t.Fatalf("no provider variables: %+v, %v", c.Providers, err)
	}
}

// TestHalfSetProviders: in production a provider whose variables are half
// set refuses to start, naming the missing variable; in development it is
// off, with a warning naming it.
func TestHalfSetProviders(t *testing.T) {
	for _, tt := range []struct {
		env     map[string]string
		missing string
	}{
		{map[string]string{"OAUTH_GITHUB_CLIENT_ID": "c1"}, "OAUTH_GITHUB_CLIENT_SECRET"},
		{map[string]string{"OAUTH_GOOGLE_CLIENT_SECRET": "s2"}, "OAUTH_GOOGLE_CLIENT_ID"},
		{map[string]string{"OIDC_CLIENT_ID": "c3", "OIDC_CLIENT_SECRET": "s3"}, "OIDC_ISSUER"},
		{map[string]string{"OIDC_ISSUER": "https://id.example.com", "OIDC_CLIENT_ID": "c3"}, "OIDC_CLIENT_SECRET"},
	} {
		_, err := load(productionEnv(t, tt.env))
		if err == nil || !strings.HasPrefix(err.Error(), tt.missing+":") {
			t.Errorf("production %v: err %v, want one naming %s", tt.env, err, tt.missing)
		}
		c, err := load(tt.env)
		if err != nil || len(c.Providers) != 0 || len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0], tt.missing+":") {
			t.Errorf("development %v: %+v, %q, %v", tt.env, c.Providers, c.Warnings, err)
		}
	}
}

func TestIssuerRefusals(t *testing.T) {
	oidc := func(issuer string) map[string]string {
		return map[string]string{"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"}
	}
	for _, issuer := range []string{"id.example.com", "ftp://id.example.com", "https://", "https://id.example.com/?x=1", "https://u:p@id.example.com"} {
		if _, err := load(oidc(issuer)); err == nil || !strings.HasPrefix(err.Error(), "OIDC_ISSUER=") {
			t.Errorf("OIDC_ISSUER=%s: err %v", issuer, err)
		}
	}
	if _, err := load(productionEnv(t, oidc("http://id.example.com"))); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("http issuer in production: err %v", err)
	}
	for _, ok := range []string{"http://127.0.0.1:5556", "http://localhost:5556/dex"} {
		if _, err := load(productionEnv(t, oidc(ok))); err != nil {
			t.Errorf("loopback issuer %s in production: %v", ok, err)
		}
	}
}
