//go:build e2e

package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// accessTokenTTL is the ACCESS_TOKEN_TTL of the jwt APIs: short, so that the
// browser tests outlive many access tokens and the app must refresh them
// behind the scenes.
const accessTokenTTL = 4 * time.Second

// postgresRuns are the combinations that also run against PostgreSQL
// (TEST_DATABASE_URL), reusing the web build of their SQLite run: the web app
// does not depend on the database.
var postgresRuns = map[string]bool{
	"jwt-cross-site": true,
}

// The two Playwright projects of the generated playwright.config.ts.
const (
	chromium            = "chromium"
	chromiumCookiesOff  = "chromium-third-party-cookies-blocked"
	scaffoldSpecs       = "e2e/scaffold" // where this package's playwright/*.spec.ts go in web/
	scaffoldConfig      = "scaffold-e2e.config.ts"
	playwrightRunLimit  = 10 * time.Minute
	serverReadyDeadline = 60 * time.Second
)

// TestBrowser generates every auth mode × topology, builds and starts the
// API and the web app in production mode, and drives Chromium through them:
// the project's own Playwright tests with and without third-party cookies,
// forged cross-site requests, and (jwt) the expiry of access tokens.
func TestBrowser(t *testing.T) {
	browser := chromiumPath(t)
	root := artifactsRoot(t)
	suiteStart := time.Now()
	t.Cleanup(func() {
		t.Logf("suite wall time: %s; artifacts under %s", time.Since(suiteStart).Round(time.Second), root)
	})

	t.Parallel() // beside TestDeployed, through the same lanes
	for _, auth := range []project.Auth{project.AuthSession, project.AuthJWT, project.AuthHybrid} {
		for _, a := range projecttest.Combinations(auth) {
			if a.DB != project.SQLite {
				continue
			}
			key := fmt.Sprintf("%s-%s", a.Auth, a.Topology)
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				defer func() {
					t.Logf("%s: %s in %s", key, verdict(t), time.Since(start).Round(time.Second))
				}()
				runCombination(t, a, key, browser, filepath.Join(root, key))
			})
		}
	}
}

func verdict(t *testing.T) string {
	switch {
	case t.Skipped():
		return "SKIP"
	case t.Failed():
		return "FAIL"
	}
	return "PASS"
}

// stack is one generated combination, built and with its web server up.
type stack struct {
	p         *project.Project
	key       string
	artifacts string
	browser   string

	web       string // the generated web/ directory, built
	webPort   int
	apiPort   int
	webOrigin string // what the browser opens: http://localhost:WEBPORT
	apiBase   string // where the browser's API calls go (the web origin in same-origin)

	webServer *server
	jwtKey    string // PEM, for jwt and hybrid
	// smtpURL is the project's test mail server (web/e2e/mail-server.mjs),
	// which writes the mails the API sends to mailDir for the tests.
	smtpURL, mailDir string
	// issuer is the project's development OpenID Connect issuer, which the
	// API offers as a provider (see startIDP).
	issuer   string
	ownSpecs []string // the project's own Playwright tests, relative to web/
}

// scaffoldSpec is the path in web/ of one of this package's specs.
func scaffoldSpec(name string) string { return scaffoldSpecs + "/" + name + ".spec.ts" }

