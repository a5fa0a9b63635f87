// scaffold:file .BearerTokens
package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var jwtNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestTokens(t testing.TB) (*AccessTokens, ed25519.PrivateKey) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return NewAccessTokens(key, "test-issuer", 10*time.Minute, func() time.Time { return jwtNow }), key
}

// sign signs claims with method and key, with the given header fields.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.Claims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessTokenRoundTrip(t *testing.T) {
	tokens, key := newTestTokens(t)
	s, err := tokens.Issue(42, "family")
	if err != nil {
		t.Fatal(err)
	}
	claims, err := tokens.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := claims.UserID(); id != 42 || claims.FamilyID != "family" {
		t.Fatalf("claims = %+v", claims)
	}
	parsed, _, _ := jwt.NewParser().ParseUnverified(s, &AccessClaims{})
	if parsed.Header["alg"] != "EdDSA" || parsed.Header["kid"] != KeyID(key.Public().(ed25519.PublicKey)) || parsed.Header["typ"] != "at+jwt" {
		t.Fatalf("header = %v", parsed.Header)
	}
	if exp, _ := parsed.Claims.GetExpirationTime(); exp.Sub(jwtNow) > 15*time.Minute {
		t.Fatalf("access token lives %s, more than 15 minutes", exp.Sub(jwtNow))
	}
}

// TestRejectedTokens covers the classic JWT attacks and mistakes.
func TestRejectedTokens(t *testing.T) {
	tokens, key := newTestTokens(t)
	pub := key.Public().(ed25519.PublicKey)
	kid := KeyID(pub)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	header := map[string]any{"kid": kid, "typ": "at+jwt"}
	claims := func(mod func(*jwt.RegisteredClaims)) jwt.Claims {
		c := jwt.RegisteredClaims{
			Issuer:    "test-issuer",
			Audience:  jwt.ClaimStrings{"test-issuer"},
			Subject:   "42",
			IssuedAt:  jwt.NewNumericDate(jwtNow),
			ExpiresAt: jwt.NewNumericDate(jwtNow.Add(5 * time.Minute)),
		}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	valid := sign(t, jwt.SigningMethodEdDSA, key, claims(nil), header)
	if _, err := tokens.Verify(valid); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	parts := strings.Split(valid, ".")

	tests := map[string]string{
		"empty":         "",
		"garbage":       "not.a.jwt",
		"tampered":      parts[0] + "." + strings.TrimRight(parts[1], "Q") + "A." + parts[2],
		"no signature":  parts[0] + "." + parts[1] + ".",
		"alg none":      sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil), header),
		"HS256 pub key": sign(t, jwt.SigningMethodHS256, []byte(pub), claims(nil), header),
		"unknown kid":   sign(t, jwt.SigningMethodEdDSA, otherKey, claims(nil), map[string]any{"kid": KeyID(otherKey.Public().(ed25519.PublicKey)), "typ": "at+jwt"}),
		"other key":     sign(t, jwt.SigningMethodEdDSA, otherKey, claims(nil), header),
		"no kid":        sign(t, jwt.SigningMethodEdDSA, key, claims(nil), map[string]any{"typ": "at+jwt"}),
		"wrong typ":     sign(t, jwt.SigningMethodEdDSA, key, claims(nil), map[string]any{"kid": kid, "typ": "JWT"}),
		"expired":       sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.ExpiresAt = jwt.NewNumericDate(jwtNow.Add(-time.Second)) }), header),
		"no exp":        sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil }), header),
		"wrong issuer":  sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.Issuer = "evil" }), header),
		"wrong aud":     sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other-api"} }), header),
		"no aud":        sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.Audience = nil }), header),
		"future iat":    sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.IssuedAt = jwt.NewNumericDate(jwtNow.Add(time.Hour)) }), header),
		"bad subject":   sign(t, jwt.SigningMethodEdDSA, key, claims(func(c *jwt.RegisteredClaims) { c.Subject = "admin" }), header),
	}
	for name, tok := range tests {
		if _, err := tokens.Verify(tok); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: Verify = %v, want ErrInvalidToken", name, err)
		}
	}
}

func TestJWKS(t *testing.T) {
	tokens, key := newTestTokens(t)
	keys := tokens.JWKS()
	if len(keys) != 1 {
		t.Fatalf("%d keys", len(keys))
	}
	k := keys[0]
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || k.Kid != KeyID(key.Public().(ed25519.PublicKey)) || k.X == "" {
		t.Fatalf("JWK = %+v", k)
	}
}

// TestAccessTokensHaveUniqueIDs: every access token carries a jti of at
// least 128 random bits, so that two tokens issued for one user in the same
// second are still told apart (in logs, in a revocation list).
func TestAccessTokensHaveUniqueIDs(t *testing.T) {
	tokens, _ := newTestTokens(t)
	seen := map[string]bool{}
	for range 100 {
		s, err := tokens.Issue(42, "family")
		if err != nil {
			t.Fatal(err)
		}
		claims, err := tokens.Verify(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(claims.ID) < 26 { // rand.Text: 26 base32 characters, 130 bits
			t.Fatalf("jti %q: want at least 128 random bits", claims.ID)
		}
		if seen[claims.ID] {
			t.Fatalf("jti %q issued twice", claims.ID)
		}
		seen[claims.ID] = true
	}
}

// FuzzVerify checks that no input makes Verify panic or accept a token that
// this key did not sign. The seed corpus runs in every `go test`.
func FuzzVerify(f *testing.F) {
	tokens, _ := newTestTokens(f)
	valid, _ := tokens.Issue(1, "f")
	f.Add(valid)
	f.Add("")
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
	f.Add("a.b.c")
	f.Add(strings.Repeat(".", 100))
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := tokens.Verify(s)
		if err == nil && s != valid {
			t.Fatalf("accepted a token it did not issue: %q (%+v)", s, claims)
		}
	})
}
