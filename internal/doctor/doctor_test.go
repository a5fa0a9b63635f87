package doctor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/doctor/doctortest"
	"github.com/scaffoldhq/scaffold/internal/project"
)

// fakeAPI is a small cookie-auth API whose every CORS, cookie and CSRF
// setting a test can get wrong on purpose. Its zero settings plus a cookie
// are a correct deployment.
type fakeAPI struct {
	// Origins are allowed by CORS and trusted by the CSRF check.
	Origins []string
	// NoCORS sends no CORS headers at all (a same-origin API).
	NoCORS bool
	// Reflect allows every origin by echoing it; Star answers "*".
	Reflect, Star bool
	// NoCredentials leaves out Access-Control-Allow-Credentials; NoVary
	// leaves out Vary: Origin; NoAllowHeaders leaves Content-Type out of
	// Access-Control-Allow-Headers.
	NoCredentials, NoVary, NoAllowHeaders bool
	// Cookie is the template of the session cookie (its value is set per
	// sign-in).
	Cookie http.Cookie
	// NoCSRF accepts cross-site writes.
	NoCSRF bool
	// HSTS sends Strict-Transport-Security.
	HSTS bool
	// PlainErrors answers errors in text rather than scaffold's JSON shape.
	PlainErrors bool
	// MeIgnoresCookie answers 401 to /me whatever the cookie.
	MeIgnoresCookie bool

	*fakeState
}

// fakeState is what the fake API remembers.
type fakeState struct {
	mu       sync.Mutex
	users    map[string]string
	sessions map[string]bool
	requests []string // "METHOD /path"
}

func (f *fakeAPI) handler() http.Handler {
	f.fakeState = &fakeState{users: map[string]string{}, sessions: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/register", func(w http.ResponseWriter, r *http.Request) {
		email, password, ok := f.credentials(w, r)
		if !ok {
			return
		}
		f.mu.Lock()
		f.users[email] = password
		f.mu.Unlock()
		f.signIn(w, r, http.StatusCreated)
	})
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		email, password, ok := f.credentials(w, r)
		if !ok {
			return
		}
		f.mu.Lock()
		want, known := f.users[email]
		f.mu.Unlock()
		if !known || want != password {
			f.error(w, http.StatusUnauthorized, "invalid_credentials")
			return
		}
		f.signIn(w, r, http.StatusOK)
	})
	mux.HandleFunc("GET /api/auth/me", func(w http.ResponseWriter, r *http.Request) {
		if !f.signedIn(r) || f.MeIgnoresCookie {
			f.error(w, http.StatusUnauthorized, "unauthenticated")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"user":{"id":1}}`)
	})
	mux.HandleFunc("POST /api/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(f.Cookie.Name); err == nil {
			f.mu.Lock()
			delete(f.sessions, c.Value)
			f.mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	})

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		if f.HSTS && r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", "max-age=63072000")
		}
		if f.cors(w, r) {
			return
		}
		var h http.Handler = mux
		if !f.NoCSRF {
			// Built per request: tests set Origins once the port is known.
			cop := http.NewCrossOriginProtection()
			for _, o := range f.Origins {
				if err := cop.AddTrustedOrigin(o); err != nil {
					panic(err)
				}
			}
			cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.error(w, http.StatusForbidden, "csrf")
			}))
			h = cop.Handler(h)
		}
		h.ServeHTTP(w, r)
	})
}

// cors sets the CORS headers and reports whether it answered a preflight.
func (f *fakeAPI) cors(w http.ResponseWriter, r *http.Request) bool {
	if f.NoCORS {
		return false
	}
	h := w.Header()
	if !f.NoVary {
		h.Add("Vary", "Origin")
	}
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	allowed := f.Reflect || slices.Contains(f.Origins, origin)
	if allowed || f.Star {
		if f.Star {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if !f.NoCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if preflight {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			if !f.NoAllowHeaders {
				h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			}
		}
	}
	if preflight {
		w.WriteHeader(http.StatusNoContent)
	}
	return preflight
}

func (f *fakeAPI) credentials(w http.ResponseWriter, r *http.Request) (email, password string, ok bool) {
	var in struct{ Email, Password string }
	if r.Header.Get("Content-Type") == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			f.error(w, http.StatusBadRequest, "invalid_json")
			return "", "", false
		}
	} else {
		in.Email, in.Password = r.FormValue("email"), r.FormValue("password")
	}
	if in.Email == "" || len(in.Password) < 12 {
		f.error(w, http.StatusBadRequest, "validation_failed")
		return "", "", false
	}
	return in.Email, in.Password, true
}

// signIn starts a session, ending the one the request carried, as scaffold
// does against session fixation.
func (f *fakeAPI) signIn(w http.ResponseWriter, r *http.Request, status int) {
	b := make([]byte, 16)
	rand.Read(b)
	c := f.Cookie
	c.Value = hex.EncodeToString(b)
	f.mu.Lock()
	if old, err := r.Cookie(f.Cookie.Name); err == nil {
		delete(f.sessions, old.Value)
	}
	f.sessions[c.Value] = true
	f.mu.Unlock()
	http.SetCookie(w, &c)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, `{"user":{"id":1}}`)
}

func (f *fakeAPI) signedIn(r *http.Request) bool {
	c, err := r.Cookie(f.Cookie.Name)
	if err != nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[c.Value]
}

func (f *fakeAPI) error(w http.ResponseWriter, status int, code string) {
	if f.PlainErrors {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":"test"}}`, code)
}