func runCombination(t *testing.T, a project.Answers, key, browser, artifacts string) {
	p, err := project.Resolve(a, projecttest.Version)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(artifacts); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("artifacts (logs, screenshots, traces): %s", artifacts)

	st := &stack{p: p, key: key, artifacts: artifacts, browser: browser}
	st.webPort, st.apiPort = freePort(t), freePort(t)
	st.webOrigin = fmt.Sprintf("http://localhost:%d", st.webPort)
	publicAPIURL := ""
	switch {
	case p.SameOrigin:
		st.apiBase = st.webOrigin
	case p.SameSite:
		// Another port of the same host: the same site to the browser.
		publicAPIURL = fmt.Sprintf("http://localhost:%d", st.apiPort)
		st.apiBase = publicAPIURL
	case p.CrossSite:
		// Another host: another site to the browser, so the API's cookies
		// are third-party cookies.
		publicAPIURL = fmt.Sprintf("http://127.0.0.1:%d", st.apiPort)
		st.apiBase = publicAPIURL
	}
	if p.BearerTokens {
		st.jwtKey = newJWTKey(t)
	}

	leaveBuild := buildLane.enter(t)
	dir := projecttest.Generate(t, a)
	mutate(t, dir)
	apiBin := buildAPI(t, filepath.Join(dir, "api"))
	st.web = filepath.Join(dir, "web")
	projecttest.InstallNodeModules(t, st.web)
	// npm run build: next build, then the standalone server's assets.
	projecttest.Run(t, st.web, []string{"NEXT_TELEMETRY_DISABLED=1", "NEXT_PUBLIC_API_URL=" + publicAPIURL},
		8*time.Minute, "npm", "run", "build")
	st.ownSpecs = specFiles(t, st.web)
	// After the build: next build type-checks every .ts file of the project.
	installScaffoldSpecs(t, st.web)
	st.issuer = startIDP(t, filepath.Join(dir, "api"), st.webOrigin, filepath.Join(artifacts, "devidp.log"))
	leaveBuild()

	browserLane.enter(t)
	st.webServer = startStandalone(t, st.web, filepath.Join(artifacts, "web.log"), st.webPort,
		[]string{fmt.Sprintf("API_URL=http://127.0.0.1:%d", st.apiPort)})
	st.webServer.waitReady(t, fmt.Sprintf("http://127.0.0.1:%d/", st.webPort), serverReadyDeadline)
	st.smtpURL, st.mailDir = startMailServer(t, st.web, artifacts)

	t.Run("sqlite", func(t *testing.T) {
		db := "sqlite:" + filepath.Join(t.TempDir(), "app.db")
		st.browserTests(t, apiBin, db, p.CrossSite)
	})

	if postgresRuns[key] {
		t.Run("postgres", func(t *testing.T) {
			pa := a
			pa.DB = project.Postgres
			pdir := projecttest.Generate(t, pa)
			mutate(t, pdir)
			if !sameTree(t, filepath.Join(pdir, "web"), st.web, "node_modules", ".next", scaffoldSpecs, scaffoldConfig, "next-env.d.ts", "tsconfig.tsbuildinfo") {
				t.Fatalf("the web app of %s differs from the SQLite one: build it separately", pa.Key())
			}
			db := postgresDatabase(t, filepath.Join(pdir, "api")).URL
			st.databaseTests(t, buildAPI(t, filepath.Join(pdir, "api")), db)
		})
	}
}

