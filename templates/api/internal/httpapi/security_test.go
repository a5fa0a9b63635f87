package httpapi

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCSRF checks that cookie-authenticated writes from another site are
// refused, and writes from the web app are not.
func TestCSRF(t *testing.T) {
	e := newTestEnv(t, nil)
	victim, email := e.signedIn()

	writes := []struct{ method, path string }{
		{"POST", "/api/notes"},
		{"POST", "/api/auth/logout"},
		{"POST", "/api/auth/logout-all"},
		{"POST", "/api/auth/login"},
		{"POST", "/api/auth/register"},
		// scaffold:if .BrowserJWT
		//~		{"POST", "/api/auth/refresh"},
		// scaffold:end
		{"DELETE", "/api/notes/1"},
	}
	attacks := []struct {
		name   string
		origin string
		fetch  string // Sec-Fetch-Site
	}{
		{"cross-site fetch", "https://evil.example", "cross-site"},
		{"cross-site form, old browser", "https://evil.example", ""},
		{"look-alike origin", "https://app.example.com.evil.test", "cross-site"},
		{"null origin", "null", "cross-site"},
		{"sibling subdomain", "", "same-site"},
	}
	for _, w := range writes {
		for _, a := range attacks {
			attacker := e.client()
			attacker.cookies = victim.cookies
			attacker.origin = a.origin
			if a.fetch != "" {
				attacker.header.Set("Sec-Fetch-Site", a.fetch)
			}
			r := attacker.do(w.method, w.path, `{"title":"pwned","email":"`+email+`","password":"`+testPassword+`"}`)
			if r.Code != http.StatusForbidden || r.errorCode() != "csrf" {
				t.Errorf("%s %s, %s: status %d %s, want 403 csrf", w.method, w.path, a.name, r.Code, r.Body)
			}
		}
	}
	victim.do("GET", "/api/auth/me", nil).want(t, http.StatusOK) // nothing happened

	// Reads are not state-changing.
	reader := e.client()
	reader.cookies = victim.cookies
	reader.origin = "https://evil.example"
	reader.header.Set("Sec-Fetch-Site", "cross-site")
	reader.do("GET", "/api/notes", nil).want(t, http.StatusOK)

	// The web app's origin is trusted, as are same-origin requests and
	// clients that are not browsers (no Origin, no Sec-Fetch-Site).
	victim.do("POST", "/api/notes", map[string]string{"title": "from the app"}).want(t, http.StatusCreated)
	same := e.client()
	same.cookies = victim.cookies
	same.origin = ""
	same.header.Set("Sec-Fetch-Site", "same-origin")
	same.do("POST", "/api/notes", map[string]string{"title": "same origin"}).want(t, http.StatusCreated)
	same.header.Del("Sec-Fetch-Site")
	same.do("POST", "/api/notes", map[string]string{"title": "curl"}).want(t, http.StatusCreated)
}

// scaffold:if not .CORS
// ~// TestCORS checks the exact-match allow-list: in the same-origin topology there
// ~// is no CORS at all.
// scaffold:else
// TestCORS checks the exact-match allow-list.
// scaffold:end
func TestCORS(t *testing.T) {
	e := newTestEnv(t, map[string]string{"APP_ORIGINS": "https://app.example.com,http://localhost:3000"})
	send := func(method, origin string, preflight bool) *response {
		c := e.client()
		c.origin = origin
		if preflight {
			c.header.Set("Access-Control-Request-Method", "POST")
			c.header.Set("Access-Control-Request-Headers", "content-type")
		}
		return c.do(method, "/api/auth/me", nil)
	}
	noCORS := func(name string, r *response) {
		t.Helper()
		for k := range r.Header() {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s: got %s: %s", name, k, r.Header().Get(k))
			}
		}
	}
	for _, origin := range []string{"null", "https://app.example.com.evil.test", "https://evil.example", "http://app.example.com", "https://app.example.com:8443", "https://APP.example.com ", "https://sub.app.example.com", ""} {
		noCORS(origin, send("GET", origin, false))
		noCORS(origin+" preflight", send("OPTIONS", origin, true))
	}
	// scaffold:if .CORS
	for _, origin := range []string{"https://app.example.com", "http://localhost:3000"} {
		r := send("GET", origin, false)
		h := r.Header()
		if h.Get("Access-Control-Allow-Origin") != origin || h.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("%s: headers %v", origin, h)
		}
		p := send("OPTIONS", origin, true)
		p.want(t, http.StatusNoContent)
		h = p.Header()
		if h.Get("Access-Control-Allow-Origin") != origin || h.Get("Access-Control-Allow-Credentials") != "true" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "content-type") {
			t.Errorf("%s preflight: headers %v", origin, h)
		}
		if h.Get("Access-Control-Allow-Origin") == "*" {
			t.Error("wildcard origin")
		}
	}
	// Unlisted origins still get Vary: Origin, so caches keep answers apart.
	if vary := send("GET", "https://evil.example", false).Header().Values("Vary"); !strings.Contains(strings.Join(vary, ","), "Origin") {
		t.Errorf("Vary = %q", vary)
	}
	// A web app at an unlisted address (here another port) shows up in the
	// log at WARN, with the variable to set, once however often it tries;
	// listed origins and made-up ones beyond a few dozen do not.
	send("OPTIONS", "http://localhost:3001", true)
	send("OPTIONS", "http://localhost:3001", true)
	for i := range 100 {
		send("OPTIONS", fmt.Sprintf("https://scanner%d.example", i), true)
	}
	refused := map[string]int{}
	for _, l := range e.logLines(t) {
		if msg, _ := l["msg"].(string); strings.Contains(msg, "APP_ORIGINS") {
			origin, _ := l["origin"].(string)
			refused[origin]++
			if l["level"] != "WARN" {
				t.Errorf("logged at %v", l["level"])
			}
		}
	}
	if refused["http://localhost:3001"] != 1 {
		t.Errorf("http://localhost:3001 logged %d times, want once", refused["http://localhost:3001"])
	}
	if refused["https://app.example.com"]+refused["http://localhost:3000"] > 0 || len(refused) > 32 {
		t.Errorf("refused origins logged: %v", refused)
	}
	// scaffold:else
	//~	// Not even the web app's own origin gets CORS headers.
	//~	noCORS("web origin", send("GET", "https://app.example.com", false))
	//~	noCORS("web origin preflight", send("OPTIONS", "https://app.example.com", true))
	// scaffold:end
}

