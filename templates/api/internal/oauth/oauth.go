// Package oauth signs users in with an account at a provider: GitHub (OAuth
// 2.0), and Google or any other OpenID Connect issuer, with the
// authorization code flow and PKCE (S256). It speaks to the providers and
// proves who the user is there; what that identity may do with the
// accounts of this API is internal/account's business.
package oauth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// Identity is who the provider says the user is.
type Identity struct {
	// Subject is the provider's id of the account: it never changes, and
	// no other account there has it.
	Subject string
	// Email is the account's address, and EmailVerified whether the
	// provider says the user proved they own it.
	Email         string
	EmailVerified bool
}

// Flow is one sign-in: what the authorization request carries and the
// code exchange must repeat.
type Flow struct {
	// State ties the provider's redirect to the browser that began.
	State string
	// Verifier is the PKCE code verifier, whose SHA-256 the authorization
	// request carries: only who began can exchange the code.
	Verifier string
	// Nonce is echoed in the ID token (OpenID Connect): a token issued for
	// another sign-in is refused.
	Nonce string
}

// NewFlow returns a flow of fresh random secrets.
func NewFlow() Flow {
	return Flow{State: rand.Text(), Verifier: oauth2.GenerateVerifier(), Nonce: rand.Text()}
}

// Provider is a provider users can sign in with.
type Provider interface {
	// ID names the provider in URLs ("github", "google", "oidc"); Name is
	// what the sign-in button says.
	ID() string
	Name() string
	// AuthCodeURL is the provider's page the browser goes to for f.
	// It fails with ErrUnavailable when the provider cannot be reached.
	AuthCodeURL(ctx context.Context, f Flow) (string, error)
	// Identify exchanges the code the provider redirected with for the
	// identity it proves, checking all f promised. It fails with ErrFailed
	// (the code, a token or an answer is not acceptable) or ErrUnavailable.
	Identify(ctx context.Context, code string, f Flow) (Identity, error)
}

var (
	// ErrFailed: the provider did not prove an identity.
	ErrFailed = errors.New("sign-in with the provider failed")
	// ErrUnavailable: the provider could not be reached.
	ErrUnavailable = errors.New("the provider is unavailable")
)

func failed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFailed, fmt.Sprintf(format, args...))
}

// Settings are what a provider is made of.
type Settings struct {
	// ID and Name as Provider says.
	ID, Name string
	// ClientID and ClientSecret are the credentials the provider gave this
	// app when it was registered there.
	ClientID, ClientSecret string
	// RedirectURL is the web app's page the provider sends the browser
	// back to, which must be registered with the provider as it is.
	RedirectURL string
	// Client makes the requests to the provider (NewClient's when nil).
	Client *http.Client
}

// NewClient is the HTTP client providers are asked with: a provider that
// does not answer within 10 seconds fails the request, not the server.
func NewClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second}
}

func (s Settings) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return NewClient()
}

// exchange trades code for the provider's tokens with the PKCE verifier.
func exchange(ctx context.Context, cfg *oauth2.Config, client *http.Client, code, verifier string) (*oauth2.Token, error) {
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, client), code, oauth2.VerifierOption(verifier))
	if _, ok := errors.AsType[*oauth2.RetrieveError](err); ok {
		return nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: token endpoint: %w", ErrUnavailable, err)
	}
	return tok, nil
}