// browserTests runs every browser test of the combination against an API
// on database db. control adds the run that proves the suite can tell
// partitioned cookies from unpartitioned ones (cross-site only).
func (st *stack) browserTests(t *testing.T, apiBin, db string, control bool) {
	t.Run("flow", func(t *testing.T) {
		api := st.startAPI(t, apiBin, db)
		// One Playwright run, so that each browser starts once: the
		// project's own tests, forged requests from a third site and, in
		// jwt, access tokens expiring for real.
		specs := slices.Concat(st.ownSpecs, []string{scaffoldSpec("forgery")})
		if st.p.BrowserJWT {
			specs = append(specs, scaffoldSpec("expiry"))
		}
		filters := map[string]filter{}
		if st.p.CrossSite {
			// Third-party cookies are the point here: everything runs with
			// them blocked. Without the flag, this Chromium keeps the same
			// cookies in Playwright's contexts (Partitioned ones only; see
			// the control below), so there one sign-in is enough.
			filters[chromium] = filter{Grep: mainFlowTest}
		} else {
			// The API's cookies are first-party: blocking third-party
			// cookies changes nothing, which one sign-in shows.
			filters[chromiumCookiesOff] = filter{Grep: mainFlowTest}
		}
		st.playwright(t, api, "flow", run{specs: specs, projects: []string{chromium, chromiumCookiesOff}, filters: filters,
			env: attackers(t)})
		st.checkClientAddress(t)
	})

	if !control {
		return
	}
	// The control: the same API without Partitioned must fail where the
	// flow above passed, or that flow proves nothing about CHIPS. (This
	// Chromium blocks unpartitioned third-party cookies in Playwright's
	// contexts even without --test-third-party-cookie-phaseout: the control
	// runs with the flag, as the issue asks, but would fail without it too.)
	t.Run("control-unpartitioned", func(t *testing.T) {
		api := st.startAPI(t, apiBin, db, "COOKIE_PARTITIONED=false")
		out := st.playwright(t, api, "3pc-blocked", run{specs: []string{"e2e/auth.spec.ts"},
			projects: []string{chromiumCookiesOff}, filters: map[string]filter{chromiumCookiesOff: {Grep: mainFlowTest}},
			wantFail: true})
		if !strings.Contains(out, "1 failed") {
			t.Errorf("the control failed, but not as one failed test: see its output above")
		}
		// Why it must fail: the browser took the cookie at sign-up, then
		// did not send it back.
		if !cookieDropped(t, api) {
			t.Errorf("the control did not fail the expected way (sign-up 201, then /api/auth/me 401)\n%s", api.report())
		}
		// And the web app says so, with what to do, as it must in a browser
		// that keeps no third-party cookie at all.
		st.playwright(t, api, "3pc-blocked-message", run{specs: []string{scaffoldSpec("blocked")}, projects: []string{chromiumCookiesOff}})
	})
}

// Titles of tests the filters pick.
const (
	mainFlowTest = "register, stay signed in"
)

// databaseTests runs, against an API on another database, the browser
// tests whose requests reach the database: the project's own tests (the
// account flows, mail, notes, sign-in with a provider, two-factor sign-in,
// passkeys and, in jwt, refreshes), in the browser the combination is
// hardest on. What does not depend on the database (security headers,
// forms, forged requests, the client address, the cookie policies, the
// access tokens' lifetime) has run on SQLite with the same web build.
func (st *stack) databaseTests(t *testing.T, apiBin, db string) {
	api := st.startAPI(t, apiBin, db)
	var specs []string
	for _, s := range st.ownSpecs {
		if !databaseFreeSpecs[filepath.Base(s)] {
			specs = append(specs, s)
		}
	}
	if len(specs) != len(st.ownSpecs)-len(databaseFreeSpecs) {
		t.Fatalf("the project's specs %v do not include all of %v: update databaseFreeSpecs", st.ownSpecs, databaseFreeSpecs)
	}
	browser := chromium
	if st.p.CrossSite {
		browser = chromiumCookiesOff
	}
	st.playwright(t, api, "flow", run{specs: specs, projects: []string{browser}})
}

// databaseFreeSpecs are the project's spec files whose tests check what the
// pages and headers are, not what the API keeps.
var databaseFreeSpecs = map[string]bool{"security-headers.spec.ts": true, "forms.spec.ts": true}

