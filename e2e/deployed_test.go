//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// The host names of the production runs, under a real public suffix: a
// browser tells sites apart by the registrable domain, which WebKit's cookie
// library knows only for real suffixes (to it, app.example.test and
// api.example.test would be two sites). Chromium resolves them to Caddy
// (--host-resolver-rules), Firefox and WebKit reach Caddy through a proxy of
// the test's (hostProxy), and Caddy's internal CA issues their certificates:
// real names over real TLS on the default port.
const (
	appHost          = "app.example.com"
	sameSiteAPIHost  = "api.example.com" // another host of app's site
	crossSiteAPIHost = "api.example.net" // another site
	sharedDomain     = "example.com"     // COOKIE_DOMAIN of same-site
)

// deployment is one topology as deploy/ deploys it, with one auth mode (the
// browser runs show the wiring of the topology; TestBrowser covers every
// mode), run once per variant of its settings.
type deployment struct {
	auth     project.Auth
	topology project.Topology
	apiHost  string // empty in same-origin: the API is not public
	runs     []deployRun
}

// deployRun is one set of run-time settings of a deployment, and what the
// browser must hold afterwards.
type deployRun struct {
	name string
	// cookieDomain is COOKIE_DOMAIN, given to the API and the web server
	// alike, as deploy/compose.yaml does.
	cookieDomain string
	// browsers are the Playwright projects that run the flow.
	browsers []string
	// dropping are the Playwright projects that keep none of the API's
	// cookies here: instead of the flow, they check that the web app says
	// why the sign-in did not stick (playwright/blocked.spec.ts).
	dropping []string

	sameSite    string // the cookies' SameSite
	partitioned bool   // whether the cookies are partitioned (CHIPS)
	// serverRendered: the web server sees the cookies, so /dashboard comes
	// from the server with the user in it.
	serverRendered bool
}

// deployments are the runs of SPEC §6: same-origin; same-site with and
// without COOKIE_DOMAIN; cross-site, also with third-party cookies phased
// out. Three auth modes between them, so every cookie name is checked.
var deployments = []deployment{
	{auth: project.AuthSession, topology: project.SameOrigin, runs: []deployRun{
		{name: "host-only", browsers: everyEngine, sameSite: "Lax", serverRendered: true},
	}},
	{auth: project.AuthJWT, topology: project.SameSite, apiHost: sameSiteAPIHost, runs: []deployRun{
		// The API's cookies stay on api.example.com: the web server never
		// sees them, and the dashboard must load in the browser.
		{name: "host-only", browsers: everyEngine, sameSite: "Lax"},
		{name: "cookie-domain", cookieDomain: sharedDomain, browsers: everyEngine, sameSite: "Lax", serverRendered: true},
	}},
	{auth: project.AuthHybrid, topology: project.CrossSite, apiHost: crossSiteAPIHost, runs: []deployRun{
		{
			name:     "partitioned",
			browsers: []string{chromium, chromiumCookiesOff, firefox, firefoxPartitionedOnly},
			dropping: []string{firefoxCookiesOff},
			sameSite: "None", partitioned: true,
		},
	}},
}

// everyEngine are the Playwright projects every topology that keeps its
// cookies first-party must pass: Chromium and Firefox, as they ship and with
// third-party cookies blocked.
var everyEngine = []string{chromium, chromiumCookiesOff, firefox, firefoxCookiesOff, firefoxPartitionedOnly}

// TestDeployed runs each topology the way deploy/ deploys it, in production
// mode: the API binary built as api/Dockerfile builds it, the standalone
// web server started as web/Dockerfile starts it, and Caddy with the
// generated deploy/Caddyfile in front of both, serving HTTPS on the real
// host names. Chromium drives the project's main flow through it and checks
// every attribute of the cookies it ends up holding.
func TestDeployed(t *testing.T) {
	browser := chromiumPath(t)
	firefox := firefoxPath(t)
	caddy := requireTool(t, "caddy", "apt-get install -y caddy")
	certutil := requireTool(t, "certutil", "apt-get install -y libnss3-tools")
	root := artifactsRoot(t)
	suiteStart := time.Now()
	t.Cleanup(func() {
		t.Logf("production runs: %s; artifacts under %s", time.Since(suiteStart).Round(time.Second), root)
	})

	t.Parallel() // beside TestBrowser, through the same lanes
	for _, d := range deployments {
		key := fmt.Sprintf("deployed-%s-%s", d.auth, d.topology)
		t.Run(string(d.topology), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			defer func() {
				t.Logf("%s: %s in %s", key, verdict(t), time.Since(start).Round(time.Second))
			}()
			runDeployment(t, d, browser, firefox, caddy, certutil, filepath.Join(root, key))
		})
	}
}

