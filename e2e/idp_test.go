//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// The provider of the browser runs: the generated project's cmd/devidp, an
// OpenID Connect issuer whose login page takes any email address (with the
// password "password"). The project's e2e/social.spec.ts signs in through
// it as "Dev ID".
const (
	idpClientID     = "devidp"
	idpClientSecret = "devidp-secret"
	idpName         = "Dev ID"
	// socialTest is the title of the project's main sign-in with a
	// provider.
	socialTest = "sign in with a provider, stay signed in"
)

// startIDP builds the project's development issuer in api and starts it for
// a web app at appURL, on a free loopback port; it returns its issuer URL.
func startIDP(t *testing.T, api, appURL, logPath string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "devidp")
	projecttest.Run(t, api, nil, 5*time.Minute, "go", "build", "-o", bin, "./cmd/devidp")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	idp := startServer(t, "devidp", filepath.Dir(bin), logPath, []string{"DEVIDP_ADDR=" + addr, "APP_URL=" + appURL}, bin)
	issuer := "http://" + addr
	idp.waitReady(t, issuer+"/.well-known/openid-configuration", serverReadyDeadline)
	return issuer
}

// oidcEnv is what the API needs to offer sign-in with the issuer.
func oidcEnv(issuer string) []string {
	return []string{
		"OIDC_ISSUER=" + issuer, "OIDC_CLIENT_ID=" + idpClientID, "OIDC_CLIENT_SECRET=" + idpClientSecret, "OIDC_NAME=" + idpName,
		// Every run signs in anew, all from 127.0.0.1, and opens the
		// sign-in page (a passkey sign-in each time) again and again.
		"RATE_LIMIT_OAUTH=1000/1m", "RATE_LIMIT_PASSKEY=1000/1m",
	}
}
