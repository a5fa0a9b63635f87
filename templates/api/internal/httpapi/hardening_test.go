package httpapi

// Tests of the attacks the API stands up to (forged and duplicated cookies,
// guessing, floods, oversized input, spoofed addresses), one or more each.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
)

// countingHasher counts the passwords checked, real or dummy. With gate
// set, every check waits until gate is closed: the test then sees how many
// requests got as far as hashing while all of them were in flight.
type countingHasher struct {
	account.PasswordHasher
	checks atomic.Int64
	gate   chan struct{}
}

func (h *countingHasher) wait() {
	h.checks.Add(1)
	if h.gate != nil {
		<-h.gate
	}
}

func (h *countingHasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	h.wait()
	return h.PasswordHasher.Verify(ctx, password, encoded)
}

func (h *countingHasher) VerifyDummy(ctx context.Context, password string) error {
	h.wait()
	return h.PasswordHasher.VerifyDummy(ctx, password)
}

// busyHasher answers auth.ErrBusy while busy is set.
type busyHasher struct {
	account.PasswordHasher
	busy atomic.Bool
}

func (h *busyHasher) Hash(ctx context.Context, password string) (string, error) {
	if h.busy.Load() {
		return "", auth.ErrBusy
	}
	return h.PasswordHasher.Hash(ctx, password)
}

func (h *busyHasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	if h.busy.Load() {
		return false, auth.ErrBusy
	}
	return h.PasswordHasher.Verify(ctx, password, encoded)
}

func (h *busyHasher) VerifyDummy(ctx context.Context, password string) error {
	if h.busy.Load() {
		return auth.ErrBusy
	}
	return h.PasswordHasher.VerifyDummy(ctx, password)
}

// login sends a sign-in from ip.
func (e *testEnv) login(ip, email, password string) *response {
	c := e.client()
	c.ip = ip
	return c.do("POST", "/api/auth/login", credentials{Email: email, Password: password})
}

// TestBurstIsCountedBeforeHashing: 300 concurrent wrong guesses for one
// account from one client are exactly as many attempts as 300 guesses one
// after another: the limit's 5, checked; the rest refused before any hash.
func TestBurstIsCountedBeforeHashing(t *testing.T) {
	hasher := &countingHasher{PasswordHasher: auth.NewHasher(testArgon2Params, 4, 1000)}
	e := newTestEnv(t, nil, withHasher(hasher))
	_, email := e.signedIn()
	allowed := config.DefaultLimits.LoginAccountClient.Events

	const burst = 300
	// Every guess that reaches the hasher is held there until all 300 are
	// either held or answered, so the guesses really are concurrent however
	// fast the test's hash is.
	hasher.gate = make(chan struct{})
	codes := make(chan int, burst)
	var answered atomic.Int64
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			codes <- e.login("203.0.113.7", email, "wrong password!").Code
			answered.Add(1)
		})
	}
	for answered.Load()+hasher.checks.Load() < burst {
		time.Sleep(time.Millisecond)
	}
	close(hasher.gate)
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] != allowed || count[http.StatusTooManyRequests] != burst-allowed {
		t.Fatalf("answers %v, want %d × 401 and %d × 429", count, allowed, burst-allowed)
	}
	if n := hasher.checks.Load(); n != int64(allowed) {
		t.Fatalf("%d passwords hashed for the burst, want %d", n, allowed)
	}
	// The right password from the same client waits like the guesses did…
	e.login("203.0.113.7", email, testPassword).wantError(t, http.StatusTooManyRequests, "rate_limited")
	// …but the owner, elsewhere, signs in.
	e.login("192.0.2.10", email, testPassword).want(t, http.StatusOK)
}

