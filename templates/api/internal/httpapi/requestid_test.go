package httpapi

import (
	"net/http"
	"testing"
)

// TestRequestID: every response names its request, every line logged while
// serving it carries the name, and only a trusted proxy may choose it.
func TestRequestID(t *testing.T) {
	e := newTestEnv(t, map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"})
	first := e.client().do("GET", "/healthz", nil).want(t, http.StatusOK).Header().Get("X-Request-Id")
	second := e.client().do("GET", "/healthz", nil).Header().Get("X-Request-Id")
	if first == "" || first == second {
		t.Fatalf("X-Request-Id %q, then %q: want one id per request", first, second)
	}

	c := e.client()
	c.header.Set("X-Request-Id", "chosen-by-the-client")
	if got := c.do("GET", "/healthz", nil).Header().Get("X-Request-Id"); got == "chosen-by-the-client" {
		t.Error("a client chose its request's id")
	}
	proxy := e.client()
	proxy.ip = "10.0.0.5"
	proxy.header.Set("X-Request-Id", "3f2a9c1e-proxy")
	if got := proxy.do("GET", "/healthz", nil).Header().Get("X-Request-Id"); got != "3f2a9c1e-proxy" {
		t.Errorf("a trusted proxy's id became %q", got)
	}
	proxy.header.Set("X-Request-Id", "forged\n{\"level\":\"ERROR\"}")
	if got := proxy.do("GET", "/healthz", nil).Header().Get("X-Request-Id"); got == "" || !validRequestID(got) {
		t.Errorf("a malformed id became %q", got)
	}

	// A failed sign-in logs a security event and the request line.
	r := e.client().do("POST", "/api/auth/login", credentials{Email: e.newEmail(), Password: "wrong password!"}).want(t, http.StatusUnauthorized)
	id := r.Header().Get("X-Request-Id")
	var events, requests int
	for _, l := range e.logLines(t) {
		if l["request_id"] != id {
			continue
		}
		switch l["msg"] {
		case "security event":
			events++
		case "request":
			requests++
			// The route the ServeMux chose, though the request was copied
			// on its way there (its id added to the context).
			if l["route"] != "POST /api/auth/login" {
				t.Errorf("request line: route %v, want POST /api/auth/login", l["route"])
			}
		}
	}
	if events != 1 || requests != 1 {
		t.Errorf("lines with the request's id: %d security events and %d request lines, want 1 and 1", events, requests)
	}
}

// TestLivezAndReadyz: /livez says the process serves, /readyz that it can
// serve requests (the database answers), as /healthz does.
func TestLivezAndReadyz(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, path := range []string{"/livez", "/readyz", "/healthz"} {
		e.client().do("GET", path, nil).want(t, http.StatusOK)
	}
}