func runDeployment(t *testing.T, d deployment, browser, firefoxBin, caddy, certutil, artifacts string) {
	a := project.Answers{Name: "myapp", Module: "example.com/myapp", Auth: d.auth, Topology: d.topology, DB: project.SQLite}
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

	leaveBuild := buildLane.enter(t)
	dir := projecttest.Generate(t, a)
	mutate(t, dir)
	apiBin := buildProductionAPI(t, filepath.Join(dir, "api"))

	origin := "https://" + appHost
	apiBase, publicAPIURL := origin, ""
	if d.apiHost != "" {
		publicAPIURL = "https://" + d.apiHost
		apiBase = publicAPIURL
	}
	st := &stack{p: p, key: string(d.topology), artifacts: artifacts, browser: browser, webOrigin: origin, apiBase: apiBase}
	st.web = filepath.Join(dir, "web")
	projecttest.InstallNodeModules(t, st.web)
	// npm run build, as web/Dockerfile runs it: next build with the
	// public URL of the API, then the standalone server's assets.
	projecttest.Run(t, st.web, []string{"NEXT_TELEMETRY_DISABLED=1", "NEXT_PUBLIC_API_URL=" + publicAPIURL},
		8*time.Minute, "npm", "run", "build")
	st.ownSpecs = specFiles(t, st.web)
	installScaffoldSpecs(t, st.web)
	if p.BearerTokens {
		st.jwtKey = newJWTKey(t)
	}

	st.webPort, st.apiPort = freePort(t), freePort(t)
	// The browser reaches the issuer on the loopback, directly: a
	// provider is another site anyway.
	st.issuer = startIDP(t, filepath.Join(dir, "api"), origin, filepath.Join(artifacts, "devidp.log"))
	leaveBuild()

	browserLane.enter(t)
	hosts := []string{appHost}
	if d.apiHost != "" {
		hosts = append(hosts, d.apiHost)
	}
	edge := startCaddy(t, caddy, filepath.Join(dir, "deploy", "Caddyfile"), filepath.Join(artifacts, "caddy.log"), []string{
		"APP_HOST=" + appHost,
		"API_HOST=" + d.apiHost,
		fmt.Sprintf("WEB_UPSTREAM=127.0.0.1:%d", st.webPort),
		fmt.Sprintf("API_UPSTREAM=127.0.0.1:%d", st.apiPort),
	})
	home := trustingHome(t, certutil, edge.rootCA)
	resolverRules := make([]string, len(hosts))
	for i, h := range hosts {
		resolverRules[i] = fmt.Sprintf("MAP %s:443 127.0.0.1:%d", h, edge.httpsPort)
	}
	chromiumArgs, err := json.Marshal([]string{"--host-resolver-rules=" + strings.Join(resolverRules, ", ")})
	if err != nil {
		t.Fatal(err)
	}
	proxy := startHostProxy(t, hosts, edge.httpsPort)
	webkit := startWebKit(t, filepath.Join(artifacts, "webkit-driver.log"), hosts, edge.httpsPort, edge.rootCA)
	firefoxEnv := firefoxEnv(t, trustingFirefox(t, certutil, firefoxBin, edge.rootCA), proxy)

	for _, r := range d.runs {
		t.Run(r.name, func(t *testing.T) {
			var shared []string
			if r.cookieDomain != "" {
				shared = append(shared, "COOKIE_DOMAIN="+r.cookieDomain)
			}
			api := st.startProductionAPI(t, apiBin, shared)
			st.webServer = startStandalone(t, st.web, filepath.Join(st.runDir(t, ""), "web.log"), st.webPort,
				append([]string{fmt.Sprintf("API_URL=http://127.0.0.1:%d", st.apiPort)}, shared...))
			st.webServer.waitReady(t, fmt.Sprintf("http://127.0.0.1:%d/", st.webPort), serverReadyDeadline)
			// Through Caddy, over TLS, as the browser will come.
			edge.waitReady(t, origin+"/")
			if d.apiHost != "" {
				edge.waitReady(t, publicAPIURL+"/healthz")
			}

			want, err := json.Marshal(expectedCookies(p, d, r))
			if err != nil {
				t.Fatal(err)
			}
			specs := []string{
				"e2e/auth.spec.ts", "e2e/social.spec.ts", "e2e/passkeys.spec.ts", "e2e/security-headers.spec.ts",
				scaffoldSpec("cookies"),
			}
			filters := map[string]filter{}
			for _, b := range r.browsers {
				filters[b] = deployedFilter(b, d.topology)
			}
			for _, b := range r.dropping {
				filters[b] = filter{Grep: blockedTest}
			}
			if len(r.dropping) > 0 {
				specs = append(specs, scaffoldSpec("blocked"))
			}
			// Playwright's browsers and WebKit side by side: each signs up
			// users of its own.
			t.Run("playwright", func(t *testing.T) {
				t.Parallel()
				st.playwright(t, api, "flow", run{
					specs:    specs,
					projects: append(slices.Clone(r.browsers), r.dropping...),
					filters:  filters,
					env: append([]string{
						// Chromium reads the NSS database that trusts Caddy's CA
						// from $HOME/.pki/nssdb.
						"HOME=" + home,
						"SCAFFOLD_CHROMIUM_ARGS=" + string(chromiumArgs),
						"SCAFFOLD_EXPECT_COOKIES=" + string(want),
						fmt.Sprintf("SCAFFOLD_EXPECT_SERVER_RENDERED=%t", r.serverRendered),
					}, firefoxEnv...),
				})
			})
			t.Run("webkit", func(t *testing.T) {
				t.Parallel()
				s := webkit.newSession(t, st.runDir(t, ""))
				if d.topology == project.CrossSite {
					// WebKit blocks third-party cookies and ignores
					// Partitioned, as Safari before 26.2 does.
					webKitDropped(s, origin)
					return
				}
				webKitFlow(s, origin, idpName)
			})
		})
	}
}