// TestAttackerCannotLockOutTheOwner: a client guessing for an hour, as
// fast as it likes, never stops the owner signing in from another address.
func TestAttackerCannotLockOutTheOwner(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	limited := 0
	for range 361 { // one guess every 10 seconds for an hour
		r := e.login("198.51.100.66", email, "wrong password!")
		if r.Code == http.StatusTooManyRequests {
			limited++
		} else {
			r.wantError(t, http.StatusUnauthorized, "invalid_credentials")
		}
		e.clock.Advance(10 * time.Second)
	}
	if limited == 0 {
		t.Fatal("an hour of guessing was never limited")
	}
	e.login("192.0.2.10", email, testPassword).want(t, http.StatusOK)

	// The ceiling per account: guesses from many addresses, a few each,
	// end at LoginAccount, for every address.
	e = newTestEnv(t, nil)
	_, email = e.signedIn()
	for i := range config.DefaultLimits.LoginAccount.Events {
		e.login("198.51.100."+strconv.Itoa(i+1), email, "wrong password!").want(t, http.StatusUnauthorized)
	}
	e.login("192.0.2.10", email, testPassword).wantError(t, http.StatusTooManyRequests, "rate_limited")
}

// TestSignInClearsFailures: a user who mistyped four times and then signed
// in starts again from zero.
func TestSignInClearsFailures(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	const ip = "203.0.113.8"
	for range 4 {
		e.login(ip, email, "wrong password!").want(t, http.StatusUnauthorized)
	}
	e.login(ip, email, testPassword).want(t, http.StatusOK)
	for range config.DefaultLimits.LoginAccountClient.Events {
		e.login(ip, email, "wrong password!").want(t, http.StatusUnauthorized)
	}
	e.login(ip, email, testPassword).wantError(t, http.StatusTooManyRequests, "rate_limited")
}

// TestSuccessesAreNotLimited: only failures count. Everyone behind one
// office address signs in within a minute, and one account signs in all
// day from many addresses, without a 429.
func TestSuccessesAreNotLimited(t *testing.T) {
	e := newTestEnv(t, nil)
	var emails []string
	for range config.DefaultLimits.LoginClient.Events + 5 {
		_, email := e.signedIn()
		emails = append(emails, email)
	}
	for _, email := range emails {
		e.login("203.0.113.60", email, testPassword).want(t, http.StatusOK)
	}
	for i := range config.DefaultLimits.LoginAccount.Events + 5 {
		e.login("198.51.100."+strconv.Itoa(i%250+1), emails[0], testPassword).want(t, http.StatusOK)
	}
}

// TestClientLimitAcrossAccounts: one address guessing one password for
// many accounts is stopped too.
func TestClientLimitAcrossAccounts(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	const ip = "203.0.113.9"
	for range config.DefaultLimits.LoginClient.Events {
		e.login(ip, e.newEmail(), "Summer2030!!").want(t, http.StatusUnauthorized)
	}
	r := e.login(ip, email, testPassword).wantError(t, http.StatusTooManyRequests, "rate_limited")
	secs, err := strconv.Atoi(r.Header().Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(config.DefaultLimits.LoginClient.Per/time.Second) {
		t.Fatalf("Retry-After: %q", r.Header().Get("Retry-After"))
	}
	e.clock.Advance(time.Duration(secs) * time.Second)
	e.login(ip, email, testPassword).want(t, http.StatusOK)
}

// TestRegistrationIsLimited: each registration hashes a password, so one
// address gets a few per hour.
func TestRegistrationIsLimited(t *testing.T) {
	e := newTestEnv(t, nil)
	register := func(ip, password string) *response {
		c := e.client()
		c.ip = ip
		return c.do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: password})
	}
	// Invalid registrations cost nothing and count nothing.
	for range 20 {
		register("203.0.113.10", "short").want(t, http.StatusBadRequest)
	}
	for range config.DefaultLimits.Register.Events {
		register("203.0.113.10", testPassword).want(t, http.StatusCreated)
	}
	r := register("203.0.113.10", testPassword).wantError(t, http.StatusTooManyRequests, "rate_limited")
	if r.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	register("203.0.113.11", testPassword).want(t, http.StatusCreated)
	e.clock.Advance(config.DefaultLimits.Register.Per)
	register("203.0.113.10", testPassword).want(t, http.StatusCreated)
}

