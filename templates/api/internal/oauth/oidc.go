package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// GoogleIssuer is Google's OpenID Connect issuer.
const GoogleIssuer = "https://accounts.google.com"

// OIDC is an OpenID Connect provider, known by its issuer: its endpoints
// and keys come from discovery, the first time they are needed (a provider
// that is down delays no start of the API) and again after a failure.
type OIDC struct {
	id, name, issuer string
	cfg              oauth2.Config
	client           *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// NewOIDC returns the provider of issuer.
func NewOIDC(issuer string, s Settings) *OIDC {
	return &OIDC{
		id: s.ID, name: s.Name, issuer: issuer, client: s.client(),
		cfg: oauth2.Config{
			ClientID: s.ClientID, ClientSecret: s.ClientSecret, RedirectURL: s.RedirectURL,
			Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
		},
	}
}

// ID implements Provider.
func (o *OIDC) ID() string { return o.id }

// Name implements Provider.
func (o *OIDC) Name() string { return o.name }

// discover returns the issuer's configuration and the verifier of its ID
// tokens: the signature by a key of its JWKS (an algorithm it announces,
// asymmetric only), "iss", "aud" (this client) and "exp".
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), o.issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: discovery of %s: %w", ErrUnavailable, o.issuer, err)
		}
		o.provider = p
		o.verifier = p.VerifierContext(oidc.ClientContext(context.Background(), o.client), &oidc.Config{ClientID: o.cfg.ClientID})
	}
	return o.provider, o.verifier, nil
}

func (o *OIDC) config(p *oidc.Provider) *oauth2.Config {
	cfg := o.cfg
	cfg.Endpoint = p.Endpoint()
	return &cfg
}

// AuthCodeURL implements Provider.
func (o *OIDC) AuthCodeURL(ctx context.Context, f Flow) (string, error) {
	p, _, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	return o.config(p).AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce)), nil
}

// Identify implements Provider. The email comes from the ID token, or,
// when the issuer leaves it out there, from its userinfo endpoint (OpenID
// Connect Core 5.4), for the same subject.
func (o *OIDC) Identify(ctx context.Context, code string, f Flow) (Identity, error) {
	p, verifier, err := o.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := exchange(ctx, o.config(p), o.client, code, f.Verifier)
	if err != nil {
		return Identity{}, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, failed("the token response holds no ID token")
	}
	idToken, err := verifier.Verify(oidc.ClientContext(ctx, o.client), raw)
	if err != nil {
		return Identity{}, failed("ID token: %v", err)
	}
	if idToken.Nonce != f.Nonce {
		return Identity{}, failed("ID token: the nonce is not this sign-in's")
	}
	var claims emailClaims
	if err := idToken.Claims(&claims); err != nil {
		return Identity{}, failed("ID token claims: %v", err)
	}
	if claims.Email == "" && p.UserInfoEndpoint() != "" {
		info, err := p.UserInfo(oidc.ClientContext(ctx, o.client), oauth2.StaticTokenSource(tok))
		if err != nil {
			return Identity{}, failed("userinfo: %v", err)
		}
		if info.Subject != idToken.Subject {
			return Identity{}, failed("userinfo: the subject is not the ID token's")
		}
		if err := info.Claims(&claims); err != nil {
			return Identity{}, failed("userinfo claims: %v", err)
		}
	}
	return Identity{Subject: idToken.Subject, Email: claims.Email, EmailVerified: bool(claims.EmailVerified)}, nil
}

type emailClaims struct {
	Email         string   `json:"email"`
	EmailVerified flexBool `json:"email_verified"`
}

// flexBool reads a boolean claim that some issuers send as the string
// "true" or "false".
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		*b = flexBool(v)
	case string:
		*b = v == "true"
	default:
		*b = false
	}
	return nil
}