// cookieDropped reports whether the API's log shows a sign-up that succeeded
// followed by /api/auth/me answering 401: the browser did not send the
// cookie it was given.
func cookieDropped(t *testing.T, api *server) bool {
	b, err := os.ReadFile(api.logPath)
	if err != nil {
		t.Fatal(err)
	}
	registered := false
	for line := range strings.Lines(string(b)) {
		var entry struct {
			Msg, Path string
			Status    int
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Msg != "request" {
			continue
		}
		switch {
		case entry.Path == "/api/auth/register" && entry.Status == http.StatusCreated:
			registered = true
		case registered && entry.Path == "/api/auth/me" && entry.Status == http.StatusUnauthorized:
			return true
		}
	}
	return false
}

// startAPI starts the API binary in production mode with the combination's
// settings plus extra, and waits until /healthz answers.
func (st *stack) startAPI(t *testing.T, bin, db string, extra ...string) *server {
	t.Helper()
	env := []string{
		"APP_ENV=production",
		fmt.Sprintf("ADDR=127.0.0.1:%d", st.apiPort),
		"DATABASE_URL=" + db,
		"APP_ORIGINS=" + st.webOrigin,
		// Every test registers fresh accounts, all from 127.0.0.1; the
		// sign-in limits stay as shipped (clientAddressCheck relies on them).
		"RATE_LIMIT_REGISTER=1000/1h",
	}
	if st.p.WebProxiesAPI {
		// The web server connects from here and forwards the browser's
		// address, as make dev and the README set it up.
		env = append(env, "TRUSTED_PROXIES="+st.p.Dev.TrustedProxies)
	}
	env = append(env, "SMTP_URL="+st.smtpURL, "MAIL_FROM=myapp <no-reply@example.com>")
	env = append(env, oidcEnv(st.issuer)...)
	if st.p.BearerTokens {
		env = append(env, "JWT_PRIVATE_KEY="+st.jwtKey)
	}
	if st.p.BrowserJWT {
		env = append(env, "ACCESS_TOKEN_TTL="+accessTokenTTL.String())
	}
	env = append(env, extra...)
	logDir := st.runDir(t, "")
	api := startServer(t, "API", filepath.Dir(bin), filepath.Join(logDir, "api.log"), env, bin)
	api.waitReady(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", st.apiPort), serverReadyDeadline)
	return api
}

// runDir is the artifacts directory of one run of the combination.
func (st *stack) runDir(t testing.TB, name string) string {
	// The subtest path below the combination: sqlite/flow, postgres/flow...
	parts := strings.Split(t.Name(), "/")
	dir := filepath.Join(append([]string{st.artifacts}, parts[2:]...)...)
	if name != "" {
		dir = filepath.Join(dir, name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run is one invocation of Playwright.
type run struct {
	specs    []string // spec files, relative to web/
	projects []string
	filters  map[string]filter // by project
	env      []string
	wantFail bool
}

// filter narrows the tests one Playwright project runs (regular expressions
// on test titles); see playwright/scaffold-e2e.config.ts.
type filter struct {
	Grep       string `json:"grep,omitempty"`
	GrepInvert string `json:"grepInvert,omitempty"`
}

// playwright runs Playwright in the web directory against the running
// servers and fails the test (printing the end of every log and where the
// screenshots are) unless the outcome is the one wanted. It returns
// Playwright's output.
func (st *stack) playwright(t *testing.T, api *server, name string, r run) string {
	t.Helper()
	dir := st.runDir(t, name)
	args := []string{"test", "--config", scaffoldConfig, "--output", filepath.Join(dir, "test-results")}
	args = append(args, r.specs...)
	for _, p := range r.projects {
		args = append(args, "--project", p)
	}
	if r.filters == nil {
		r.filters = map[string]filter{} // {}, not null: every project runs all
	}
	filters, err := json.Marshal(r.filters)
	if err != nil {
		t.Fatal(err)
	}
	env := append([]string{
		"CI=1",
		"SCAFFOLD_PROJECT_FILTERS=" + string(filters),
		"BASE_URL=" + st.webOrigin,
		"CHROMIUM_PATH=" + st.browser,
		"SCAFFOLD_API_BASE=" + st.apiBase,
		"SCAFFOLD_AUTH=" + string(st.p.Auth),
		"SCAFFOLD_ACCESS_TOKEN_TTL_MS=" + fmt.Sprint(accessTokenTTL.Milliseconds()),
		"MAIL_DIR=" + st.mailDir,
	}, r.env...)
	ctx, cancel := context.WithTimeout(context.Background(), playwrightRunLimit)
	defer cancel()
	start := time.Now()
	out, err := runCommand(ctx, st.web, env, filepath.Join(dir, "playwright.log"), "node_modules/.bin/playwright", args...)
	elapsed := time.Since(start).Round(100 * time.Millisecond)

	switch {
	case err != nil && !r.wantFail:
		t.Errorf("%s: playwright failed (%v) after %s\n%s\n%s\n%s\nscreenshots and traces: %s",
			name, err, elapsed, lastLines(out, 80), api.report(), st.webServer.report(), dir)
	case err == nil && r.wantFail:
		t.Errorf("%s: playwright passed after %s, but this run must fail\n%s\n%s\n%s\nartifacts: %s",
			name, elapsed, lastLines(out, 40), api.report(), st.webServer.report(), dir)
	case r.wantFail:
		t.Logf("%s: failed as it must (%s):\n%s", name, elapsed, lastLines(out, 25))
	default:
		t.Logf("%s: passed (%s) %s", name, elapsed, summary(out))
	}
	return out
}

// summary is Playwright's closing line, e.g. "4 passed (12.3s)".
func summary(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.Contains(l, "passed") || strings.Contains(l, "failed") {
			return l
		}
	}
	return ""
}

// mutate runs the shell command in SCAFFOLD_E2E_MUTATE, if set, in a freshly
// generated project before anything is built: a way to break one wire of a
// generated project by hand and see what the suite reports, e.g.
//
//	SCAFFOLD_E2E_MUTATE='sed -i s/credentials,$/credentials: "omit",/ web/lib/api.ts'
func mutate(t *testing.T, dir string) {
	t.Helper()
	script := os.Getenv("SCAFFOLD_E2E_MUTATE")
	if script == "" {
		return
	}
	t.Logf("SCAFFOLD_E2E_MUTATE: %s", script)
	projecttest.Run(t, dir, nil, time.Minute, "sh", "-c", script)
}

// buildAPI builds the API of a generated project.
func buildAPI(t *testing.T, api string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "api")
	projecttest.Run(t, api, nil, 5*time.Minute, "go", "build", "-o", bin, "./cmd/api")
	return bin
}

// newJWTKey returns a fresh Ed25519 private key as PKCS#8 PEM, what
// JWT_PRIVATE_KEY takes (`openssl genpkey -algorithm ed25519`).
func newJWTKey(t *testing.T) string {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// installScaffoldSpecs copies this package's Playwright files into web/.
func installScaffoldSpecs(t *testing.T, web string) {
	t.Helper()
	copyFile(t, filepath.Join(packageDir(t), "playwright", scaffoldConfig), filepath.Join(web, scaffoldConfig))
	specs, err := filepath.Glob(filepath.Join(packageDir(t), "playwright", "*.spec.ts"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no specs in playwright/ (%v)", err)
	}
	for _, s := range specs {
		copyFile(t, s, filepath.Join(web, scaffoldSpecs, filepath.Base(s)))
	}
}

// specFiles lists the project's own Playwright tests.
func specFiles(t *testing.T, web string) []string {
	t.Helper()
	specs, err := filepath.Glob(filepath.Join(web, "e2e", "*.spec.ts"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no Playwright tests in %s/e2e (%v)", web, err)
	}
	for i, s := range specs {
		specs[i], _ = filepath.Rel(web, s)
	}
	return specs
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// packageDir is this package's source directory (go test runs in it).
func packageDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the e2e package")
	}
	return filepath.Dir(file)
}

// artifactsRoot is e2e/artifacts, kept after the run (and git-ignored).
func artifactsRoot(t testing.TB) string {
	root := filepath.Join(packageDir(t), "artifacts")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// chromiumPath finds the system Chromium: CHROMIUM_PATH, or chromium on PATH.
func chromiumPath(t testing.TB) string {
	return browserPath(t, "Chromium", "CHROMIUM_PATH", "apt-get install -y chromium", "chromium", "chromium-browser")
}

// browserPath finds a browser: the file the environment variable names, or
// the first of names on PATH; else it fails the test saying how to get one.
func browserPath(t testing.TB, browser, variable, install string, names ...string) string {
	t.Helper()
	if p := os.Getenv(variable); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", variable, p, err)
		}
		return p
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("no %s: install it (%s) or set %s", browser, install, variable)
	return ""
}
