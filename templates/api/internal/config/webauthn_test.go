package config

import (
	"slices"
	"strings"
	"testing"
)

func TestWebAuthn(t *testing.T) {
	for _, tt := range []struct {
		env     map[string]string
		want    WebAuthn
		warning string
	}{
		{env: nil, want: WebAuthn{RPID: "localhost", Origins: []string{defaultOrigins}}},
		{
			env:  map[string]string{"APP_ORIGINS": "https://app.example.com,https://www.example.com", "APP_URL": "https://www.example.com", "WEBAUTHN_RP_ID": "Example.com."},
			want: WebAuthn{RPID: "example.com", Origins: []string{"https://app.example.com", "https://www.example.com"}},
		},
		{
			env:  map[string]string{"APP_ORIGINS": "https://app.example.com,https://admin.example.org", "WEBAUTHN_RP_ORIGINS": "https://app.example.com"},
			want: WebAuthn{RPID: "app.example.com", Origins: []string{"https://app.example.com"}},
		},
		{
			env:     map[string]string{"APP_ORIGINS": "http://localhost:3000,http://app.localhost:3000", "APP_URL": "http://app.localhost:3000"},
			want:    WebAuthn{RPID: "app.localhost", Origins: []string{"http://localhost:3000", "http://app.localhost:3000"}},
			warning: `WEBAUTHN_RP_ID="app.localhost" does not cover the origin http://localhost:3000`,
		},
		{
			env:     map[string]string{"APP_ORIGINS": "http://127.0.0.1:3000"},
			want:    WebAuthn{Origins: []string{"http://127.0.0.1:3000"}},
			warning: "passkeys are off",
		},
	} {
		c, err := load(tt.env)
		if err != nil {
			t.Errorf("%v: %v", tt.env, err)
			continue
		}
		if c.WebAuthn.RPID != tt.want.RPID || !slices.Equal(c.WebAuthn.Origins, tt.want.Origins) {
			t.Errorf("%v: WebAuthn = %+v, want %+v", tt.env, c.WebAuthn, tt.want)
		}
		warnings := strings.Join(c.Warnings, "\n")
		if (tt.warning == "") != (warnings == "") || !strings.Contains(warnings, tt.warning) {
			t.Errorf("%v: warnings %q, want %q", tt.env, warnings, tt.warning)
		}
	}
}

// TestWebAuthnRefused: what no browser would make a passkey for stops the
// API, in production also an RP ID that misses an origin.
func TestWebAuthnRefused(t *testing.T) {
	for _, tt := range []struct {
		env      map[string]string
		variable string
	}{
		{map[string]string{"WEBAUTHN_RP_ID": "127.0.0.1"}, "WEBAUTHN_RP_ID"},
		{map[string]string{"WEBAUTHN_RP_ID": "https://example.com"}, "WEBAUTHN_RP_ID"},
		{map[string]string{"WEBAUTHN_RP_ID": "example.com:443"}, "WEBAUTHN_RP_ID"},
		{map[string]string{"WEBAUTHN_RP_ORIGINS": "not an origin"}, "WEBAUTHN_RP_ORIGINS"},
		{productionEnv(t, map[string]string{"WEBAUTHN_RP_ID": "co.uk", "APP_ORIGINS": "https://app.co.uk"}), "WEBAUTHN_RP_ID"},
		{productionEnv(t, map[string]string{"WEBAUTHN_RP_ID": "example.org"}), "WEBAUTHN_RP_ID"},
		{productionEnv(t, map[string]string{"APP_ORIGINS": "https://app.example.com,https://admin.example.org"}), "WEBAUTHN_RP_ID"},
		{productionEnv(t, map[string]string{"WEBAUTHN_RP_ORIGINS": "http://app.example.com"}), "WEBAUTHN_RP_ORIGINS"},
	} {
		_, err := load(tt.env)
		if err == nil || !strings.HasPrefix(err.Error(), tt.variable) {
			t.Errorf("%v: error %v, want one about %s", tt.env, err, tt.variable)
		}
	}
	if _, err := load(productionEnv(t, map[string]string{"APP_ORIGINS": "https://app.example.com,https://www.example.com", "WEBAUTHN_RP_ID": "example.com"})); err != nil {
		t.Errorf("an RP ID above both origins: %v", err)
	}
}