// scaffold:if .BearerTokens

func testKeyPEM(t *testing.T) string {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// scaffold:end

// TestCookieAttributes checks every attribute of the auth cookies, in
// scaffold:line // development (the {{.Topology}} defaults) and in production.
// development (the cross-site defaults) and in production.
func TestCookieAttributes(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		prefix      string
		secure      bool
		sameSite    http.SameSite
		partitioned bool
		domain      string
	}{
		// scaffold:line {"development", nil, {{if .Cookie.SecureInDevelopment}}"__Host-"{{else}}""{{end}}, {{.Cookie.SecureInDevelopment}}, http.SameSite{{.Cookie.SameSite}}Mode, {{.Cookie.Partitioned}}, ""},
		{"development", nil, "__Host-", true, http.SameSiteNoneMode, true, ""},
		// scaffold:line {"production", map[string]string{"APP_ENV": "production", "APP_ORIGINS": webOrigin, "MAIL_TRANSPORT": "log"{{if .Redis}}, "REDIS_URL": "redis://redis.example.com:6379/0"{{end}}}, "__Host-", true, http.SameSite{{.Cookie.SameSite}}Mode, {{.Cookie.Partitioned}}, ""},
		{"production", map[string]string{"APP_ENV": "production", "APP_ORIGINS": webOrigin, "MAIL_TRANSPORT": "log", "REDIS_URL": "redis://redis.example.com:6379/0"}, "__Host-", true, http.SameSiteNoneMode, true, ""},
		// scaffold:line {"production with COOKIE_DOMAIN", map[string]string{"APP_ENV": "production", "APP_ORIGINS": webOrigin, "COOKIE_DOMAIN": "example.com", "MAIL_TRANSPORT": "log"{{if .Redis}}, "REDIS_URL": "redis://redis.example.com:6379/0"{{end}}}, "__Secure-", true, http.SameSite{{.Cookie.SameSite}}Mode, {{.Cookie.Partitioned}}, "example.com"},
		{"production with COOKIE_DOMAIN", map[string]string{"APP_ENV": "production", "APP_ORIGINS": webOrigin, "COOKIE_DOMAIN": "example.com", "MAIL_TRANSPORT": "log", "REDIS_URL": "redis://redis.example.com:6379/0"}, "__Secure-", true, http.SameSiteNoneMode, true, "example.com"},
		{"insecure development", map[string]string{"COOKIE_SECURE": "false", "COOKIE_SAMESITE": "Lax", "COOKIE_PARTITIONED": "false"}, "", false, http.SameSiteLaxMode, false, ""},
		{"cross-site override", map[string]string{"COOKIE_SECURE": "true", "COOKIE_SAMESITE": "None", "COOKIE_PARTITIONED": "true"}, "__Host-", true, http.SameSiteNoneMode, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// scaffold:if .BearerTokens
			if tt.env["APP_ENV"] == "production" {
				tt.env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
			}
			// scaffold:end
			e := newTestEnv(t, tt.env)
			c := e.client()
			r := c.do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: testPassword}).want(t, http.StatusCreated)
			// scaffold:line bases := []string{ {{- if .BrowserSessions}}sessionCookie{{else}}accessCookie, refreshCookie{{end -}} }
			bases := []string{sessionCookie}
			if got := len(r.Result().Cookies()); got != len(bases) {
				t.Fatalf("%d cookies set, want %d: %v", got, len(bases), r.Header().Values("Set-Cookie"))
			}
			for _, base := range bases {
				ck := r.setCookie(tt.prefix + base)
				if ck == nil {
					t.Fatalf("no cookie %s%s in %v", tt.prefix, base, r.Header().Values("Set-Cookie"))
				}
				if !ck.HttpOnly || ck.Path != "/" || ck.Secure != tt.secure || ck.SameSite != tt.sameSite ||
					ck.Partitioned != tt.partitioned || ck.Domain != tt.domain || ck.MaxAge <= 0 {
					t.Errorf("cookie %s: %s", ck.Name, ck.Raw)
				}
				if !strings.Contains(ck.Raw, "SameSite=") {
					t.Errorf("cookie %s has no explicit SameSite: %s", ck.Name, ck.Raw)
				}
			}
			c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
		})
	}
}

