//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Firefox projects scaffold-e2e.config.ts adds to the project's own
// Chromium ones when SCAFFOLD_FIREFOX is set: Debian's Firefox ESR driven
// over WebDriver BiDi, with its default cookie policy (Total Cookie
// Protection: third-party cookies kept, each in the jar of the site that
// embeds them), and with the two ways a user blocks third-party cookies.
const (
	firefox = "firefox"
	// network.cookie.cookieBehavior=1: every third-party cookie is
	// dropped, Partitioned ones too. A cross-site API cannot keep anybody
	// signed in there; the web app must say so.
	firefoxCookiesOff = "firefox-third-party-cookies-blocked"
	// The default policy with cookieBehavior.optInPartitioning: third-party
	// cookies are kept only when they ask to be Partitioned (CHIPS), as in
	// Chromium with third-party cookies blocked.
	firefoxPartitionedOnly = "firefox-partitioned-only"
)

// firefoxPath finds Debian's Firefox ESR: FIREFOX_PATH, or firefox-esr (or
// firefox) on PATH.
func firefoxPath(t testing.TB) string {
	return browserPath(t, "Firefox", "FIREFOX_PATH", "apt-get install -y firefox-esr", "firefox-esr", "firefox")
}

// trustingFirefox returns an executable that starts firefox with its
// profile trusting the root certificate in caPEM. Playwright makes a fresh
// profile for every launch and passes it as --profile; Firefox keeps its
// trust in the profile's own NSS database (cert9.db), so the root is added
// there just before Firefox opens it: real certificate checks, nothing
// ignored, nothing installed on the machine.
func trustingFirefox(t *testing.T, certutil, firefox, caPEM string) string {
	t.Helper()
	script := fmt.Sprintf(`#!/bin/sh
profile=""
previous=""
for arg in "$@"; do
	if [ "$previous" = "--profile" ]; then profile="$arg"; fi
	previous="$arg"
done
if [ -n "$profile" ] && [ ! -f "$profile/cert9.db" ]; then
	%[1]q -d "sql:$profile" -N --empty-password || exit 1
	%[1]q -d "sql:$profile" -A -t C,, -n "scaffold e2e Caddy root" -i %[2]q || exit 1
fi
exec %[3]q "$@"
`, certutil, caPEM, firefox)
	path := filepath.Join(t.TempDir(), "firefox")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// hostProxy is an HTTPS proxy (HTTP CONNECT) that sends Firefox's
// connections to the deployment's host names to Caddy's port, as
// Chromium's --host-resolver-rules do: Firefox has no such switch. The TLS session goes through untouched, so the Host header, SNI
// and the certificate are the real names'. Any other host is refused: a
// test must not reach the network.
type hostProxy struct {
	addr   string
	routes map[string]string // host:443 -> 127.0.0.1:PORT
	ln     net.Listener

	mu      sync.Mutex
	refused []string
}

func startHostProxy(t *testing.T, hosts []string, httpsPort int) *hostProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &hostProxy{addr: ln.Addr().String(), routes: map[string]string{}, ln: ln}
	for _, h := range hosts {
		p.routes[h+":443"] = fmt.Sprintf("127.0.0.1:%d", httpsPort)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		if r := p.refusedHosts(); len(r) > 0 {
			t.Logf("the proxy refused: %s", strings.Join(r, ", "))
		}
	})
	return p
}

func (p *hostProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	to, ok := p.routes[r.Host]
	if r.Method != http.MethodConnect || !ok {
		p.mu.Lock()
		p.refused = append(p.refused, r.Method+" "+r.Host)
		p.mu.Unlock()
		http.Error(w, "this proxy only reaches the test's host names", http.StatusForbidden)
		return
	}
	upstream, err := net.DialTimeout("tcp", to, 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		conn.Close()
		upstream.Close()
		return
	}
	go func() {
		// What the client sent after its CONNECT, already read into buf.
		if n := buf.Reader.Buffered(); n > 0 {
			b, _ := buf.Reader.Peek(n)
			upstream.Write(b)
		}
		io.Copy(upstream, conn)
		upstream.(*net.TCPConn).CloseWrite()
	}()
	go func() {
		io.Copy(conn, upstream)
		conn.Close()
		upstream.Close()
	}()
}

// refusedHosts are the requests the proxy refused, each once with how
// many times (a browser's own background requests, to its vendor).
func (p *hostProxy) refusedHosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	counts := map[string]int{}
	var order []string
	for _, r := range p.refused {
		if counts[r] == 0 {
			order = append(order, r)
		}
		counts[r]++
	}
	for i, r := range order {
		order[i] = fmt.Sprintf("%s (%d×)", r, counts[r])
	}
	return order
}

// firefoxEnv is what scaffold-e2e.config.ts needs to add the Firefox
// projects: the executable and the preferences that send the deployment's
// host names through the proxy (the loopback, where the development
// issuer runs, is never proxied).
func firefoxEnv(t *testing.T, executable string, proxy *hostProxy) []string {
	t.Helper()
	host, port, err := net.SplitHostPort(proxy.addr)
	if err != nil {
		t.Fatal(err)
	}
	var portNumber int
	fmt.Sscan(port, &portNumber)
	prefs, err := json.Marshal(map[string]any{
		"network.proxy.type":          1,
		"network.proxy.ssl":           host,
		"network.proxy.ssl_port":      portNumber,
		"network.proxy.no_proxies_on": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	return []string{"SCAFFOLD_FIREFOX=" + executable, "SCAFFOLD_FIREFOX_PREFS=" + string(prefs)}
}

// blockedTest is the title of playwright/blocked.spec.ts's sign-up test
// (its two-factor test sets up an account by calling the API from Node,
// which cannot reach the deployed host names).
const blockedTest = "a browser that drops the API's cookies is told why and what to do"
