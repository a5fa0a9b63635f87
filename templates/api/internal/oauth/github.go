package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/github"
)

// GitHubEndpoints are where GitHub is asked: its OAuth endpoints and its
// REST API.
type GitHubEndpoints struct {
	OAuth oauth2.Endpoint
	API   string
}

// GitHubDotCom is github.com.
var GitHubDotCom = GitHubEndpoints{OAuth: github.Endpoint, API: "https://api.github.com"}

// GitHub signs users in with their GitHub account (an OAuth app or a GitHub
// App): GitHub issues no ID token, so the identity comes from its API,
// /user and /user/emails.
type GitHub struct {
	id, name string
	cfg      oauth2.Config
	api      string
	client   *http.Client
}

// NewGitHub returns the GitHub provider at e.
func NewGitHub(e GitHubEndpoints, s Settings) *GitHub {
	return &GitHub{
		id: s.ID, name: s.Name, api: e.API, client: s.client(),
		cfg: oauth2.Config{
			ClientID: s.ClientID, ClientSecret: s.ClientSecret, RedirectURL: s.RedirectURL,
			Endpoint: e.OAuth, Scopes: []string{"read:user", "user:email"},
		},
	}
}

// ID implements Provider.
func (g *GitHub) ID() string { return g.id }

// Name implements Provider.
func (g *GitHub) Name() string { return g.name }

// AuthCodeURL implements Provider.
func (g *GitHub) AuthCodeURL(_ context.Context, f Flow) (string, error) {
	return g.cfg.AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Identify implements Provider: the subject is the account's numeric id
// (a login can be renamed), the email its primary address.
func (g *GitHub) Identify(ctx context.Context, code string, f Flow) (Identity, error) {
	tok, err := exchange(ctx, &g.cfg, g.client, code, f.Verifier)
	if err != nil {
		return Identity{}, err
	}
	var user struct {
		ID int64 `json:"id"`
	}
	if err := g.get(ctx, tok, "/user", &user); err != nil {
		return Identity{}, err
	}
	if user.ID <= 0 {
		return Identity{}, failed("GitHub's /user has no id")
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := g.get(ctx, tok, "/user/emails", &emails); err != nil {
		return Identity{}, err
	}
	id := Identity{Subject: strconv.FormatInt(user.ID, 10)}
	for _, e := range emails {
		if e.Primary {
			id.Email, id.EmailVerified = e.Email, e.Verified
		}
	}
	return id, nil
}

// get reads GitHub's API at path into dst, as the user of tok.
func (g *GitHub) get(ctx context.Context, tok *oauth2.Token, path string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.api+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	tok.SetAuthHeader(req)
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: GitHub %s: %w", ErrUnavailable, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: GitHub %s: %w", ErrUnavailable, path, err)
	}
	switch {
	case resp.StatusCode >= 500:
		return fmt.Errorf("%w: GitHub %s: %s", ErrUnavailable, path, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return failed("GitHub %s: %s", path, resp.Status)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return failed("GitHub %s: %v", path, err)
	}
	return nil
}
