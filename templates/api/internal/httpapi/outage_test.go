// scaffold:file .Redis
package httpapi

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore/redistest"
)

// cutProxy stands between the API and Redis: cutting it is, to the API,
// Redis going down (refused connections, and the open ones dropped);
// restoring it on the same address is Redis coming back.
type cutProxy struct {
	t      *testing.T
	addr   string // 127.0.0.1:PORT, the same across restores
	target string // the real Redis

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	p := &cutProxy{t: t, target: target, addr: "127.0.0.1:0"}
	p.restore()
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("listen on %s again: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// redisBehindProxy returns a proxy in front of the tests' Redis and the
// test env option that gives the API a Redis client through it.
func redisBehindProxy(t *testing.T) (*cutProxy, envOption) {
	redistest.Client(t) // fails at once if Redis does not answer
	u, err := url.Parse(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	proxy := newCutProxy(t, target)
	u.Host = proxy.addr
	client, err := redisstore.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return proxy, withRedis(client)
}

// TestRedisOutage: with Redis down, what needs it answers 503 unavailable
// and /healthz says why; nothing is lost, and everything works again when
// Redis is back.
func TestRedisOutage(t *testing.T) {
	proxy, useProxy := redisBehindProxy(t)
	e := newTestEnv(t, nil, useProxy)
	c, email := e.signedIn()
	c.do("POST", "/api/notes", map[string]string{"title": "before"}).want(t, http.StatusCreated)

	proxy.cut()
	// What this instance keeps in memory is dropped as soon as it hears
	// that Redis is gone; from then on, requests need Redis.
	waitFor(t, "the cache bus to notice the outage", func() bool { return !e.bus.Listening() })
	for _, r := range []*response{
		c.do("GET", "/api/auth/me", nil),
		e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}),
		e.client().do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: testPassword}),
	} {
		r.wantError(t, http.StatusServiceUnavailable, "unavailable")
		if r.Header().Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
	}
	var health map[string]string
	e.client().do("GET", "/healthz", nil).want(t, http.StatusServiceUnavailable).decode(t, &health)
	if health["status"] != "unavailable" || health["redis"] != "unreachable" || health["database"] != "" {
		t.Errorf("healthz during the outage: %v", health)
	}
	// Not ready for requests, yet alive: restarting it would mend nothing.
	e.client().do("GET", "/readyz", nil).want(t, http.StatusServiceUnavailable)
	e.client().do("GET", "/livez", nil).want(t, http.StatusOK)
	for _, l := range e.logLines(t) {
		if l["level"] == "ERROR" {
			t.Errorf("the outage was logged as an internal error: %v", l)
		}
	}

	proxy.restore()
	// The Redis client redials at most once a second after failed dials.
	waitFor(t, "/healthz to answer 200", func() bool {
		return e.client().do("GET", "/healthz", nil).Code == http.StatusOK
	})
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	var list struct{ Notes []noteJSON }
	c.do("GET", "/api/notes", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Notes) != 1 || list.Notes[0].Title != "before" {
		t.Fatalf("notes after the outage: %+v", list.Notes)
	}
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)
}

// TestRedisOutageDuringReset: a password reset that cannot reach Redis
// changes nothing (503, and the link still works), so that retried once
// Redis is back it ends every session and token, as it would have.
func TestRedisOutageDuringReset(t *testing.T) {
	proxy, useProxy := redisBehindProxy(t)
	e := newTestEnv(t, nil, useProxy)
	box := e.withMail()
	c, email := e.signedIn()
	box.next(t) // the verification mail
	// scaffold:if .BearerTokens
	bearer := e.bearerClient(e.tokenPair(email).AccessToken)
	// scaffold:end
	token := e.resetLink(t, box, email)
	const newPassword = "a brand new passphrase"

	proxy.cut()
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": newPassword}).
		wantError(t, http.StatusServiceUnavailable, "unavailable")
	proxy.restore()

	// Nothing changed: still signed in, the old password still works.
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	// scaffold:if .BearerTokens
	bearer.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	// scaffold:end
	later := e.client()
	later.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)

	// The same link, now: everyone is signed out.
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": newPassword}).
		want(t, http.StatusNoContent)
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized)
	later.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized)
	// scaffold:if .BearerTokens
	bearer.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized)
	// scaffold:end
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: newPassword}).want(t, http.StatusOK)
}