// TestBusyAnswersAtOnce: when the hash queue is full, sign-in and
// registration get 503 busy with a Retry-After instead of waiting, and the
// attempt they did not make is not held against them.
func TestBusyAnswersAtOnce(t *testing.T) {
	hasher := &busyHasher{PasswordHasher: auth.NewHasher(testArgon2Params, 4, 64)}
	e := newTestEnv(t, nil, withHasher(hasher))
	_, email := e.signedIn()
	hasher.busy.Store(true)
	const ip = "203.0.113.12"
	for range 3 * config.DefaultLimits.LoginAccountClient.Events {
		r := e.login(ip, email, testPassword).wantError(t, http.StatusServiceUnavailable, "busy")
		if r.Header().Get("Retry-After") == "" {
			t.Fatal("busy without Retry-After")
		}
	}
	c := e.client()
	c.ip = ip
	for range 3 * config.DefaultLimits.Register.Events {
		c.do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: testPassword}).
			wantError(t, http.StatusServiceUnavailable, "busy")
	}
	hasher.busy.Store(false)
	e.login(ip, email, testPassword).want(t, http.StatusOK)
	c.do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: testPassword}).want(t, http.StatusCreated)
}

// TestClientAddress: forwarding headers count only from TRUSTED_PROXIES,
// read right to left.
func TestClientAddress(t *testing.T) {
	trusted, err := config.ParsePrefixes("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted bool
		peer    string
		header  string // Name: value
		want    string
	}{
		{"no proxy trusted", false, "198.51.100.1:5000", "X-Forwarded-For: 203.0.113.1", "198.51.100.1"},
		{"loopback peer, none trusted", false, "127.0.0.1:5000", "X-Forwarded-For: 203.0.113.1", "127.0.0.1"},
		{"private peer, none trusted", false, "172.17.0.1:5000", "X-Forwarded-For: 203.0.113.1", "172.17.0.1"},
		{"private peer, not in the list", true, "192.168.1.5:5000", "X-Forwarded-For: 203.0.113.1", "192.168.1.5"},
		{"untrusted peer", true, "198.51.100.1:5000", "X-Forwarded-For: 203.0.113.1", "198.51.100.1"},
		{"trusted peer", true, "10.0.0.2:5000", "X-Forwarded-For: 203.0.113.1", "203.0.113.1"},
		{"client's own entry ignored", true, "10.0.0.2:5000", "X-Forwarded-For: 1.2.3.4, 203.0.113.1", "203.0.113.1"},
		{"chain of proxies", true, "10.0.0.2:5000", "X-Forwarded-For: 1.2.3.4, 203.0.113.1, 10.0.0.9, 127.0.0.1", "203.0.113.1"},
		{"all trusted", true, "127.0.0.1:5000", "X-Forwarded-For: 10.1.1.1, 127.0.0.1", "10.1.1.1"},
		{"garbage hop", true, "10.0.0.2:5000", "X-Forwarded-For: 203.0.113.1, bogus", "10.0.0.2"},
		{"no header", true, "10.0.0.2:5000", "", "10.0.0.2"},
		{"ipv6 peer", true, "[::1]:5000", "X-Forwarded-For: 2001:db8::7", "2001:db8::7"},
		{"mapped peer", true, "[::ffff:10.0.0.2]:5000", "X-Forwarded-For: 203.0.113.1", "203.0.113.1"},
		{"forwarded", true, "10.0.0.2:5000", `Forwarded: for=1.2.3.4, for="[2001:db8::9]:4711";proto=https`, "2001:db8::9"},
		{"forwarded with port", true, "10.0.0.2:5000", `Forwarded: for="203.0.113.1:80"`, "203.0.113.1"},
		{"forwarded unknown", true, "10.0.0.2:5000", `Forwarded: for=unknown`, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: &config.Config{}}
			if tt.trusted {
				s.cfg.TrustedProxies = trusted
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if name, value, ok := strings.Cut(tt.header, ": "); ok {
				r.Header.Add(name, value)
			}
			if got := s.clientAddr(r); got != netip.MustParseAddr(tt.want) {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
		})
	}
	// X-Forwarded-For wins over a Forwarded header the proxy passed along.
	s := &Server{cfg: &config.Config{TrustedProxies: trusted}}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:5000"
	r.Header.Set("Forwarded", "for=1.2.3.4")
	r.Header.Set("X-Forwarded-For", "203.0.113.1")
	if got := s.clientAddr(r).String(); got != "203.0.113.1" {
		t.Errorf("with both headers: %s", got)
	}
	if got := clientKey(netip.MustParseAddr("2001:db8:1:2:3:4:5:6")); got != "2001:db8:1:2::/64" {
		t.Errorf("clientKey of an IPv6 address: %s", got)
	}
}