// deployedFilter is what one browser runs as deployed. In same-origin and
// same-site, chromium runs everything; cross-site,
// chromium-third-party-cookies-blocked does, and chromium, which keeps the
// same cookies in Playwright's contexts (Partitioned ones only), the main
// flow. Firefox runs everything but passkeys, which need Chromium's virtual
// authenticator. Where the API's cookies are first-party anyway, a browser
// blocking third-party cookies runs the main flow only; cross-site, Firefox
// keeping only partitioned cookies runs the two sign-ins (the headers do not
// depend on the cookie policy, and Playwright reports no partition key for
// Firefox's cookies).
func deployedFilter(browser string, topology project.Topology) filter {
	var tests []string
	switch {
	case browser == chromium && topology == project.CrossSite:
		tests = []string{mainFlowTest}
	case browser == chromium, browser == chromiumCookiesOff && topology == project.CrossSite:
		tests = []string{mainFlowTest, cookiesTest, socialTest, securityHeadersTest, passkeyTest}
	case browser == firefox:
		tests = []string{mainFlowTest, cookiesTest, socialTest, securityHeadersTest}
	case topology != project.CrossSite:
		tests = []string{mainFlowTest}
	default: // Firefox keeping only partitioned cookies, cross-site
		tests = []string{mainFlowTest, socialTest}
	}
	return filter{Grep: strings.Join(tests, "|")}
}

// passkeyTest is the title of the project's e2e/passkeys.spec.ts test: on
// the deployed host names, passkeys are made for the relying party the
// production API derives from APP_URL.
const passkeyTest = "add a passkey, sign in with it, remove it"

// securityHeadersTest is the title of the project's
// e2e/security-headers.spec.ts test: over https, the policy upgrades
// insecure requests and lets the pages connect to the API's https origin.
const securityHeadersTest = "security headers of every page"

// cookiesTest is the title of playwright/cookies.spec.ts's test.
const cookiesTest = "the browser holds the API's cookies as deployed"