// TestBadInputNeverFails checks that no malformed request gets a 500.
func TestBadInputNeverFails(t *testing.T) {
	e := newTestEnv(t, nil)
	signed, _ := e.signedIn()
	bodies := []struct {
		body string
		code string
	}{
		{``, "invalid_json"},
		{`{`, "invalid_json"},
		{`nope`, "invalid_json"},
		{`[]`, "invalid_json"},
		{`"string"`, "invalid_json"},
		{`null`, "validation_failed"},
		{`{"email":1,"password":true}`, "invalid_json"},
		{`{"email":["a"],"password":{}}`, "invalid_json"},
		{`{"email":"a@example.com","password":"password1","admin":true}`, "invalid_json"},
		{`{"email":"a@example.com","password":"password1"}{"again":1}`, "invalid_json"},
		{`{"email":"a@example.com","password":"password1"} x`, "invalid_json"},
		{`{"email":"` + strings.Repeat("a", 100_000) + `@example.com","password":"password1"}`, ""},
		{`{"email":"\u0000@example.com","password":"password1"}`, ""},
		{`{"title":"\u0000","body":"a\u0000b"}`, ""},
		{`{"ceremony":"\u0000","credential":{"id":"\u0000","response":{}},"name":"a\u0000b"}`, ""},
		{`{"ceremony":"x","credential":"` + strings.Repeat("A", 100_000) + `"}`, ""},
		{`{"email":"ü🙂@例え.jp","password":"` + strings.Repeat("🙂", 200) + `"}`, ""},
		{`{"email":"\ud800@example.com","password":"\udfff\udfff\udfff\udfff"}`, ""},
		{"{\"email\":\"\xff\xfe@example.com\",\"password\":\"password1\"}", ""},
	}
	// scaffold:line paths := []string{"/api/auth/register", "/api/auth/login", "/api/notes", "/api/auth/passkeys/register", "/api/auth/passkeys/login"{{if .BearerTokens}}, "/api/auth/token", "/api/auth/token/refresh"{{end}}}
	paths := []string{"/api/auth/register", "/api/auth/login", "/api/notes", "/api/auth/passkeys/register", "/api/auth/passkeys/login", "/api/auth/token", "/api/auth/token/refresh"}
	for _, path := range paths {
		for _, b := range bodies {
			r := signed.do("POST", path, b.body)
			if r.Code >= 500 {
				t.Errorf("POST %s %.60q: %d %s", path, b.body, r.Code, r.Body)
			}
			if r.Code >= 400 && r.errorCode() == "" {
				t.Errorf("POST %s %.60q: %d without an error code: %s", path, b.body, r.Code, r.Body)
			}
			if b.code == "invalid_json" && r.errorCode() != "invalid_json" {
				t.Errorf("POST %s %.60q: %s, want invalid_json", path, b.body, r.Body)
			}
		}
	}

	// Over 1 MiB: 413, with or without a Content-Length.
	big := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
	signed.do("POST", "/api/notes", big).wantError(t, http.StatusRequestEntityTooLarge, "payload_too_large")
	req := httptest.NewRequest("POST", "http://api.test/api/auth/login", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Origin", webOrigin)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if req.ContentLength != -1 || rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("streamed big body (length %d): %d %s", req.ContentLength, rec.Code, rec.Body)
	}

	// Garbage cookies and headers are just not credentials.
	for _, cookie := range []string{"", "x", strings.Repeat("a", 4000), "\x00\x01", "eyJhbGciOiJub25lIn0.e30.", "../../etc/passwd", "%00%ff", "🍪"} {
		c := e.client()
		c.header.Set("Cookie", "session="+cookie+"; __Host-session="+cookie+"; access_token="+cookie+"; __Host-access_token="+cookie+"; refresh_token="+cookie+"; __Host-refresh_token="+cookie)
		c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
		c.do("POST", "/api/auth/logout", nil).want(t, http.StatusNoContent)
	}
	for _, authz := range []string{"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "bearer " + strings.Repeat("x", 8000), "Bearer \x00"} {
		c := e.client()
		c.header.Set("Authorization", authz)
		if r := c.do("GET", "/api/auth/me", nil); r.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %.30q: %d", authz, r.Code)
		}
	}
}
