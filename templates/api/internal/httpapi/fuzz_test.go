package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeJSON checks that request decoding never panics and that what it
// accepts is a single JSON object of known fields. The seed corpus runs in
// every `go test`; `go test -fuzz=FuzzDecodeJSON ./internal/httpapi`
// explores further.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@example.com","password":"password1"}`,
		`{"email":"a@example.com","password":"password1","x":1}`,
		`{"email":1}`, `[]`, `null`, `{`, ``, `{}{}`, `"\ud800"`, "{\"email\":\"\xff\"}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var c credentials
		err := decodeJSON(strings.NewReader(body), &c)
		if err != nil && err.Error() == "" {
			t.Fatal("an error with no message for the client")
		}
	})
}

// FuzzRequests sends arbitrary bodies, cookies and Authorization headers
// through the whole server: nothing may answer 500 or authenticate.
func FuzzRequests(f *testing.F) {
	e := newTestEnv(f, nil)
	f.Add("/api/auth/login", `{"email":"a@example.com","password":"password1"}`, "garbage", "Bearer x")
	f.Add("/api/auth/register", `{"email":"b@example.com","password":"`+strings.Repeat("x", 200)+`"}`, "", "")
	f.Add("/api/notes", `{"title":"t","body":1}`, "\x00", "Bearer eyJhbGciOiJub25lIn0.e30.")
	f.Add("/api/auth/logout", `{}`, strings.Repeat("a", 300), "Basic Zm9v")
	f.Fuzz(func(t *testing.T, path, body, cookie, authz string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		req, err := http.NewRequest("POST", "http://api.test"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		req.RemoteAddr = "192.0.2.1:40000"
		req.Header.Set("Origin", webOrigin)
		req.Header.Set("Content-Type", "application/json")
		// scaffold:line req.Header.Set("Cookie", e.srv.cookies.name({{if .BrowserSessions}}sessionCookie{{else}}accessCookie{{end}})+"="+cookie)
		req.Header.Set("Cookie", e.srv.cookies.name(sessionCookie)+"="+cookie)
		req.Header.Set("Authorization", authz)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %q %q: %d %s", path, body, rec.Code, rec.Body)
		}
		if path == "/api/auth/me" && rec.Code == http.StatusOK {
			t.Fatal("authenticated by garbage")
		}
	})
}