// wantCookie is a cookie as Playwright's context.cookies() reports it, with
// the attributes cookies.spec.ts compares.
type wantCookie struct {
	Name     string `json:"name"`
	Domain   string `json:"domain"`
	Path     string `json:"path"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"httpOnly"`
	SameSite string `json:"sameSite"`
	// PartitionKey is the top-level site a CHIPS cookie is kept for; empty
	// for an unpartitioned cookie.
	PartitionKey string `json:"partitionKey"`
}

// expectedCookies are the auth cookies the browser must hold after signing
// up: named with the prefix browsers enforce (__Host-: Secure, host-only,
// Path=/; __Secure-: Secure, with a Domain), on the API's host (or the web
// app's, where it proxies the API) unless COOKIE_DOMAIN widens them.
func expectedCookies(p *project.Project, d deployment, r deployRun) []wantCookie {
	var names []string
	if p.BrowserSessions {
		names = append(names, p.Cookie.Session)
	} else {
		names = append(names, p.Cookie.Access, p.Cookie.Refresh)
	}
	prefix, domain := "__Host-", appHost
	if d.apiHost != "" {
		domain = d.apiHost
	}
	if r.cookieDomain != "" {
		prefix, domain = "__Secure-", "."+r.cookieDomain
	}
	partitionKey := ""
	if r.partitioned {
		partitionKey = "https://" + sharedDomain // the site of app.example.test
	}
	var want []wantCookie
	for _, n := range names {
		want = append(want, wantCookie{
			Name: prefix + n, Domain: domain, Path: "/", Secure: true, HTTPOnly: true,
			SameSite: r.sameSite, PartitionKey: partitionKey,
		})
	}
	slices.SortFunc(want, func(a, b wantCookie) int { return strings.Compare(a.Name, b.Name) })
	return want
}

// startProductionAPI starts the API as deploy/compose.yaml does, on the
// loopback address Caddy proxies to: production mode, the web app's https
// origin, the topology's default cookie settings plus shared, and
// TRUSTED_PROXIES covering the proxies in front of it (Caddy, and in
// same-origin the web server), all on 127.0.0.1 here.
func (st *stack) startProductionAPI(t *testing.T, bin string, shared []string) *server {
	t.Helper()
	env := []string{
		"APP_ENV=production",
		fmt.Sprintf("ADDR=127.0.0.1:%d", st.apiPort),
		"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "app.db"),
		"APP_ORIGINS=" + st.webOrigin,
		"TRUSTED_PROXIES=127.0.0.1/32",
		// Mails are not the point here: printed to the log, as
		// deploy/.env.example allows with MAIL_TRANSPORT=log.
		"MAIL_TRANSPORT=log",
		// The runs register fresh accounts and open the sign-in page (which
		// begins a passkey sign-in) in many browsers, all from 127.0.0.1.
		"RATE_LIMIT_REGISTER=1000/1h",
		"RATE_LIMIT_OAUTH=1000/1m",
		"RATE_LIMIT_PASSKEY=1000/1m",
	}
	if st.p.BearerTokens {
		env = append(env, "JWT_PRIVATE_KEY="+st.jwtKey)
	}
	env = append(env, oidcEnv(st.issuer)...)
	env = append(env, shared...)
	api := startServer(t, "API", filepath.Dir(bin), filepath.Join(st.runDir(t, ""), "api.log"), env, bin)
	api.waitReady(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", st.apiPort), serverReadyDeadline)
	return api
}

// buildProductionAPI builds the API as api/Dockerfile does: a static binary
// without cgo.
func buildProductionAPI(t *testing.T, api string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "api")
	projecttest.Run(t, api, []string{"CGO_ENABLED=0"}, 5*time.Minute, "go", "build", "-trimpath", "-o", bin, "./cmd/api")
	return bin
}