// TestForwardedForCannotDodgeLimits: a client that writes its own
// X-Forwarded-For is still one client; behind a trusted proxy, the address
// the proxy saw counts, whatever the client wrote before it.
func TestForwardedForCannotDodgeLimits(t *testing.T) {
	e := newTestEnv(t, nil)
	// forging signs in with a wrong password from ip, each time claiming
	// another address in X-Forwarded-For, until the limit of one client.
	forging := func(ip string) {
		t.Helper()
		login := func(xff string) *response {
			c := e.client()
			c.ip = ip
			c.header.Set("X-Forwarded-For", xff)
			return c.do("POST", "/api/auth/login", credentials{Email: e.newEmail(), Password: "wrong password!"})
		}
		for i := range config.DefaultLimits.LoginClient.Events {
			login("198.51.100."+strconv.Itoa(i+1)).want(t, http.StatusUnauthorized)
		}
		login("198.51.100.200").wantError(t, http.StatusTooManyRequests, "rate_limited")
	}
	forging("203.0.113.20")
	// A direct client on the loopback or a private network (a Docker
	// bridge's gateway, a LAN) is no proxy unless TRUSTED_PROXIES says so.
	forging("172.17.0.1")

	e = newTestEnv(t, map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"})
	proxied := func(xff string) *response {
		c := e.client()
		c.ip = "10.0.0.5"
		c.header.Set("X-Forwarded-For", xff)
		return c.do("POST", "/api/auth/login", credentials{Email: e.newEmail(), Password: "wrong password!"})
	}
	for i := range config.DefaultLimits.LoginClient.Events {
		proxied("198.51.100."+strconv.Itoa(i+1)+", 203.0.113.50").want(t, http.StatusUnauthorized)
	}
	proxied("203.0.113.50").wantError(t, http.StatusTooManyRequests, "rate_limited")
	proxied("203.0.113.51").want(t, http.StatusUnauthorized)
}

// TestOnlyBearerTokensSkipTheOriginCheck: an Authorization header other
// than a valid bearer access token does not exempt a request from the
// cross-origin check, so a forged request with the victim's cookies fails.
func TestOnlyBearerTokensSkipTheOriginCheck(t *testing.T) {
	e := newTestEnv(t, nil)
	victim, _ := e.signedIn()
	for _, authz := range []string{"Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c", "Digest x", "whatever"} {
		attacker := e.client()
		attacker.cookies = victim.cookies
		attacker.origin = "https://evil.example"
		attacker.header.Set("Sec-Fetch-Site", "cross-site")
		attacker.header.Set("Authorization", authz)
		attacker.do("POST", "/api/notes", map[string]string{"title": "pwned"}).wantError(t, http.StatusForbidden, "csrf")
	}
	var notes struct{ Notes []noteJSON }
	victim.do("GET", "/api/notes", nil).want(t, http.StatusOK).decode(t, &notes)
	if len(notes.Notes) != 0 {
		t.Fatalf("a forged note was written: %+v", notes.Notes)
	}
}

// TestBodiesMustBeJSON: a cross-site form can post text/plain that happens
// to be valid JSON; only application/json is read.
func TestBodiesMustBeJSON(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	bodies := map[string]string{
		"/api/auth/register": `{"email":"` + e.newEmail() + `","password":"` + testPassword + `"}`,
		"/api/auth/login":    `{"email":"` + email + `","password":"` + testPassword + `"}`,
		"/api/notes":         `{"title":"from a form"}`,
	}
	for path, body := range bodies {
		for _, contentType := range []string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json-seq"} {
			req := httptest.NewRequest("POST", "http://api.test"+path, strings.NewReader(body))
			req.RemoteAddr = c.ip + ":40000"
			req.Header.Set("Origin", webOrigin)
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			for name, value := range c.cookies {
				req.AddCookie(&http.Cookie{Name: name, Value: value})
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			(&response{rec}).wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		}
	}
	// With a charset parameter it is still JSON.
	c.header.Set("Content-Type", "application/json; charset=utf-8")
	c.do("POST", "/api/notes", map[string]string{"title": "json"}).want(t, http.StatusCreated)
}

// TestDuplicateAuthCookieIsRefused: a second cookie of the same name (one a
// sibling subdomain planted) makes the request unauthenticated: the API
// never guesses which one is the user's.
func TestDuplicateAuthCookieIsRefused(t *testing.T) {
	e := newTestEnv(t, map[string]string{"COOKIE_DOMAIN": "example.com", "COOKIE_SECURE": "true"})
	victim, _ := e.signedIn()
	attacker, _ := e.signedIn()
	// scaffold:line name := e.srv.cookies.name({{if .BrowserSessions}}sessionCookie{{else}}accessCookie{{end}})
	name := e.srv.cookies.name(sessionCookie)
	both := func(first, second string) *client {
		c := e.client()
		c.header.Set("Cookie", name+"="+first+"; "+name+"="+second)
		return c
	}
	for _, c := range []*client{both(attacker.cookies[name], victim.cookies[name]), both(victim.cookies[name], attacker.cookies[name])} {
		c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
		c.do("GET", "/api/notes", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
		c.do("POST", "/api/auth/logout", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	}
	// scaffold:if .BrowserJWT
	//~	refresh := e.srv.cookies.name(refreshCookie)
	//~	c := e.client()
	//~	c.header.Set("Cookie", refresh+"="+attacker.cookies[refresh]+"; "+refresh+"="+victim.cookies[refresh])
	//~	c.do("POST", "/api/auth/refresh", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	// scaffold:end
	victim.do("GET", "/api/auth/me", nil).want(t, http.StatusOK) // the real session still works
	if !strings.Contains(e.logs.String(), `"event":"duplicate_cookie"`) {
		t.Error("the duplicate cookie was not logged")
	}
}

// logLines returns the server's JSON log records.
func (e *testEnv) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		lines = append(lines, m)
	}
	return lines
}

// securityEvents returns the security events logged, by name.
func (e *testEnv) securityEvents(t *testing.T) map[string][]map[string]any {
	events := map[string][]map[string]any{}
	for _, l := range e.logLines(t) {
		if name, ok := l["event"].(string); ok {
			if l["level"] != "WARN" {
				t.Errorf("event %s logged at %v, want WARN", name, l["level"])
			}
			events[name] = append(events[name], l)
		}
	}
	return events
}

// TestSecurityEventsAreLogged: what an operator needs to notice an attack
// is in the logs, at WARN, with the user and the client address.
func TestSecurityEventsAreLogged(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)

	for range config.DefaultLimits.LoginAccountClient.Events + 1 {
		e.login("203.0.113.30", email, "wrong password!")
	}
	forger := e.client()
	forger.cookies = c.cookies
	forger.origin = "https://evil.example"
	forger.header.Set("Sec-Fetch-Site", "cross-site")
	forger.do("POST", "/api/notes", map[string]string{"title": "x"}).want(t, http.StatusForbidden)
	// scaffold:if .BearerTokens
	tr := e.tokenPair(email)
	e.refreshPair(tr.RefreshToken).want(t, http.StatusOK)
	e.clock.Advance(auth.RefreshGrace + time.Second)
	e.refreshPair(tr.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
	// scaffold:end
	c.do("POST", "/api/auth/logout-all", nil).want(t, http.StatusNoContent)

	events := e.securityEvents(t)
	wantUser := float64(me.User.ID)
	for _, want := range []struct {
		event  string
		client string
		user   bool
	}{
		{"login_failed", "203.0.113.30", true},
		{"rate_limited", "203.0.113.30", false},
		{"csrf_refused", forger.ip, false},
		// scaffold:if .BearerTokens
		{"refresh_reuse", "", true},
		// scaffold:end
		{"logout_all", c.ip, true},
	} {
		got := events[want.event]
		if len(got) == 0 {
			t.Errorf("no %s event in the logs:\n%s", want.event, e.logs)
			continue
		}
		if want.client != "" && got[0]["client"] != want.client {
			t.Errorf("%s: client %v, want %s", want.event, got[0]["client"], want.client)
		}
		if want.user && got[0]["user_id"] != wantUser {
			t.Errorf("%s: user_id %v, want %v", want.event, got[0]["user_id"], wantUser)
		}
	}
	if n := len(events["login_failed"]); n != config.DefaultLimits.LoginAccountClient.Events {
		t.Errorf("%d login_failed events, want %d", n, config.DefaultLimits.LoginAccountClient.Events)
	}
}

// TestClientGoneIsNotAnError: a client that disconnects mid-request is
// normal life on the internet, not a server error to page someone about.
func TestClientGoneIsNotAnError(t *testing.T) {
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "http://api.test/api/notes", nil)
	req.RemoteAddr = c.ip + ":40000"
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	e.h.ServeHTTP(httptest.NewRecorder(), req)
	for _, l := range e.logLines(t) {
		if l["level"] == "ERROR" {
			t.Errorf("a client that went away was logged as an error: %v", l)
		}
	}
}

