package oauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// forger is an OpenID Connect issuer whose token endpoint answers the ID
// token a test made: the checks of ID tokens are tested one by one, with
// tokens no honest issuer would send.
type forger struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	idToken  string // what the token endpoint answers
	tokenErr bool   // the token endpoint refuses the code
	userinfo map[string]any
}

func newForger(t *testing.T) *forger {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &forger{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/authorize", "token_endpoint": f.srv.URL + "/token",
			"jwks_uri": f.srv.URL + "/keys", "userinfo_endpoint": f.srv.URL + "/userinfo",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if f.tokenErr {
			w.WriteHeader(http.StatusBadRequest)
			writeJSON(w, map[string]string{"error": "invalid_grant"})
			return
		}
		resp := map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 60}
		if f.idToken != "" {
			resp["id_token"] = f.idToken
		}
		writeJSON(w, resp)
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, f.userinfo)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// claims are a valid ID token's for flow, which a test then spoils.
func (f *forger) claims(flow Flow) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": f.srv.URL, "sub": "subject-1", "aud": "client", "exp": now.Add(time.Minute).Unix(), "iat": now.Unix(),
		"nonce": flow.Nonce, "email": "user@example.com", "email_verified": true,
	}
}

// sign signs claims with alg and key.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	token, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// unsigned is claims as a JWT with "alg":"none".
func unsigned(claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
}

func TestOIDCChecksTheIDToken(t *testing.T) {
	f := newForger(t)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := NewOIDC(f.srv.URL, Settings{ID: "oidc", Name: "Test", ClientID: "client", ClientSecret: "secret", RedirectURL: "https://app.example/auth/callback/oidc"})
	ctx := context.Background()
	flow := NewFlow()

	authURL, err := p.AuthCodeURL(ctx, flow)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if q := u.Query(); q.Get("code_challenge_method") != "S256" || q.Get("nonce") != flow.Nonce || q.Get("state") != flow.State ||
		!strings.Contains(q.Get("scope"), "openid") || q.Get("redirect_uri") != "https://app.example/auth/callback/oidc" {
		t.Fatalf("authorization URL %s", authURL)
	}

	f.idToken = sign(t, jose.RS256, f.key, f.claims(flow))
	id, err := p.Identify(ctx, "code", flow)
	if err != nil || id != (Identity{Subject: "subject-1", Email: "user@example.com", EmailVerified: true}) {
		t.Fatalf("a valid ID token: %+v, %v", id, err)
	}

	spoil := func(change func(c map[string]any)) map[string]any {
		c := f.claims(flow)
		change(c)
		return c
	}
	for name, token := range map[string]string{
		"wrong aud":         sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { c["aud"] = "another-client" })),
		"wrong iss":         sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { c["iss"] = "https://evil.example" })),
		"wrong nonce":       sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { c["nonce"] = "another sign-in's" })),
		"no nonce":          sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { delete(c, "nonce") })),
		"expired":           sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })),
		"another key":       sign(t, jose.RS256, other, f.claims(flow)),
		"alg HS256":         sign(t, jose.HS256, []byte("client-secret-used-as-an-hmac-key"), f.claims(flow)),
		"alg none":          unsigned(f.claims(flow)),
		"alg not announced": sign(t, jose.PS256, f.key, f.claims(flow)),
		"not a JWT":         "abc.def.ghi",
	} {
		t.Run(name, func(t *testing.T) {
			f.idToken = token
			if id, err := p.Identify(ctx, "code", flow); !errors.Is(err, ErrFailed) {
				t.Fatalf("Identify = %+v, %v; want ErrFailed", id, err)
			}
		})
	}

	t.Run("no ID token", func(t *testing.T) {
		f.idToken = ""
		if _, err := p.Identify(ctx, "code", flow); !errors.Is(err, ErrFailed) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("code refused", func(t *testing.T) {
		f.tokenErr = true
		defer func() { f.tokenErr = false }()
		if _, err := p.Identify(ctx, "code", flow); !errors.Is(err, ErrFailed) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("email from userinfo", func(t *testing.T) {
		f.idToken = sign(t, jose.RS256, f.key, spoil(func(c map[string]any) { delete(c, "email"); delete(c, "email_verified") }))
		f.userinfo = map[string]any{"sub": "subject-1", "email": "info@example.com", "email_verified": "true"}
		id, err := p.Identify(ctx, "code", flow)
		if err != nil || id.Email != "info@example.com" || !id.EmailVerified {
			t.Fatalf("%+v, %v", id, err)
		}
		f.userinfo["sub"] = "subject-2"
		if _, err := p.Identify(ctx, "code", flow); !errors.Is(err, ErrFailed) {
			t.Fatalf("userinfo of another subject: %v", err)
		}
	})
}

func TestOIDCIssuerDown(t *testing.T) {
	f := newForger(t)
	issuer := f.srv.URL
	f.srv.Close()
	p := NewOIDC(issuer, Settings{ID: "oidc", ClientID: "client", ClientSecret: "secret"})
	if _, err := p.AuthCodeURL(context.Background(), NewFlow()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err %v, want ErrUnavailable", err)
	}
}
