package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Provider is a provider users can sign in with, on when its variables are
// set.
type Provider struct {
	// ID names it in URLs: "github", "google" or "oidc".
	ID string
	// Name is what its button says: "Continue with " + Name.
	Name string
	// Issuer is the OpenID Connect issuer ("" for GitHub, which is not one).
	Issuer string
	// ClientID and ClientSecret are this app's credentials there.
	ClientID, ClientSecret string
}

// providerVars are the variables of each provider, in the order its
// button comes: the issuer (OpenID Connect), the client id and secret.
var providerVars = []struct {
	id, name, issuer                        string
	issuerVar, clientIDVar, clientSecretVar string
}{
	{id: "github", name: "GitHub", clientIDVar: "OAUTH_GITHUB_CLIENT_ID", clientSecretVar: "OAUTH_GITHUB_CLIENT_SECRET"},
	{id: "google", name: "Google", issuer: "https://accounts.google.com", clientIDVar: "OAUTH_GOOGLE_CLIENT_ID", clientSecretVar: "OAUTH_GOOGLE_CLIENT_SECRET"},
	{id: "oidc", issuerVar: "OIDC_ISSUER", clientIDVar: "OIDC_CLIENT_ID", clientSecretVar: "OIDC_CLIENT_SECRET"},
}

// defaultOIDCName labels the button of OIDC_ISSUER when OIDC_NAME is unset.
const defaultOIDCName = "Single sign-on"

// loadProviders returns the providers whose variables are all set. One
// whose variables are half set is an error in production; in development
// it is off, and the returned warnings say which variable is missing.
func loadProviders(getenv func(string) string, production bool) (providers []Provider, warnings []string, err error) {
	for _, v := range providerVars {
		p := Provider{ID: v.id, Name: v.name, Issuer: v.issuer, ClientID: getenv(v.clientIDVar), ClientSecret: getenv(v.clientSecretVar)}
		values := map[string]string{v.clientIDVar: p.ClientID, v.clientSecretVar: p.ClientSecret}
		names := []string{v.clientIDVar, v.clientSecretVar}
		if v.issuerVar != "" {
			p.Issuer = getenv(v.issuerVar)
			values[v.issuerVar] = p.Issuer
			names = append([]string{v.issuerVar}, names...)
			p.Name = strings.TrimSpace(getenv("OIDC_NAME"))
			if p.Name == "" {
				p.Name = defaultOIDCName
			}
		}
		var set, missing []string
		for _, name := range names {
			if values[name] != "" {
				set = append(set, name)
			} else {
				missing = append(missing, name)
			}
		}
		switch {
		case len(set) == 0:
			continue
		case len(missing) > 0:
			msg := fmt.Sprintf("%s: required when %s is set (sign-in with %s)", missing[0], set[0], p.Name)
			if production {
				return nil, nil, fmt.Errorf("%s", msg)
			}
			warnings = append(warnings, msg+"; it is off until then")
			continue
		}
		if v.issuerVar != "" {
			if err := checkIssuer(p.Issuer, production); err != nil {
				return nil, nil, fmt.Errorf("%s=%q: %w", v.issuerVar, p.Issuer, err)
			}
		}
		providers = append(providers, p)
	}
	return providers, warnings, nil
}

// checkIssuer refuses an issuer that is not an https URL (http is allowed
// for loopback hosts, and in development): its discovery document says
// where the keys that sign ID tokens are.
func checkIssuer(issuer string, production bool) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("must be the issuer's URL, such as https://id.example.com/realms/acme")
	}
	if u.Scheme == "http" && production && !isLoopback(u.Hostname()) {
		return fmt.Errorf("must be https in production")
	}
	return nil
}