// TestHSTS: production tells browsers to use https only, for two years.
func TestHSTS(t *testing.T) {
	// scaffold:line env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log"{{if .Redis}}, "REDIS_URL": "redis://redis.example.com:6379/0"{{end}}}
	env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log", "REDIS_URL": "redis://redis.example.com:6379/0"}
	// scaffold:if .BearerTokens
	env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
	// scaffold:end
	prod := newTestEnv(t, env)
	for _, path := range []string{"/healthz", "/api/auth/me", "/nope"} {
		if got := prod.client().do("GET", path, nil).Header().Get("Strict-Transport-Security"); got != "max-age=63072000" {
			t.Errorf("production %s: Strict-Transport-Security %q", path, got)
		}
	}
	// Development runs on http://localhost, where HSTS would only get in
	// the way of other local projects.
	if got := newTestEnv(t, nil).client().do("GET", "/healthz", nil).Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("development: Strict-Transport-Security %q", got)
	}
}

// TestEmailNormalization: one mailbox is one account however its address is
// spelled; invisible characters are refused.
func TestEmailNormalization(t *testing.T) {
	e := newTestEnv(t, nil)
	nfc, nfd := "jos\u00e9@example.com", "jose\u0301@example.com"
	var reg userResponse
	e.client().do("POST", "/api/auth/register", credentials{Email: nfc, Password: testPassword}).want(t, http.StatusCreated).decode(t, &reg)
	e.client().do("POST", "/api/auth/register", credentials{Email: nfd, Password: testPassword}).wantError(t, http.StatusConflict, "email_taken")
	e.login("192.0.2.40", nfd, testPassword).want(t, http.StatusOK)
	if reg.User.Email != nfc {
		t.Errorf("stored as %q, want the NFC spelling", reg.User.Email)
	}

	var idn userResponse
	e.client().do("POST", "/api/auth/register", credentials{Email: "Anna@BÜCHER.Example", Password: testPassword}).want(t, http.StatusCreated).decode(t, &idn)
	if idn.User.Email != "anna@xn--bcher-kva.example" {
		t.Errorf("IDN address stored as %q, want anna@xn--bcher-kva.example", idn.User.Email)
	}
	e.client().do("POST", "/api/auth/register", credentials{Email: "anna@xn--bcher-kva.example", Password: testPassword}).wantError(t, http.StatusConflict, "email_taken")
	e.login("192.0.2.41", "anna@bücher.example", testPassword).want(t, http.StatusOK)

	for _, bad := range []string{"jo\u200dse@example.com", "jose@exa\u200bmple.com", "\u202ejose@example.com", "jose\u0000@example.com", "jose\x7f@example.com", "jos\ufffd@example.com"} {
		var body errorBody
		e.client().do("POST", "/api/auth/register", credentials{Email: bad, Password: testPassword}).
			wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
		if body.Error.Fields["email"] == "" {
			t.Errorf("%q: no message for email", bad)
		}
	}
}

