//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// checkClientAddress proves, against the running production servers, that
// the API's rate limits count the address a request really comes from: a
// client that writes its own X-Forwarded-For is still one client, and a
// client at another address is another one. In same-origin the requests go
// through the web server's /api proxy, which must forward the real address
// (forwarded-for.mjs) to an API that trusts it (TRUSTED_PROXIES); elsewhere
// they go to the API itself, which trusts nobody's header.
//
// It spends the per-address sign-in limit of 127.0.0.1, so it runs after
// the browser tests.
func (st *stack) checkClientAddress(t *testing.T) {
	login := func(from, forwardedFor string) int {
		t.Helper()
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
		client := &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true},
		}
		body := fmt.Sprintf(`{"email":"nobody-%d@example.com","password":"wrong password, surely"}`, time.Now().UnixNano())
		req, err := http.NewRequestWithContext(context.Background(), "POST", st.apiBase+"/api/auth/login", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", st.webOrigin)
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("sign-in from %s: %v", from, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}

	// One address, a new X-Forwarded-For every time: the per-address limit
	// still ends it.
	limit := st.p.Limits.LoginClient.Events
	limited := false
	for i := range limit + 1 {
		code := login("127.0.0.1", fmt.Sprintf("198.51.100.%d", i+1))
		if code == http.StatusTooManyRequests {
			limited = true
			break
		}
		if code != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d: status %d, want 401 or 429", i+1, code)
		}
	}
	if !limited {
		t.Fatalf("%d failed sign-ins from 127.0.0.1, each with another X-Forwarded-For, were never limited: the header chose the client", limit+1)
	}
	// Another address is another client, with a limit of its own.
	if code := login("127.0.0.2", ""); code != http.StatusUnauthorized {
		t.Fatalf("a failed sign-in from 127.0.0.2 after 127.0.0.1 was limited: status %d, want 401 (the %s does not tell clients apart)",
			code, map[bool]string{true: "web server's /api proxy", false: "API"}[st.p.WebProxiesAPI])
	}
}
