//go:build e2e

package e2e

import (
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"testing"
)

// attackers serves the attackers' pages until the test ends and returns the
// environment that tells forgery.spec.ts where they are:
//
//   - SCAFFOLD_THIRD_SITE, http://127.0.0.2:PORT: a site of its own to the
//     browser, neither localhost (the web app) nor 127.0.0.1 (the
//     cross-site API). Any 127/8 address is loopback on Linux.
//   - SCAFFOLD_SAME_SITE_ATTACKER, http://localhost:PORT: another origin of
//     the web app's own site, as evil.example.com is to app.example.com.
//
// Both serve the same pages, which take the URL of the notes endpoint, as
// the browser reaches it, in ?target=:
//
//   - /fetch posts a note with fetch in three ways (credentialed JSON, which
//     needs a CORS preflight; credentialed text/plain and mode "no-cors",
//     which do not) and tries to read the notes with credentials. Outcomes
//     are left in window.forgeryResults. It also asks ?probe= (the API's
//     /api/auth/me) in mode "no-cors": the page cannot see the answer, the
//     test can, and 200 shows the browser sent the user's cookies.
//   - /form posts a note with an auto-submitted HTML form, a top-level
//     navigation whose text/plain body is valid JSON.
func attackers(t *testing.T) []string {
	t.Helper()
	return []string{
		"SCAFFOLD_THIRD_SITE=" + serveAttacker(t, "127.0.0.2", "127.0.0.2"),
		"SCAFFOLD_SAME_SITE_ATTACKER=" + serveAttacker(t, "127.0.0.1", "localhost"),
	}
}

// serveAttacker listens on ip and returns the origin the browser uses.
func serveAttacker(t *testing.T, ip, host string) string {
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listen on %s: %v", ip, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		render(w, fetchPage, r.URL.Query())
	})
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		render(w, formPage, r.URL.Query())
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return fmt.Sprintf("http://%s:%d", host, ln.Addr().(*net.TCPAddr).Port)
}

func render(w http.ResponseWriter, page *template.Template, q url.Values) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	page.Execute(w, struct{ Target, Probe string }{q.Get("target"), q.Get("probe")})
}

var fetchPage = template.Must(template.New("fetch").Parse(`<!doctype html>
<html><head><title>An attacker</title></head><body>
<p>Nothing to see here.</p>
<script>
const target = {{.Target}};
async function attempt(name, init, url = target) {
  try {
    const res = await fetch(url, init);
    return { name, outcome: "answered", type: res.type, status: res.status };
  } catch (err) {
    return { name, outcome: "rejected", error: String(err) };
  }
}
const note = (how) => JSON.stringify({ title: "Forged by " + how, body: "from an attacker" });
window.forgeryResults = (async () => [
  await attempt("post-json-credentials", {
    method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: note("fetch JSON"),
  }),
  await attempt("post-text-credentials", {
    method: "POST", credentials: "include",
    headers: { "Content-Type": "text/plain" }, body: note("fetch text"),
  }),
  await attempt("post-no-cors", {
    method: "POST", mode: "no-cors", credentials: "include",
    headers: { "Content-Type": "text/plain" }, body: note("fetch no-cors"),
  }),
  await attempt("read-credentials", { credentials: "include" }),
  {{if .Probe}}await attempt("probe-me", { mode: "no-cors", credentials: "include" }, {{.Probe}}),{{end}}
])();
</script>
</body></html>
`))

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html><head><title>An attacker</title></head><body>
<form method="post" action="{{.Target}}" enctype="text/plain">
<input type="hidden" name='{"title":"Forged by a form","body":"from an attacker","x":"' value='"}'>
</form>
<script>document.forms[0].submit();</script>
</body></html>
`))