// TestPasswordPolicy: at least 12 characters, and not one of the most
// common passwords whatever its length or case.
func TestPasswordPolicy(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, bad := range []string{"eleven-char", "password1234", "PASSWORD1234", "passwordpassword", "1qaz2wsx3edc", strings.Repeat("x", 129)} {
		var body errorBody
		e.client().do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: bad}).
			wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
		if body.Error.Fields["password"] == "" {
			t.Errorf("%q: no message for password", bad)
		}
	}
	for _, good := range []string{"twelve-chars", "vQ7#tzk!Lm2@", strings.Repeat("x", 128)} {
		e.client().do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: good}).want(t, http.StatusCreated)
	}
}

// scaffold:if .BearerTokens

// TestRefreshFamilyEnds: however often a refresh token rotates, its family
// ends SESSION_LIFETIME after sign-in and the user signs in again.
func TestRefreshFamilyEnds(t *testing.T) {
	e := newTestEnv(t, map[string]string{"SESSION_LIFETIME": "2h", "SESSION_IDLE_TIMEOUT": "1h", "REFRESH_TOKEN_TTL": "1h"})
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	token := tr.RefreshToken
	for range 3 { // 1h30 after sign-in
		e.clock.Advance(30 * time.Minute)
		var next tokenResponse
		e.refreshPair(token).want(t, http.StatusOK).decode(t, &next)
		token = next.RefreshToken
	}
	e.clock.Advance(31 * time.Minute) // 2h01
	e.refreshPair(token).wantError(t, http.StatusUnauthorized, "invalid_token")
	// scaffold:if .BrowserJWT
	//~
	//~	// The browser's refresh cookie too.
	//~	c, _ := e.signedIn()
	//~	for range 3 {
	//~		e.clock.Advance(30 * time.Minute)
	//~		c.do("POST", "/api/auth/refresh", nil).want(t, http.StatusOK)
	//~	}
	//~	e.clock.Advance(31 * time.Minute)
	//~	c.do("POST", "/api/auth/refresh", nil).wantError(t, http.StatusUnauthorized, "invalid_token")
	// scaffold:end
}

// TestRefreshFamilyEndsWithoutRotation: a refresh token never rotated ends
// with its family too, even when REFRESH_TOKEN_TTL is longer than
// SESSION_LIFETIME.
func TestRefreshFamilyEndsWithoutRotation(t *testing.T) {
	e := newTestEnv(t, map[string]string{"SESSION_LIFETIME": "2h", "SESSION_IDLE_TIMEOUT": "1h", "REFRESH_TOKEN_TTL": "4h"})
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	e.clock.Advance(2*time.Hour + time.Minute)
	e.refreshPair(tr.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
}

// scaffold:end