func (f *fakeAPI) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// deployment is a fake API behind TLS on real-looking names, pinned to
// the test server with --resolve and trusted with --cacert.
type deployment struct {
	api     *fakeAPI
	web     string // the web app's URL
	apiURL  string
	resolve []string
	caFile  string
}

// deploy starts f behind TLS. The web app is at https://app.example.test on
// the same port (it is never requested unless it is also the API).
func deploy(t *testing.T, f *fakeAPI, topology project.Topology) *deployment {
	t.Helper()
	ca := doctortest.NewCA(t)
	dep := doctortest.Deploy(t, ca, f.handler(), topology)
	d := &deployment{api: f, caFile: ca.PEMFile, web: dep.Web, apiURL: dep.API, resolve: dep.Resolve}
	if f.Origins == nil {
		f.Origins = []string{d.web}
	}
	return d
}

// options are the doctor's options for the deployment with --register.
func (d *deployment) options(t *testing.T) Options {
	t.Helper()
	client, err := NewClient(ClientOptions{Resolve: d.resolve, CACertFile: d.caFile, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	web, err := ParseURL(d.web)
	if err != nil {
		t.Fatal(err)
	}
	api, err := ParseURL(d.apiURL)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Web: web, API: api, Register: true, Client: client, Timeout: 5 * time.Second}
}

// The correct cookie of each topology, as a scaffold API sets it in
// production.
var (
	crossSiteCookie = http.Cookie{Name: "__Host-session", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteNoneMode, Partitioned: true}
	hostOnlyCookie  = http.Cookie{Name: "__Host-session", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	sameSiteCookie  = http.Cookie{Name: "__Secure-session", Path: "/", Domain: "example.test", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
)

func run(t *testing.T, o Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// statuses returns the IDs of the checks with status st.
func statuses(rep *Report, st Status) []string {
	var ids []string
	for _, c := range rep.Checks {
		if c.Status == st {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// concerns are the checks of status st, but for the warning every
// cross-site deployment gets (browsers), which TestCorrectDeployments
// checks.
func concerns(rep *Report, st Status) []string {
	ids := statuses(rep, st)
	if st == Warn && rep.Topology == project.CrossSite {
		ids = slices.DeleteFunc(ids, func(id string) bool { return id == "browsers" })
	}
	return ids
}

func result(rep *Report, id string) Result {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return Result{}
}

func dump(rep *Report) string {
	var b strings.Builder
	rep.WriteText(&b)
	return b.String()
}

// TestCorrectDeployments: a correct deployment of each topology passes
// every check, and the run stays within its request budget and writes
// nothing but the throwaway account.
func TestCorrectDeployments(t *testing.T) {
	for _, tc := range []struct {
		topology project.Topology
		api      fakeAPI
	}{
		{project.SameOrigin, fakeAPI{NoCORS: true, Cookie: hostOnlyCookie, HSTS: true}},
		{project.SameSite, fakeAPI{Cookie: sameSiteCookie, HSTS: true}},
		{project.CrossSite, fakeAPI{Cookie: crossSiteCookie, HSTS: true}},
	} {
		t.Run(string(tc.topology), func(t *testing.T) {
			d := deploy(t, &tc.api, tc.topology)
			o := d.options(t)
			o.Declared = tc.topology
			rep := run(t, o)
			if bad := append(statuses(rep, Fail), append(concerns(rep, Warn), statuses(rep, Skip)...)...); len(bad) > 0 {
				t.Fatalf("checks not passed: %v\n%s", bad, dump(rep))
			}
			// A cross-site API's cookies are third-party: the browsers
			// that keep none are named, with the topology that reaches
			// them.
			browsers := result(rep, "browsers")
			if cross := tc.topology == project.CrossSite; cross != (browsers.Status == Warn) ||
				cross && (!strings.Contains(browsers.Detail, "Safari before 26.2") || !strings.Contains(browsers.Fix, "same-site")) {
				t.Errorf("browsers: %+v", browsers)
			}
			if !rep.ScaffoldAPI {
				t.Errorf("the scaffold error shape was not recognized")
			}
			if rep.Topology != tc.topology {
				t.Errorf("topology %s, want %s", rep.Topology, tc.topology)
			}
			checkRequests(t, d.api, rep)
		})
	}
}

// checkRequests asserts that the run sent what it counted, at most
// MaxRequests, and wrote nothing but the account and its own session.
func checkRequests(t *testing.T, f *fakeAPI, rep *Report) {
	t.Helper()
	reqs := f.requestLog()
	if len(reqs) != rep.Requests || len(reqs) > MaxRequests {
		t.Errorf("the API saw %d requests, the report says %d (at most %d allowed): %v", len(reqs), rep.Requests, MaxRequests, reqs)
	}
	writes := map[string]bool{"POST /api/auth/register": true, "POST /api/auth/login": true, "POST /api/auth/logout": true}
	for _, r := range reqs {
		if m, _, _ := strings.Cut(r, " "); m != http.MethodGet && m != http.MethodOptions && !writes[r] {
			t.Errorf("unexpected write: %s", r)
		}
	}
	if n := countOf(reqs, "POST /api/auth/register"); n > 1 {
		t.Errorf("%d registrations, want at most 1", n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sessions) > 0 && rep.Failed == 0 {
		t.Errorf("%d sessions left open: the doctor did not sign out", len(f.sessions))
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// TestMisconfigurations: each single mistake fails exactly the check that
// names it, and the fix names the scaffold variable for a scaffold API.
func TestMisconfigurations(t *testing.T) {
	noSecure := crossSiteCookie
	noSecure.Name, noSecure.Secure = "session", false
	noHttpOnly := crossSiteCookie
	noHttpOnly.HttpOnly = false
	lax := crossSiteCookie
	lax.SameSite = http.SameSiteLaxMode
	noSameSite := crossSiteCookie
	noSameSite.SameSite = 0
	unpartitioned := crossSiteCookie
	unpartitioned.Partitioned = false
	hostWithDomain := crossSiteCookie
	hostWithDomain.Domain = "other.test"
	foreignDomain := crossSiteCookie
	foreignDomain.Name, foreignDomain.Domain = "__Secure-session", "example.test"
	publicSuffix := crossSiteCookie
	publicSuffix.Name, publicSuffix.Domain = "__Secure-session", "test"
	narrowPath := crossSiteCookie
	narrowPath.Name, narrowPath.Path = "__Secure-session", "/api/auth/login"
	hostOnlySameSite := hostOnlyCookie

	for _, tc := range []struct {
		name     string
		topology project.Topology
		api      fakeAPI
		// origins are extra allowed origins; "TWIN" is the web app's
		// http:// twin.
		origins  []string
		fails    string // the one failing check
		warns    string // the one warning, if any
		fix      string // what the fix must say
		declared project.Topology
	}{
		{name: "unpartitioned", api: fakeAPI{Cookie: unpartitioned}, fails: "cookie-partitioned", fix: "COOKIE_PARTITIONED=true"},
		{name: "unpartitioned, not scaffold", api: fakeAPI{Cookie: unpartitioned, PlainErrors: true}, fails: "cookie-partitioned", fix: "add Partitioned"},
		{name: "lax", api: fakeAPI{Cookie: lax}, fails: "cookie-samesite", fix: "COOKIE_SAMESITE=None"},
		{name: "no samesite", api: fakeAPI{Cookie: noSameSite, PlainErrors: true}, fails: "cookie-samesite", fix: "SameSite=None; Secure; Partitioned"},
		{name: "samesite none without secure", api: fakeAPI{Cookie: noSecure}, fails: "cookie-secure", fix: "COOKIE_SECURE=true"},
		{name: "not httponly", api: fakeAPI{Cookie: noHttpOnly, PlainErrors: true}, fails: "cookie-httponly", fix: "add HttpOnly"},
		{name: "__Host- with domain", api: fakeAPI{Cookie: hostWithDomain}, fails: "cookie-prefix", fix: "no Domain"},
		{name: "domain of another site", api: fakeAPI{Cookie: foreignDomain}, fails: "cookie-scope", fix: "COOKIE_DOMAIN=other.test"},
		{name: "public suffix domain", api: fakeAPI{Cookie: publicSuffix, PlainErrors: true}, fails: "cookie-scope", fix: "Domain=other.test"},
		{name: "narrow path", api: fakeAPI{Cookie: narrowPath, PlainErrors: true}, fails: "cookie-scope", fix: "Path=/"},
		{name: "extra origin", api: fakeAPI{Cookie: crossSiteCookie}, origins: []string{"http://localhost:3000"}, fails: "cors-foreign", fix: "remove http://localhost:3000 from APP_ORIGINS"},
		{name: "http twin", api: fakeAPI{Cookie: crossSiteCookie, PlainErrors: true}, origins: []string{"TWIN"}, fails: "cors-foreign", fix: "from the allowed origins"},
		{name: "reflected origin", api: fakeAPI{Cookie: crossSiteCookie, Reflect: true}, fails: "cors-foreign", fix: "never echo"},
		{name: "no credentials", api: fakeAPI{Cookie: crossSiteCookie, NoCredentials: true}, fails: "cors", fix: "Access-Control-Allow-Credentials: true"},
		{name: "star", api: fakeAPI{Cookie: crossSiteCookie, Star: true, PlainErrors: true}, fails: "cors", fix: "never *"},
		{name: "no vary", api: fakeAPI{Cookie: crossSiteCookie, NoVary: true}, fails: "cors", fix: "Vary: Origin"},
		{name: "content-type not allowed", api: fakeAPI{Cookie: crossSiteCookie, NoAllowHeaders: true}, fails: "cors", fix: "Content-Type"},
		{name: "no csrf", api: fakeAPI{Cookie: crossSiteCookie, NoCSRF: true}, fails: "csrf", fix: "CrossOriginProtection"},
		{name: "cookie refused", api: fakeAPI{Cookie: crossSiteCookie, MeIgnoresCookie: true}, fails: "cookie-accepted", fix: "Cookie header"},
		{name: "no hsts", api: fakeAPI{Cookie: crossSiteCookie, HSTS: false}, warns: "hsts", fix: "APP_ENV=production"},
		{name: "wrong declared topology", api: fakeAPI{Cookie: crossSiteCookie}, declared: project.SameSite, fails: "topology", fix: "--topology cross-site"},
		{name: "same-site host-only", topology: project.SameSite, api: fakeAPI{Cookie: hostOnlySameSite}, fails: "cookie-scope", fix: "COOKIE_DOMAIN=example.test"},
		{name: "same-site host-only, not scaffold", topology: project.SameSite, api: fakeAPI{Cookie: hostOnlySameSite, PlainErrors: true}, warns: "cookie-scope", fix: "Domain=example.test"},
		{name: "same-site samesite none", topology: project.SameSite, api: fakeAPI{Cookie: func() http.Cookie { c := sameSiteCookie; c.SameSite = http.SameSiteNoneMode; return c }()}, warns: "cookie-samesite", fix: "COOKIE_SAMESITE=Lax"},
		{name: "same-origin reflects origins", topology: project.SameOrigin, api: fakeAPI{Cookie: hostOnlyCookie, Reflect: true}, fails: "cors-foreign"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topology := tc.topology
			if topology == "" {
				topology = project.CrossSite
			}
			api := tc.api
			if tc.warns != "hsts" {
				api.HSTS = true
			}
			d := deploy(t, &api, topology)
			for _, o := range tc.origins {
				if o == "TWIN" {
					o = strings.Replace(d.web, "https://", "http://", 1)
				}
				api.Origins = append(api.Origins, o)
			}
			o := d.options(t)
			o.Declared = tc.declared
			rep := run(t, o)
			fails, warns := statuses(rep, Fail), concerns(rep, Warn)
			if tc.fails == "" && len(fails) > 0 || tc.fails != "" && !slices.Equal(fails, []string{tc.fails}) {
				t.Errorf("failed %v, want exactly [%s]\n%s", fails, tc.fails, dump(rep))
			}
			if tc.warns == "" && len(warns) > 0 || tc.warns != "" && !slices.Equal(warns, []string{tc.warns}) {
				t.Errorf("warnings %v, want [%s]\n%s", warns, tc.warns, dump(rep))
			}
			if skips := statuses(rep, Skip); len(skips) > 0 {
				t.Errorf("skipped %v", skips)
			}
			id := tc.fails + tc.warns
			if r := result(rep, id); !strings.Contains(r.Fix, tc.fix) {
				t.Errorf("%s fix %q, want it to say %q", id, r.Fix, tc.fix)
			}
			if api.PlainErrors {
				for _, c := range rep.Checks {
					if strings.Contains(c.Fix, "COOKIE_") || strings.Contains(c.Fix, "APP_") {
						t.Errorf("%s: a non-scaffold API's fix names a scaffold variable: %s", c.ID, c.Fix)
					}
				}
			}
			checkRequests(t, d.api, rep)
		})
	}
}

// TestDeclaredSameOriginWithAnotherAPI: in same-origin the browser calls the
// API through the web app, so an --api on another origin is the mistake
// the topology check explains.
func TestDeclaredSameOriginWithAnotherAPI(t *testing.T) {
	d := deploy(t, &fakeAPI{Cookie: crossSiteCookie, HSTS: true}, project.CrossSite)
	o := d.options(t)
	o.Declared, o.DeclaredFrom = project.SameOrigin, ".scaffold.yaml"
	rep := run(t, o)
	r := result(rep, "topology")
	if r.Status != Fail || !strings.Contains(r.Fix, "--api "+d.web) || !strings.Contains(r.Detail, ".scaffold.yaml") {
		t.Errorf("topology: %+v", r)
	}
}

// TestWithoutAccount: without --register or --user the sign-in is a
// warning, the cookie checks are skipped, and nothing is written.
func TestWithoutAccount(t *testing.T) {
	d := deploy(t, &fakeAPI{Cookie: crossSiteCookie, HSTS: true}, project.CrossSite)
	o := d.options(t)
	o.Register = false
	rep := run(t, o)
	if got := concerns(rep, Warn); !slices.Equal(got, []string{"sign-in"}) {
		t.Errorf("warnings %v, want [sign-in]", got)
	}
	if got := statuses(rep, Skip); len(got) != 8 {
		t.Errorf("skipped %v, want the 8 checks that need a sign-in", got)
	}
	for _, r := range d.api.requestLog() {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "OPTIONS ") {
			t.Errorf("wrote without an account: %s", r)
		}
	}
}

// TestExistingAccount signs in with --user, JSON and form bodies alike.
func TestExistingAccount(t *testing.T) {
	for _, form := range []bool{false, true} {
		t.Run(fmt.Sprintf("form=%v", form), func(t *testing.T) {
			api := &fakeAPI{Cookie: crossSiteCookie, HSTS: true}
			d := deploy(t, api, project.CrossSite)
			o := d.options(t)
			o.Register, o.User, o.Password, o.Form = false, "ada@example.com", "correct horse battery", form
			rep := run(t, o)
			if r := result(rep, "sign-in"); r.Status != Fail || !strings.Contains(r.Fix, "check --user") {
				t.Errorf("unknown user: sign-in %+v", r)
			}
			api.mu.Lock()
			api.users = map[string]string{"ada@example.com": "correct horse battery"}
			api.mu.Unlock()
			rep = run(t, o)
			if bad := statuses(rep, Fail); len(bad) > 0 {
				t.Fatalf("failed %v\n%s", bad, dump(rep))
			}
			if countOf(api.requestLog(), "POST /api/auth/register") > 0 {
				t.Error("registered an account though --user was given")
			}
		})
	}
}

// TestDevelopmentOnLoopback: `make dev` of a cross-site project (web on
// localhost, API on 127.0.0.1 over http) is fine: loopback counts as secure.
func TestDevelopmentOnLoopback(t *testing.T) {
	api := &fakeAPI{Origins: []string{"http://localhost:3000"}, Cookie: http.Cookie{Name: "session", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteNoneMode, Partitioned: true}}
	srv := httptest.NewServer(api.handler())
	t.Cleanup(srv.Close)
	web, _ := ParseURL("http://localhost:3000")
	apiURL, _ := ParseURL(srv.URL)
	rep := run(t, Options{Web: web, API: apiURL, Register: true, Declared: project.CrossSite, Timeout: 5 * time.Second})
	if bad := append(statuses(rep, Fail), concerns(rep, Warn)...); len(bad) > 0 {
		t.Fatalf("checks not passed: %v\n%s", bad, dump(rep))
	}
	// No http:// twin or development-default probes for a loopback web app.
	if rep.Requests > 8 {
		t.Errorf("%d requests", rep.Requests)
	}
}

// TestUnreachable: an API that does not answer ends the run with one line,
// quickly.
func TestUnreachable(t *testing.T) {
	// A listener that never accepts: the connection is made by the kernel,
	// the TLS handshake never answered.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	for _, tc := range []struct{ name, url, want string }{
		{"silent", "https://" + ln.Addr().String(), "no answer within 300ms"},
		{"closed port", "http://" + closedAddr, "connection refused"},
		{"unknown host", "https://api.doctor-test.invalid", "no such host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := ParseURL(tc.url)
			web, _ := ParseURL("https://app.example.test")
			client, err := NewClient(ClientOptions{Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = Run(context.Background(), Options{Web: web, API: u, Register: true, Client: client, Timeout: 300 * time.Millisecond})
			if err == nil {
				t.Fatal("no error")
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %s", elapsed)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want one line saying %q", msg, tc.want)
			}
		})
	}
}

func TestTopologyOf(t *testing.T) {
	for _, tc := range []struct {
		web, api string
		want     project.Topology
	}{
		{"https://app.example.com", "https://app.example.com/", project.SameOrigin},
		{"https://app.example.com", "https://app.example.com:443", project.SameOrigin},
		{"https://app.example.com", "https://api.example.com", project.SameSite},
		{"https://example.com", "https://api.example.com", project.SameSite},
		{"https://app.example.com", "https://app.example.com:8443", project.SameSite},
		{"http://app.example.com", "https://api.example.com", project.CrossSite}, // schemeful
		{"https://app.example.test", "https://api.other.test", project.CrossSite},
		{"https://shop.example", "https://api.example.net", project.CrossSite},
		{"https://a.github.io", "https://b.github.io", project.CrossSite}, // a private public suffix
		{"https://a.example.co.uk", "https://b.example.co.uk", project.SameSite},
		{"https://example.co.uk", "https://other.co.uk", project.CrossSite},
		{"http://localhost:3000", "http://localhost:8080", project.SameSite},
		{"http://localhost:3000", "http://127.0.0.1:8080", project.CrossSite},
		{"http://127.0.0.1:3000", "http://127.0.0.1:8080", project.SameSite},
		{"http://[::1]:3000", "http://127.0.0.1:8080", project.CrossSite},
	} {
		web, err := ParseURL(tc.web)
		if err != nil {
			t.Fatal(err)
		}
		api, err := ParseURL(tc.api)
		if err != nil {
			t.Fatal(err)
		}
		if got := TopologyOf(web, api); got != tc.want {
			t.Errorf("TopologyOf(%s, %s) = %s, want %s", tc.web, tc.api, got, tc.want)
		}
	}
}

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"", "app.example.com", "ftp://app.example.com", "https://", "https://u:p@app.example.com", "https://app.example.com/?x=1", "https://app.example.com:0", "https://app.example.com:99999"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q): no error", bad)
		}
	}
	u, err := ParseURL("https://APP.Example.com:443/base")
	if err != nil {
		t.Fatal(err)
	}
	if got := Origin(u); got != "https://app.example.com" {
		t.Errorf("Origin = %s", got)
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "app.localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true,
		"example.com": false, "10.0.0.1": false, "localhost.example.com": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

func TestResolveFlag(t *testing.T) {
	for _, bad := range []string{"api.example.com", "api.example.com:443", "api.example.com:x:127.0.0.1", ":443:127.0.0.1", "api.example.com:443:not-an-ip"} {
		if _, err := parseResolve([]string{bad}); err == nil {
			t.Errorf("parseResolve(%q): no error", bad)
		}
	}
	pins, err := parseResolve([]string{"API.example.com:443:127.0.0.1", "api.example.com:8443:[::1]"})
	if err != nil {
		t.Fatal(err)
	}
	if pins["api.example.com:443"] != "127.0.0.1:443" || pins["api.example.com:8443"] != "[::1]:8443" {
		t.Errorf("pins = %v", pins)
	}
}

func TestReportJSON(t *testing.T) {
	d := deploy(t, &fakeAPI{Cookie: unpartitionedCookie(), HSTS: true}, project.CrossSite)
	rep := run(t, d.options(t))
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Topology string `json:"topology"`
		Failed   int    `json:"failed"`
		Requests int    `json:"requests"`
		Checks   []struct {
			ID, Status, Fix string
		} `json:"checks"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Topology != "cross-site" || back.Failed != 1 || back.Requests == 0 || len(back.Checks) != len(checks) {
		t.Errorf("JSON report: %s", b)
	}
	for _, c := range back.Checks {
		if c.ID == "cookie-partitioned" && (c.Status != "fail" || c.Fix == "") {
			t.Errorf("cookie-partitioned in JSON: %+v", c)
		}
	}
	if !strings.Contains(dump(rep), "✗ Partitioned: __Host-session is not Partitioned") {
		t.Errorf("text report:\n%s", dump(rep))
	}
}

func unpartitionedCookie() http.Cookie {
	c := crossSiteCookie
	c.Partitioned = false
	return c
}

// TestWebOriginNotTrusted: an API that does not list the web app refuses
// both its CORS preflight and, as a forgery, its sign-in; the cookie checks
// then say why they did not run.
func TestWebOriginNotTrusted(t *testing.T) {
	api := &fakeAPI{Cookie: crossSiteCookie, HSTS: true, Origins: []string{"https://shop.example"}}
	d := deploy(t, api, project.CrossSite)
	rep := run(t, d.options(t))
	if got := statuses(rep, Fail); !slices.Equal(got, []string{"cors", "sign-in"}) {
		t.Fatalf("failed %v, want [cors sign-in]\n%s", got, dump(rep))
	}
	if r := result(rep, "sign-in"); !strings.Contains(r.Detail, "403 csrf") || !strings.Contains(r.Fix, "list "+d.web+" in APP_ORIGINS") {
		t.Errorf("sign-in: %+v", r)
	}
	if r := result(rep, "cors"); !strings.Contains(r.Fix, "list "+d.web+" in APP_ORIGINS, exactly") {
		t.Errorf("cors: %+v", r)
	}
	if r := result(rep, "cookie-secure"); r.Status != Skip || r.Detail != "the sign-in failed" {
		t.Errorf("cookie-secure: %+v", r)
	}
	checkRequests(t, api, rep)
}