// startStandalone starts the web app's production server the way
// web/Dockerfile starts it: `node server.js` in the standalone output
// (preloading forwarded-for.mjs where the app proxies /api), with
// NODE_ENV=production and the image's HOSTNAME (every IPv4 interface), on a
// free PORT instead of 3000.
func startStandalone(t testing.TB, web, logPath string, port int, env []string) *server {
	t.Helper()
	dir := filepath.Join(web, ".next", "standalone")
	args := []string{"server.js"}
	// Where the web app proxies /api, the image preloads forwarded-for.mjs
	// (web/Dockerfile), which postbuild copied here.
	if _, err := os.Stat(filepath.Join(dir, "forwarded-for.mjs")); err == nil {
		args = []string{"--import", "./forwarded-for.mjs", "server.js"}
	}
	return startServer(t, "web", dir, logPath,
		append([]string{"NODE_ENV=production", "NEXT_TELEMETRY_DISABLED=1", "HOSTNAME=0.0.0.0", fmt.Sprintf("PORT=%d", port)}, env...),
		"node", args...)
}

// edge is a running Caddy.
type edge struct {
	*server
	httpsPort int
	rootCA    string // PEM file of the internal CA's root certificate
	client    *http.Client
}

// startCaddy runs Caddy with the generated Caddyfile and env, as
// deploy/compose.yaml does, plus what a test machine needs instead of a
// public server: certificates from Caddy's internal CA rather than Let's
// Encrypt (whose root Caddy must not install in the system's trust store),
// free loopback ports instead of 80 and 443, no admin endpoint, and data
// directories of its own. Those go in a wrapper that imports the Caddyfile,
// which is used unchanged.
func startCaddy(t *testing.T, caddy, caddyfile, logPath string, env []string) *edge {
	t.Helper()
	home := t.TempDir()
	httpsPort, httpPort := freePort(t), freePort(t)
	wrapper := filepath.Join(home, "Caddyfile")
	config := fmt.Sprintf(`{
	admin off
	default_bind 127.0.0.1
	http_port %d
	https_port %d
	auto_https disable_redirects
	local_certs
	skip_install_trust
}

import %s
`, httpPort, httpsPort, caddyfile)
	if err := os.WriteFile(wrapper, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env, "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	s := startServer(t, "Caddy", home, logPath, env, caddy, "run", "--adapter", "caddyfile", "--config", wrapper)
	e := &edge{server: s, httpsPort: httpsPort, rootCA: filepath.Join(home, "data", "caddy", "pki", "authorities", "local", "root.crt")}

	// Caddy creates its CA as it starts.
	deadline := time.Now().Add(serverReadyDeadline)
	for {
		if _, err := os.Stat(e.rootCA); err == nil {
			break
		}
		if done, err := s.exited(); done {
			t.Fatalf("Caddy exited (%v)\n%s", err, s.report())
		}
		if time.Now().After(deadline) {
			t.Fatalf("Caddy created no root certificate at %s in %s\n%s", e.rootCA, serverReadyDeadline, s.report())
		}
		time.Sleep(100 * time.Millisecond)
	}
	pem, err := os.ReadFile(e.rootCA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", e.rootCA)
	}
	// Every host name leads to Caddy, as in the browser; certificates are
	// checked against Caddy's root only.
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	e.client = &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%d", httpsPort))
			},
		},
	}
	return e
}

// waitReady polls url through Caddy until it answers 200.
func (e *edge) waitReady(t *testing.T, url string) {
	t.Helper()
	start := time.Now()
	var last string
	for time.Since(start) < serverReadyDeadline {
		if done, err := e.exited(); done {
			t.Fatalf("Caddy exited (%v)\n%s", err, e.report())
		}
		resp, err := e.client.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("%s answers through Caddy after %s", url, time.Since(start).Round(10*time.Millisecond))
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s does not answer through Caddy (last: %s)\n%s", url, last, e.report())
}

// trustingHome returns a HOME whose NSS database (~/.pki/nssdb, where
// Chromium on Linux looks) trusts the root certificate in caPEM for TLS
// servers, and nothing else beyond the system's roots.
func trustingHome(t *testing.T, certutil, caPEM string) string {
	t.Helper()
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	projecttest.Run(t, home, nil, time.Minute, certutil, "-d", "sql:"+db, "-N", "--empty-password")
	projecttest.Run(t, home, nil, time.Minute, certutil, "-d", "sql:"+db, "-A", "-t", "C,,", "-n", "scaffold e2e Caddy root", "-i", caPEM)
	return home
}

// requireTool finds a program the suite needs, or fails saying how to
// install it.
func requireTool(t *testing.T, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (%s)", name, install)
	}
	return p
}
