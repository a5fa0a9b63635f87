package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
)

// benchMe measures GET /api/auth/me with the client's credentials.
func benchMe(b *testing.B, e *testEnv, c *client) {
	req := httptest.NewRequest("GET", "http://api.test/api/auth/me", nil)
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// scaffold:if .BrowserSessions

// BenchmarkMeSessionCookie: the browser's request, one session lookup.
func BenchmarkMeSessionCookie(b *testing.B) {
	e := newTestEnv(b, nil)
	c, _ := e.signedIn()
	benchMe(b, e, c)
}

// scaffold:end
// scaffold:if .BrowserJWT
//~
//~// BenchmarkMeAccessCookie: the browser's request, a JWT verification.
//~func BenchmarkMeAccessCookie(b *testing.B) {
//~	e := newTestEnv(b, nil)
//~	c, _ := e.signedIn()
//~	benchMe(b, e, c)
//~}
// scaffold:end
// scaffold:if .BearerTokens

// BenchmarkMeBearer: a non-browser client's request, a JWT verification.
func BenchmarkMeBearer(b *testing.B) {
	e := newTestEnv(b, nil)
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	benchMe(b, e, e.bearerClient(tr.AccessToken))
}

// scaffold:end

// BenchmarkLogin measures a sign-in with the production Argon2id parameters:
// the hash dominates, by design.
func BenchmarkLogin(b *testing.B) {
	e := newTestEnv(b, nil, withHasher(auth.NewHasher(auth.DefaultArgon2Params, 2, 8)))
	_, email := e.signedIn()
	body := `{"email":"` + email + `","password":"` + testPassword + `"}`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.client().do("POST", "/api/auth/login", body).want(b, http.StatusOK)
	}
}
