package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/telemetry"
)

// scaffold:if .BearerTokens
// zeroKey is the Ed25519 key whose seed is all zeros, in PKCS #8 PEM: a
// placeholder anyone can sign with.
const zeroKey = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
-----END PRIVATE KEY-----`

// scaffold:end
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestRefusesUnsafeConfiguration checks that the process stops before
// serving, with one line naming the variable.
func TestRefusesUnsafeConfiguration(t *testing.T) {
	for _, tt := range []struct {
		env      map[string]string
		variable string
	}{
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "COOKIE_SECURE": "false"}, "COOKIE_SECURE"},
		{map[string]string{"APP_ENV": "production"}, "APP_ORIGINS"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "http://app.example.com"}, "APP_ORIGINS"},
		{map[string]string{"COOKIE_DOMAIN": "com"}, "COOKIE_DOMAIN"},
		// scaffold:if .BrowserSessions
		{map[string]string{"SESSION_IDLE_TIMEOUT": "48h", "SESSION_LIFETIME": "24h"}, "SESSION_IDLE_TIMEOUT"},
		// scaffold:end
		{map[string]string{"COOKIE_SAMESITE": "None", "COOKIE_SECURE": "false", "COOKIE_PARTITIONED": "false"}, "COOKIE_SAMESITE"},
		{map[string]string{"COOKIE_PARTITIONED": "true", "COOKIE_SECURE": "false", "COOKIE_SAMESITE": "Lax"}, "COOKIE_PARTITIONED"},
		{map[string]string{"APP_ORIGINS": "*"}, "APP_ORIGINS"},
		// scaffold:if .BearerTokens
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com"}, "JWT_PRIVATE_KEY"},
		{map[string]string{"JWT_PRIVATE_KEY": zeroKey}, "JWT_PRIVATE_KEY"},
		// scaffold:end
	} {
		// Nothing may start: with the refusal missing, run fails on the
		// cancelled context at once (not naming the variable) instead of
		// serving until the test times out.
		t.Chdir(t.TempDir())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		tt.env["ADDR"] = "127.0.0.1:0"
		err := run(ctx, env(tt.env), io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), tt.variable) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line naming %s", tt.env, err, tt.variable)
		}
	}
}

// startAPI runs the API as main does, with the variables vars on a
// database of the test's own, logging to stderr, and returns its address
// and a stop that shuts it down as SIGTERM would and checks it ended well.
func startAPI(t *testing.T, vars map[string]string, stderr io.Writer) (addr string, stop func()) {
	t.Helper()
	vars["DATABASE_URL"] = storetest.URL(t)
	t.Chdir(t.TempDir()) // development keeps files under data/
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, env(vars), stderr, ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the server did not start")
	}
	return addr, func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run after shutdown: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the server did not shut down")
		}
	}
}

// get answers the status of GET url.
func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServesAndShutsDown starts the real server with zero configuration
// but the database and address, and stops it like SIGTERM would.
func TestServesAndShutsDown(t *testing.T) {
	addr, stop := startAPI(t, map[string]string{"ADDR": "127.0.0.1:0"}, io.Discard)
	if code := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz: %d", code)
	}
	stop()
}

// failingListener accepts nothing: after a moment its Accept fails as a
// listener does when its socket is gone.
type failingListener struct {
	net.Listener
}

var errListenerGone = errors.New("listener gone")

func (l failingListener) Accept() (net.Conn, error) {
	time.Sleep(50 * time.Millisecond)
	return nil, errListenerGone
}

// TestServeFailureEndsRun: when the server fails once it is up (no signal),
// run stops the mail worker and the rest and returns the error, instead of
// waiting for a signal that never comes.
func TestServeFailureEndsRun(t *testing.T) {
	databaseURL := storetest.URL(t)
	t.Chdir(t.TempDir()) // development keeps files under data/
	listen = func(network, addr string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		return failingListener{ln}, err
	}
	t.Cleanup(func() { listen = net.Listen })
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), env(map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": databaseURL}), io.Discard, nil)
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errListenerGone) {
			t.Fatalf("run: %v, want the listener's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return when its server failed")
	}
}

// lockedBuffer is a bytes.Buffer the server's goroutines may write to while
// a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPprofOnItsOwnListener: with PPROF_ADDR the profiles are served there,
// and never on the API's address.
func TestPprofOnItsOwnListener(t *testing.T) {
	var logs lockedBuffer
	api, stop := startAPI(t, map[string]string{"ADDR": "127.0.0.1:0", "PPROF_ADDR": "127.0.0.1:0"}, &logs)
	// The profiles' listener opens after the API's.
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		m = regexp.MustCompile(`msg="serving profiles \(net/http/pprof\)" addr=(\S+)`).FindStringSubmatch(logs.String())
		if m == nil && time.Now().After(deadline) {
			t.Fatalf("no profiles address in the log:\n%s", logs.String())
		}
	}
	if code := get(t, "http://"+m[1]+"/debug/pprof/"); code != http.StatusOK {
		t.Errorf("profiles: %d", code)
	}
	if code := get(t, "http://"+api+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("the API's address answers /debug/pprof/ with %d", code)
	}
	stop()
}

// collector is an OpenTelemetry collector that records what reaches it:
// the bodies posted to each OTLP/HTTP path.
type collector struct {
	mu     sync.Mutex
	bodies map[string][][]byte
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies[r.URL.Path] = append(c.bodies[r.URL.Path], body)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

// received says whether a body posted to path holds want.
func (c *collector) received(path, want string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.bodies[path] {
		if bytes.Contains(b, []byte(want)) {
			return true
		}
	}
	return false
}

// TestTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, the API sends a span
// per request, named after its route, and the HTTP server metrics; by the
// time it has shut down, they have reached the collector.
func TestTelemetry(t *testing.T) {
	c := &collector{bodies: map[string][][]byte{}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	addr, stop := startAPI(t, map[string]string{
		"ADDR":                        "127.0.0.1:0",
		"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL,
		"OTEL_SERVICE_NAME":           "notes-api",
	}, io.Discard)
	if code := get(t, "http://"+addr+"/api/notes/123"); code != http.StatusUnauthorized {
		t.Fatalf("GET /api/notes/123: %d", code)
	}
	stop()
	if !c.received("/v1/traces", "GET /api/notes/{id}") || !c.received("/v1/traces", "notes-api") {
		t.Error("no span named GET /api/notes/{id}, of the service notes-api, reached the collector")
	}
	if !c.received("/v1/metrics", "http.server.request.duration") {
		t.Error("no http.server.request.duration metric reached the collector")
	}
}

// TestTelemetryIsOffByDefault: without OTEL_EXPORTER_OTLP_ENDPOINT the API
// sends nothing, and its handler is not wrapped at all.
func TestTelemetryIsOffByDefault(t *testing.T) {
	tel, err := telemetry.Start(context.Background(), "api", env(map[string]string{}), slog.New(slog.DiscardHandler))
	if err != nil || tel.On() {
		t.Fatalf("Start without an endpoint: on %v, error %v", tel.On(), err)
	}
	h := http.NewServeMux()
	if got := tel.Handler(h); got != http.Handler(h) {
		t.Error("the handler was wrapped with telemetry off")
	}
}
