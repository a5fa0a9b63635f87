// scaffold:file .BearerTokens
package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scaffoldhq/scaffold/templates/api/internal/cache"
)

// accessTokenType is the JWT "typ" of access tokens (RFC 9068). Checking it
// keeps any other JWT this key might ever sign from being accepted as an
// access token.
const accessTokenType = "at+jwt"

// ErrInvalidToken is returned for any token that does not verify.
var ErrInvalidToken = errors.New("invalid token")

// AccessClaims are the claims of an access token.
type AccessClaims struct {
	jwt.RegisteredClaims
	// FamilyID names the refresh token family the token was issued with,
	// so that signing out can revoke it.
	FamilyID string `json:"fid,omitempty"`
}

// UserID returns the subject as a user id.
func (c *AccessClaims) UserID() (int64, error) {
	return strconv.ParseInt(c.Subject, 10, 64)
}

// AccessTokens issues and verifies EdDSA (Ed25519) access JWTs.
type AccessTokens struct {
	key      ed25519.PrivateKey
	kid      string
	keys     map[string]ed25519.PublicKey
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser

	// verified keeps the tokens that verified, until they expire: checking
	// an Ed25519 signature costs more than the rest of a request, and a
	// browser or app sends the same token with every request. A token is
	// found only by its exact text, so nothing is trusted that was not
	// verified; revocation is checked apart, on every request.
	verified *cache.Cache[string, AccessClaims]
}

// NewAccessTokens returns AccessTokens signing with key. The JWT issuer and
// audience are both issuer: this API issues tokens for itself.
func NewAccessTokens(key ed25519.PrivateKey, issuer string, ttl time.Duration, now func() time.Time) *AccessTokens {
	pub := key.Public().(ed25519.PublicKey)
	kid := KeyID(pub)
	return &AccessTokens{
		key:      key,
		kid:      kid,
		keys:     map[string]ed25519.PublicKey{kid: pub},
		issuer:   issuer,
		audience: issuer,
		ttl:      ttl,
		now:      now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(issuer),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithStrictDecoding(),
			jwt.WithTimeFunc(now),
		),
		verified: cache.New[string, AccessClaims](10_000, now),
	}
}

// TTL is the lifetime of the tokens issued.
func (t *AccessTokens) TTL() time.Duration { return t.ttl }

// Issue returns a signed access token for userID. Its jti (128 random
// bits) names it in logs and revocation lists. Like every access JWT it
// stays valid until it expires, even after sign-out: that is why the TTL
// is short.
func (t *AccessTokens) Issue(userID int64, familyID string) (string, error) {
	now := t.now()
	claims := AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			ID:        rand.Text(),
			Issuer:    t.issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{t.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
		FamilyID: familyID,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = t.kid
	tok.Header["typ"] = accessTokenType
	signed, err := tok.SignedString(t.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return signed, nil
}

// Verify checks an access token: EdDSA only, a known kid, typ at+jwt, our
// issuer and audience, and an exp in the future. Every failure is
// ErrInvalidToken.
func (t *AccessTokens) Verify(token string) (*AccessClaims, error) {
	claims, err := t.verified.Get(token, func() (AccessClaims, time.Time, error) {
		c, err := t.verify(token)
		if err != nil {
			return AccessClaims{}, time.Time{}, err
		}
		return *c, c.ExpiresAt.Time, nil
	})
	if err != nil {
		return nil, err
	}
	return &claims, nil
}

func (t *AccessTokens) verify(token string) (*AccessClaims, error) {
	var claims AccessClaims
	_, err := t.parser.ParseWithClaims(token, &claims, func(tok *jwt.Token) (any, error) {
		if typ, _ := tok.Header["typ"].(string); typ != accessTokenType {
			return nil, errors.New("not an access token")
		}
		kid, _ := tok.Header["kid"].(string)
		pub, ok := t.keys[kid]
		if !ok {
			return nil, errors.New("unknown kid")
		}
		return pub, nil
	})
	if err != nil {
		return nil, ErrInvalidToken
	}
	if _, err := claims.UserID(); err != nil {
		return nil, ErrInvalidToken
	}
	return &claims, nil
}

// JWK is a public key in JWK form (RFC 8037).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
}

// JWKS returns the public keys that verify access tokens, for
// /.well-known/jwks.json.
func (t *AccessTokens) JWKS() []JWK {
	keys := make([]JWK, 0, len(t.keys))
	for kid, pub := range t.keys {
		keys = append(keys, JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: kid, Use: "sig", Alg: "EdDSA"})
	}
	return keys
}
