// Command devidp is an OpenID Connect issuer for development and the
// browser tests, so that sign-in with a provider can be tried without
// registering the app anywhere: zitadel/oidc's OpenID Provider with its
// example login page, where any email address signs in with the password
// "password" (its address verified).
//
//	go run ./cmd/devidp          # then, for the API:
//	OIDC_ISSUER=http://127.0.0.1:5556 OIDC_CLIENT_ID=devidp OIDC_CLIENT_SECRET=devidp-secret OIDC_NAME="Dev ID"
//
// DEVIDP_ADDR is where it listens (127.0.0.1:5556), APP_URL the web app
// whose /auth/callback/oidc it sends browsers back to
// scaffold:line // ({{.Dev.WebOrigin}}). Never run it where others can reach it.
// (http://localhost:3000). Never run it where others can reach it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth/oauthtest"
)

// The client the API is registered as, and the password of every account.
const (
	clientID     = "devidp"
	clientSecret = "devidp-secret"
	password     = "password"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("devidp: %v", err)
	}
}

func run() error {
	addr := or(os.Getenv("DEVIDP_ADDR"), "127.0.0.1:5556")
	// scaffold:line appURL := strings.TrimSuffix(or(os.Getenv("APP_URL"), "{{.Dev.WebOrigin}}"), "/")
	appURL := strings.TrimSuffix(or(os.Getenv("APP_URL"), "http://localhost:3000"), "/")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	issuer := "http://" + ln.Addr().String()
	client := oauthtest.Client{ID: clientID, Secret: clientSecret, RedirectURLs: []string{appURL + "/auth/callback/oidc"}}
	srv := &http.Server{
		Handler:           oauthtest.IssuerHandler(issuer, client, oauthtest.AnyUser(password)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Printf("devidp: an OpenID Connect issuer at %s for %s; any email address signs in with the password %q.\n", issuer, appURL, password)
	fmt.Printf("devidp: run the API with OIDC_ISSUER=%s OIDC_CLIENT_ID=%s OIDC_CLIENT_SECRET=%s OIDC_NAME=\"Dev ID\"\n", issuer, clientID, clientSecret)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func or(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}
