package httpapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/clocktest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore/redistest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

// webOrigin is the web app's origin in development, trusted by default.
// scaffold:line const webOrigin = "{{.Dev.WebOrigin}}"
const webOrigin = "http://localhost:3000"

// testArgon2Params make hashing cheap; TestProductionParameters in package
// auth checks the real ones.
var testArgon2Params = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// testEnv is an API on a database of its own, with a clock tests move.
type testEnv struct {
	t      testing.TB
	opts   []envOption
	cfg    *config.Config
	dbURL  string
	store  *store.Store
	srv    *Server
	h      http.Handler
	clock  *clocktest.Clock
	logs   *syncBuffer
	emails atomic.Int64
	hosts  atomic.Int64

	// scaffold:if .BearerTokens
	key ed25519.PrivateKey
	// scaffold:end
	// scaffold:if .Redis

	// Redis, shared by the instances of the API (see instance).
	redisClient *redis.Client
	redisPrefix string
	bus         *redisstore.Bus
	// scaffold:end

	// wake wakes the mail worker, once a test started one (withMail).
	wake func()
}

// syncBuffer collects the server's logs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// envSetup is what an envOption may change.
type envSetup struct {
	Deps
	// scaffold:if .Redis
	redisClient *redis.Client
	// scaffold:end
}

type envOption func(*envSetup)

func withHasher(h account.PasswordHasher) envOption { return func(s *envSetup) { s.Hasher = h } }

// withLogger sends the API's logs to log instead of the env's buffer.
func withLogger(log *slog.Logger) envOption { return func(s *envSetup) { s.Logger = log } }

// scaffold:if .Redis

// withRedis gives the API this Redis client (by default, one to
// TEST_REDIS_URL).
func withRedis(client *redis.Client) envOption {
	return func(s *envSetup) { s.redisClient = client }
}

// scaffold:end

func newTestEnv(t testing.TB, env map[string]string, opts ...envOption) *testEnv {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, opts: opts, cfg: cfg, dbURL: storetest.URL(t), clock: clocktest.New(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}
	// scaffold:if .Redis
	e.redisClient, e.redisPrefix = redistest.Client(t)
	// scaffold:end
	e.start()
	return e
}

// scaffold:line // start builds e's API on e.dbURL{{if .Redis}} and e.redisPrefix{{end}}.
// start builds e's API on e.dbURL and e.redisPrefix.
func (e *testEnv) start() {
	t := e.t
	e.store = storetest.OpenURL(t, e.dbURL)
	deps := Deps{
		Config: e.cfg,
		Store:  e.store,
		Logger: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Hasher: auth.NewHasher(testArgon2Params, 4, 64),
		Now:    e.clock.Now,
		WakeMail: func() {
			if e.wake != nil {
				e.wake()
			}
		},
	}
	// scaffold:if .BearerTokens
	if e.key == nil { // else another instance of the same API
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		e.key = key
	}
	deps.SigningKey = e.key
	// scaffold:end
	// scaffold:line setup := &envSetup{Deps: deps{{if .Redis}}, redisClient: e.redisClient{{end}}}
	setup := &envSetup{Deps: deps, redisClient: e.redisClient}
	for _, o := range e.opts {
		o(setup)
	}
	deps = setup.Deps
	// scaffold:if .Redis
	// scaffold:line shared := redisstore.Share(setup.redisClient, e.redisPrefix, e.store, {{if .BrowserSessions}}e.cfg.SessionIdleTimeout, {{end}}deps.Logger, deps.Now)
	shared := redisstore.Share(setup.redisClient, e.redisPrefix, e.store, e.cfg.SessionIdleTimeout, deps.Logger, deps.Now)
	deps.NewLimiter = shared.NewLimiter
	// scaffold:if .BrowserSessions
	deps.Sessions = shared.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens
	deps.Revocations = shared.Revocations
	// scaffold:end
	deps.Checks = map[string]func(context.Context) error{"redis": shared.Ping}
	e.bus = shared.Bus
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.bus.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	// scaffold:end
	// scaffold:if .BearerTokens
	e.key = deps.SigningKey
	// scaffold:end
	e.srv = New(deps)
	e.h = e.srv.Handler()
}

// scaffold:if .Postgres

// scaffold:line // instance returns another instance of e's API, as a second process would
// instance returns another instance of e's API, as a second process would
// scaffold:line // be: its own Store and memory, on the same database{{if .Redis}} and Redis{{end}}, with the
// be: its own Store and memory, on the same database and Redis, with the
// same clock and keys.
func (e *testEnv) instance() *testEnv {
	other := &testEnv{t: e.t, opts: e.opts, cfg: e.cfg, dbURL: e.dbURL, clock: e.clock, logs: e.logs}
	// scaffold:if .Redis
	other.redisClient, other.redisPrefix = e.redisClient, e.redisPrefix
	// scaffold:end
	// scaffold:if .BearerTokens
	other.key = e.key
	// scaffold:end
	other.emails.Store(e.emails.Load() + 1000)
	other.start()
	return other
}

// scaffold:end
// scaffold:if .Redis

// waitFor waits up to 5 seconds for cond.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// scaffold:end

// client is a browser-like client: it keeps cookies and sends Origin.
type client struct {
	env     *testEnv
	cookies map[string]string
	origin  string
	ip      string
	header  http.Header
	// lenient marks requests beyond the contract, sent to show the API
	// takes them all the same (its responses are checked still).
	lenient bool
}

// client returns a new browser, at an address of its own (in
// 100.64.0.0/10) so that one test's clients do not share rate limits unless
// the test sets ip.
func (e *testEnv) client() *client {
	n := e.hosts.Add(1)
	ip := fmt.Sprintf("100.64.%d.%d", n/250, n%250+1)
	return &client{env: e, cookies: map[string]string{}, origin: webOrigin, ip: ip, header: http.Header{}}
}

// newEmail returns an email no other test of this env used.
func (e *testEnv) newEmail() string {
	return fmt.Sprintf("user%d@example.com", e.emails.Add(1))
}

const testPassword = "correct horse battery"

// signedIn returns a client signed in as a new user, and the user's email.
func (e *testEnv) signedIn() (*client, string) {
	e.t.Helper()
	c := e.client()
	email := e.newEmail()
	c.do("POST", "/api/auth/register", credentials{Email: email, Password: testPassword}).want(e.t, http.StatusCreated)
	return c, email
}

// response is a recorded response.
type response struct {
	*httptest.ResponseRecorder
}

// do sends a request. body is sent as is if it is a string, as JSON
// otherwise (nil: no body).
func (c *client) do(method, path string, body any) *response {
	c.env.t.Helper()
	var data []byte
	switch b := body.(type) {
	case nil:
	case string:
		data = []byte(b)
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			c.env.t.Fatal(err)
		}
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, "http://api.test"+path, r)
	req.RemoteAddr = c.ip + ":40000"
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	rec := httptest.NewRecorder()
	c.env.h.ServeHTTP(rec, req)
	checkContract(c.env.t, req, data, rec, c.lenient)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return &response{rec}
}

// want fails the test unless the status is status.
func (r *response) want(t testing.TB, status int) *response {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status %d, want %d; body %s", r.Code, status, r.Body)
	}
	return r
}

// wantError fails the test unless the response is the error status, code.
func (r *response) wantError(t testing.TB, status int, code string) *response {
	t.Helper()
	r.want(t, status)
	if got := r.errorCode(); got != code {
		t.Fatalf("error code %q, want %q; body %s", got, code, r.Body)
	}
	return r
}

func (r *response) errorCode() string {
	var body errorBody
	json.Unmarshal(r.Body.Bytes(), &body)
	return body.Error.Code
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// setCookie returns the Set-Cookie of cookie base, or nil.
func (r *response) setCookie(name string) *http.Cookie {
	for _, c := range r.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
