package doctor

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// check is one line of the report: a function of what the run saw.
type check struct {
	id, name string
	run      func(*diagnosis) Result
}

// checks in the order they print: the deployment, CORS, the sign-in and
// each attribute of its cookies, the cookies in use, HSTS.
var checks = []check{
	{"https", "HTTPS", checkHTTPS},
	{"topology", "Topology", checkTopology},
	{"cors", "CORS for the web app", checkCORS},
	{"cors-foreign", "CORS refuses other origins", checkForeignOrigins},
	{"sign-in", "Sign in", checkSignIn},
	{"cookie-httponly", "HttpOnly", checkHttpOnly},
	{"cookie-secure", "Secure", checkSecure},
	{"cookie-samesite", "SameSite", checkSameSite},
	{"cookie-partitioned", "Partitioned", checkPartitioned},
	{"browsers", "Browsers", checkBrowsers},
	{"cookie-prefix", "Cookie prefixes", checkPrefixes},
	{"cookie-scope", "Cookie scope", checkScope},
	{"cookie-accepted", "Cookie accepted", checkAccepted},
	{"csrf", "Cross-site forgery refused", checkForgery},
	{"hsts", "HSTS", checkHSTS},
}

// problem is one thing wrong, with its fix.
type problem struct{ detail, fix string }

// verdict turns problems into a result of status st, or OK with okDetail.
func verdict(st Status, okDetail string, problems []problem) Result {
	if len(problems) == 0 {
		return Result{Status: OK, Detail: okDetail}
	}
	var details, fixes []string
	for _, p := range problems {
		details = append(details, p.detail)
		if p.fix != "" && !slices.Contains(fixes, p.fix) {
			fixes = append(fixes, p.fix)
		}
	}
	return Result{Status: st, Detail: strings.Join(details, "; "), Fix: strings.Join(fixes, "; ")}
}

// fix picks the scaffold fix (an environment variable) for a scaffold API,
// the generic one (a header or attribute) otherwise.
func (d *diagnosis) fix(scaffold, generic string) string {
	if d.scaffold && scaffold != "" {
		return scaffold
	}
	return generic
}

func checkHTTPS(d *diagnosis) Result {
	var plain []string
	for _, u := range []*url.URL{d.opts.Web, d.opts.API} {
		if !SecureContext(u) && !slices.Contains(plain, Origin(u)) {
			plain = append(plain, Origin(u))
		}
	}
	if len(plain) == 0 {
		if d.opts.Web.Scheme == "https" && d.opts.API.Scheme == "https" {
			return Result{Status: OK, Detail: "https"}
		}
		return Result{Status: OK, Detail: "http on loopback, which browsers treat as secure (development only)"}
	}
	st := Warn
	why := "cookies and passwords travel in clear text"
	if d.actual == project.CrossSite {
		// SameSite=None and Partitioned need Secure, and Secure needs https.
		st, why = Fail, "cross-site cookies must be Secure, which browsers only keep over https"
	}
	return Result{
		Status: st,
		Detail: strings.Join(plain, " and ") + " on plain http: " + why,
		Fix: d.fix("serve it over https (a TLS proxy such as Caddy in front) and list the https:// origin in APP_ORIGINS",
			"serve it over https"),
	}
}

func checkTopology(d *diagnosis) Result {
	seen := describeTopology(d)
	declared := d.opts.Declared
	if declared == "" {
		return Result{Status: OK, Detail: fmt.Sprintf("%s: %s (none declared; --topology compares)", d.actual, seen)}
	}
	from := ""
	switch f := d.opts.DeclaredFrom; {
	case strings.HasPrefix(f, "--"):
		from = " by " + f
	case f != "":
		from = " in " + f
	}
	if declared == d.actual {
		return Result{Status: OK, Detail: fmt.Sprintf("%s, as declared%s", d.actual, from)}
	}
	r := Result{Status: Fail, Detail: fmt.Sprintf("declared %s%s, but %s", declared, from, seen)}
	switch {
	case declared == project.SameOrigin:
		r.Fix = fmt.Sprintf("in same-origin the browser calls the API through the web app's /api: pass --api %s (or leave --api out)", d.webOrigin)
	case d.scaffold:
		r.Fix = fmt.Sprintf("host the web app and the API as declared, or move the project to --topology %s (its cookie and CORS settings differ)", d.actual)
	default:
		r.Fix = fmt.Sprintf("host the web app and the API as declared, or pass --topology %s", d.actual)
	}
	return r
}

// describeTopology says why the two URLs form the topology they do.
func describeTopology(d *diagnosis) string {
	web, api := d.opts.Web, d.opts.API
	switch d.actual {
	case project.SameOrigin:
		return "the browser calls the API on the web app's origin " + d.webOrigin
	case project.SameSite:
		return fmt.Sprintf("%s and %s are two origins of the site %s", d.webOrigin, Origin(api), Site(web))
	}
	return fmt.Sprintf("%s and %s are different sites", Site(web), Site(api))
}

func checkCORS(d *diagnosis) Result {
	if !d.cors {
		return Result{Status: OK, Detail: "not needed: the browser calls the API on the web app's own origin"}
	}
	var ps []problem
	allowOrigin := d.fix(fmt.Sprintf("list %s in APP_ORIGINS, exactly (scheme, host and port)", d.webOrigin),
		fmt.Sprintf("answer with Access-Control-Allow-Origin: %s (exactly, never *)", d.webOrigin))
	if d.scaffold && d.opts.Declared == project.SameOrigin {
		// A same-origin scaffold API sends no CORS headers whatever
		// APP_ORIGINS says.
		allowOrigin = fmt.Sprintf("an API generated for same-origin sends no CORS headers: move the project to --topology %s", d.actual)
	}
	pf := d.preflight
	if pf.status < 200 || pf.status > 299 {
		ps = append(ps, problem{fmt.Sprintf("the preflight (OPTIONS %s) answered %d; browsers need 2xx", pf.path, pf.status),
			"answer CORS preflights (OPTIONS) from the web app with 204"})
	}
	ps = append(ps, corsHeaderProblems(d, pf, "the preflight", allowOrigin)...)
	if !d.opts.Form && !headerListHas(pf.header.Values("Access-Control-Allow-Headers"), "content-type") {
		ps = append(ps, problem{"Content-Type is not in the preflight's Access-Control-Allow-Headers, so a JSON sign-in cannot be sent",
			"list Content-Type in Access-Control-Allow-Headers"})
	}
	if l := d.login; l != nil && l.status < 500 {
		for _, p := range corsHeaderProblems(d, l, "the sign-in answer", allowOrigin) {
			if !containsProblem(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	if !headerListHas(pf.header.Values("Vary"), "origin") && (d.login == nil || !headerListHas(d.login.header.Values("Vary"), "origin")) {
		ps = append(ps, problem{"no Vary: Origin, so a cache can serve one origin's answer to another",
			"add Vary: Origin to every answer whose CORS headers depend on Origin"})
	}
	return verdict(Fail, d.webOrigin+" allowed with credentials", ps)
}

// containsProblem reports whether the sign-in answer's problem p was already
// found on the preflight: the two are checked alike, reported once.
func containsProblem(ps []problem, p problem) bool {
	for _, q := range ps {
		if strings.TrimPrefix(q.detail, "the preflight") == strings.TrimPrefix(p.detail, "the sign-in answer") {
			return true
		}
	}
	return false
}

// corsHeaderProblems checks an answer to the web app for the two headers a
// credentialed cross-origin fetch needs.
func corsHeaderProblems(d *diagnosis, ex *exchange, what, allowOriginFix string) []problem {
	var ps []problem
	acao := ex.header.Values("Access-Control-Allow-Origin")
	switch {
	case len(acao) == 0:
		ps = append(ps, problem{what + " has no Access-Control-Allow-Origin for " + d.webOrigin, allowOriginFix})
	case len(acao) > 1:
		ps = append(ps, problem{what + " has several Access-Control-Allow-Origin headers; browsers refuse that", allowOriginFix})
	case acao[0] == "*":
		ps = append(ps, problem{what + " has Access-Control-Allow-Origin: *, which browsers refuse with credentials", allowOriginFix})
	case acao[0] != d.webOrigin:
		ps = append(ps, problem{fmt.Sprintf("%s allows %s, not %s", what, acao[0], d.webOrigin), allowOriginFix})
	}
	if acac := ex.header.Get("Access-Control-Allow-Credentials"); acac != "true" {
		detail := what + " has no Access-Control-Allow-Credentials: true, so the browser drops its cookies"
		if acac != "" {
			detail = fmt.Sprintf("%s has Access-Control-Allow-Credentials: %s, not true", what, acac)
		}
		ps = append(ps, problem{detail, "add Access-Control-Allow-Credentials: true for the web app's origin"})
	}
	return ps
}

// headerListHas reports whether a comma-separated header holds name.
func headerListHas(values []string, name string) bool {
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(item), name) {
				return true
			}
		}
	}
	return false
}

func checkForeignOrigins(d *diagnosis) Result {
	var ps []problem
	var tried []string
	for _, f := range d.foreign {
		tried = append(tried, f.origin)
		acao := f.ex.header.Get("Access-Control-Allow-Origin")
		if !strings.EqualFold(acao, f.origin) {
			continue
		}
		detail := f.origin + " is allowed"
		if f.ex.header.Get("Access-Control-Allow-Credentials") == "true" {
			detail += " with credentials"
		}
		fix := "allow exact origins only: never echo the request's Origin, never allow null"
		if f.listed {
			fix = d.fix("remove "+f.origin+" from APP_ORIGINS", "remove "+f.origin+" from the allowed origins")
		}
		ps = append(ps, problem{detail, fix})
	}
	return verdict(Fail, "no CORS headers for "+strings.Join(tried, ", "), ps)
}

func checkSignIn(d *diagnosis) Result {
	if d.account == "" {
		return Result{Status: Warn, Detail: "not checked, nor the cookies",
			Fix: "pass --register to sign in with a throwaway account, or --user and a password"}
	}
	if r := d.register; r != nil && r.status >= 400 {
		return Result{Status: Fail, Detail: "creating the throwaway account: " + answerSummary(r),
			Fix: signInFix(d, r, "--register-path")}
	}
	l := d.login
	if l.status >= 400 {
		return Result{Status: Fail, Detail: answerSummary(l), Fix: signInFix(d, l, "--login-path")}
	}
	if len(d.cookies) == 0 {
		return Result{Status: Fail, Detail: fmt.Sprintf("POST %s answered %d but set no cookie", l.path, l.status),
			Fix: "the doctor checks cookie sign-in: --login-path must be the endpoint that sets the session cookie"}
	}
	how := "as " + d.account
	if d.opts.Register {
		how += " (a new throwaway account)"
	}
	return Result{Status: OK, Detail: fmt.Sprintf("%s; cookies: %s", how, cookieNames(d.cookies))}
}

// answerSummary describes a failed answer: its status and, for a scaffold
// error, its code and message.
func answerSummary(ex *exchange) string {
	s := fmt.Sprintf("%s %s answered %d", ex.method, ex.path, ex.status)
	if code, msg, ok := ex.errorCode(); ok {
		s += " " + code
		if msg != "" {
			s += " (" + msg + ")"
		}
	}
	return s
}

func signInFix(d *diagnosis, ex *exchange, pathFlag string) string {
	code, _, _ := ex.errorCode()
	switch {
	case ex.status == http.StatusForbidden && code == "csrf":
		return d.fix(fmt.Sprintf("list %s in APP_ORIGINS: the API's CSRF check trusts only those origins", d.webOrigin),
			fmt.Sprintf("trust %s in the API's CSRF check", d.webOrigin))
	case ex.status == http.StatusForbidden:
		return fmt.Sprintf("trust %s in the API's CSRF check; an endpoint that wants a CSRF token first cannot be checked", d.webOrigin)
	case ex.status == http.StatusUnauthorized:
		return "check --user and the password"
	case ex.status == http.StatusNotFound || ex.status == http.StatusMethodNotAllowed:
		return "pass " + pathFlag + " with the API's endpoint"
	case ex.status == http.StatusUnsupportedMediaType:
		if d.opts.Form {
			return "the API wants JSON: leave --form out"
		}
		return "the API wants a form: pass --form"
	case ex.status == http.StatusTooManyRequests:
		if ra := ex.header.Get("Retry-After"); ra != "" {
			return "rate limited: try again in " + ra + " s"
		}
		return "rate limited: try again later"
	case ex.status == http.StatusBadRequest:
		return "check --user-field and --form against what the API expects"
	}
	return "look at the API's log for the failed request"
}

func cookieNames(cs []*http.Cookie) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// cookieCheck reports whether there are cookies to check and, when there
// are none, the result that says why the check was skipped.
func cookieCheck(d *diagnosis) (Result, bool) {
	if d.signedIn() {
		return Result{}, true
	}
	reason := "needs a sign-in (--register, or --user and a password)"
	if d.account != "" {
		reason = "the sign-in failed"
	}
	return Result{Status: Skip, Detail: reason}, false
}

// isCSRFToken reports whether a cookie is a CSRF token meant for page
// scripts to read (Django's csrftoken, XSRF-TOKEN of Angular and Rails
// setups): it must not be HttpOnly.
func isCSRFToken(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "csrf") || strings.Contains(n, "xsrf")
}

func checkHttpOnly(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	var ps []problem
	var ok, tokens []string
	for _, c := range d.cookies {
		switch {
		case c.HttpOnly:
			ok = append(ok, c.Name)
		case isCSRFToken(c.Name):
			tokens = append(tokens, c.Name)
		default:
			ps = append(ps, problem{c.Name + " is not HttpOnly: any script on the page can steal it",
				d.fix("scaffold sets HttpOnly on every cookie (api/internal/httpapi/cookies.go): restore it there",
					"add HttpOnly to Set-Cookie: "+c.Name)})
		}
	}
	detail := strings.Join(ok, ", ")
	if len(tokens) > 0 {
		detail += fmt.Sprintf(" (%s: a CSRF token, readable by scripts by design)", strings.Join(tokens, ", "))
	}
	return verdict(Fail, strings.TrimSpace(detail), ps)
}

func checkSecure(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	api := d.opts.API
	var ps []problem
	secureFix := d.fix("set COOKIE_SECURE=true (APP_ENV=production does)", "add Secure to Set-Cookie")
	insecureOK := false
	for _, c := range d.cookies {
		switch {
		case api.Scheme == "https" && !c.Secure:
			ps = append(ps, problem{c.Name + " is not Secure: the browser also sends it over plain http", secureFix})
		case api.Scheme == "http" && !IsLoopback(api.Hostname()) && c.Secure:
			ps = append(ps, problem{c.Name + " is Secure but set over plain http: browsers drop it", "serve the API over https"})
		case api.Scheme == "http" && !IsLoopback(api.Hostname()):
			ps = append(ps, problem{c.Name + " travels in clear text over plain http", "serve the API over https and add Secure to its cookies"})
		case !c.Secure && (c.SameSite == http.SameSiteNoneMode || c.Partitioned):
			ps = append(ps, problem{c.Name + " is SameSite=None or Partitioned without Secure: browsers reject it", secureFix})
		case !c.Secure:
			insecureOK = true
		}
	}
	if insecureOK {
		return verdict(Fail, "not Secure, which works over http on loopback only (production needs Secure)", ps)
	}
	return verdict(Fail, cookieNames(d.cookies), ps)
}

func sameSiteName(s http.SameSite) string {
	switch s {
	case http.SameSiteLaxMode:
		return "Lax"
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteNoneMode:
		return "None"
	}
	return ""
}

func checkSameSite(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	var fails, warns []problem
	var seen []string
	for _, c := range d.cookies {
		ss := sameSiteName(c.SameSite)
		if !slices.Contains(seen, ss) && ss != "" {
			seen = append(seen, ss)
		}
		switch {
		case d.actual == project.CrossSite && ss != "None":
			what := "SameSite=" + ss
			if ss == "" {
				what = "without SameSite (browsers treat that as Lax)"
			}
			fails = append(fails, problem{fmt.Sprintf("%s is %s: not sent on requests from %s, another site", c.Name, what, d.webOrigin),
				d.fix("set COOKIE_SAMESITE=None", "set SameSite=None; Secure; Partitioned on the cookie")})
		case d.actual != project.CrossSite && ss == "None":
			warns = append(warns, problem{c.Name + " is SameSite=None: sent on cross-site requests too, where Lax blocks forgeries",
				d.fix("set COOKIE_SAMESITE=Lax", "set SameSite=Lax on the cookie")})
		case ss == "":
			warns = append(warns, problem{c.Name + " has no SameSite: browsers differ on the default",
				d.fix("set COOKIE_SAMESITE=Lax", "set SameSite=Lax on the cookie, explicitly")})
		}
	}
	if len(fails) > 0 {
		return verdict(Fail, "", append(fails, warns...))
	}
	return verdict(Warn, strings.Join(seen, ", ")+" fits "+string(d.actual), warns)
}

func checkPartitioned(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	if d.actual != project.CrossSite {
		return Result{Status: OK, Detail: "not needed: the cookies are first-party"}
	}
	var ps []problem
	for _, c := range d.cookies {
		if !c.Partitioned {
			ps = append(ps, problem{c.Name + " is not Partitioned: browsers that block third-party cookies drop it",
				d.fix("set COOKIE_PARTITIONED=true", "add Partitioned (CHIPS) to Set-Cookie: "+c.Name)})
		}
	}
	return verdict(Fail, cookieNames(d.cookies), ps)
}

// checkBrowsers says which browsers the topology leaves out: a cross-site
// API's cookies are third-party, and some browsers keep none, Partitioned or
// not. It depends on the host names alone.
func checkBrowsers(d *diagnosis) Result {
	if d.actual != project.CrossSite {
		return Result{Status: OK, Detail: "the cookies are first-party: every current browser keeps them"}
	}
	return Result{Status: Warn,
		Detail: "Safari before 26.2 (but 18.4), every browser on iOS and iPadOS of those versions, and Firefox set to block all third-party cookies keep no third-party cookie, Partitioned or not: their users cannot stay signed in",
		Fix:    "serve the API on a subdomain of the web app's site (same-site) to reach every browser" + d.fix(" (scaffold update --topology same-site)", "")}
}

func checkPrefixes(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	var ps []problem
	var kept []string
	for _, c := range d.cookies {
		lower := strings.ToLower(c.Name)
		switch {
		case strings.HasPrefix(lower, "__host-"):
			var wrong []string
			if !c.Secure {
				wrong = append(wrong, "not Secure")
			}
			if c.Domain != "" {
				wrong = append(wrong, "Domain="+c.Domain)
			}
			if c.Path != "/" {
				wrong = append(wrong, "Path="+orNone(c.Path))
			}
			if len(wrong) > 0 {
				ps = append(ps, problem{fmt.Sprintf("%s has %s: browsers reject a __Host- cookie unless Secure, Path=/ and without Domain", c.Name, strings.Join(wrong, ", ")),
					"give a __Host- cookie Secure, Path=/ and no Domain, or drop the prefix"})
				continue
			}
			kept = append(kept, c.Name+" is Secure, Path=/, without Domain")
		case strings.HasPrefix(lower, "__secure-"):
			if !c.Secure {
				ps = append(ps, problem{c.Name + " is not Secure: browsers reject a __Secure- cookie that is not",
					"give a __Secure- cookie Secure, or drop the prefix"})
				continue
			}
			kept = append(kept, c.Name+" is Secure")
		}
	}
	if len(kept) == 0 {
		return verdict(Fail, "no prefixed cookie", ps)
	}
	return verdict(Fail, strings.Join(kept, "; "), ps)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// cookiePath is the path a browser gives the cookie: its Path attribute, or
// the directory of the sign-in path (RFC 6265 §5.1.4).
func cookiePath(c *http.Cookie, requestPath string) string {
	if strings.HasPrefix(c.Path, "/") {
		return c.Path
	}
	dir := path.Dir(requestPath)
	if dir == "." || dir == "" {
		return "/"
	}
	return dir
}

// pathMatches is RFC 6265 §5.1.4's path-match.
func pathMatches(requestPath, cookiePath string) bool {
	if requestPath == cookiePath {
		return true
	}
	if strings.HasPrefix(requestPath, cookiePath) {
		return strings.HasSuffix(cookiePath, "/") || requestPath[len(cookiePath)] == '/'
	}
	return false
}

func checkScope(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	apiHost := strings.ToLower(d.opts.API.Hostname())
	webHost := strings.ToLower(d.opts.Web.Hostname())
	site := registrableDomain(apiHost)
	domainFix := d.fix(fmt.Sprintf("set COOKIE_DOMAIN=%s, or leave it unset for host-only cookies", site),
		fmt.Sprintf("set Domain=%s on the cookie, or leave Domain out", site))
	var fails, warns []problem
	var scopes []string
	for _, c := range d.cookies {
		scope := "host-only on " + apiHost
		switch {
		case c.Domain == "":
		case isPublicSuffix(c.Domain) && !strings.EqualFold(c.Domain, apiHost):
			fails = append(fails, problem{fmt.Sprintf("%s has Domain=%s, a public suffix: browsers reject it", c.Name, c.Domain), domainFix})
			continue
		case !domainMatches(apiHost, c.Domain):
			fails = append(fails, problem{fmt.Sprintf("%s has Domain=%s, which does not cover the API's host %s: browsers reject it", c.Name, c.Domain, apiHost), domainFix})
			continue
		default:
			scope = "Domain=" + c.Domain
		}
		p := cookiePath(c, d.opts.LoginPath)
		if !pathMatches(d.opts.MePath, p) {
			fails = append(fails, problem{fmt.Sprintf("%s has Path=%s, so it is not sent to %s", c.Name, p, d.opts.MePath),
				d.fix("scaffold sets Path=/ on every cookie (api/internal/httpapi/cookies.go): restore it there", "set Path=/ on the cookie")})
			continue
		}
		scope += ", Path=" + p
		if !slices.Contains(scopes, scope) {
			scopes = append(scopes, scope)
		}

		// A web server on a sibling host renders signed-in pages only if
		// the cookie reaches it too.
		reachesWeb := webHost == apiHost
		if c.Domain != "" {
			reachesWeb = domainMatches(webHost, c.Domain)
		}
		if d.actual == project.SameSite && !reachesWeb {
			fix := d.fix("set COOKIE_DOMAIN="+site, "set Domain="+site+" on the cookie")
			if d.scaffold {
				fails = append(fails, problem{fmt.Sprintf("%s never reaches the web server at %s: its /dashboard redirect and server rendering see nobody signed in", c.Name, webHost), fix})
			} else {
				warns = append(warns, problem{fmt.Sprintf("%s never reaches the web server at %s: fine unless it renders signed-in pages", c.Name, webHost), fix})
			}
		}
	}
	if len(fails) > 0 {
		return verdict(Fail, "", append(fails, warns...))
	}
	return verdict(Warn, strings.Join(scopes, "; "), warns)
}

func checkAccepted(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	me := d.me
	switch {
	case me.status == http.StatusOK:
		return Result{Status: OK, Detail: fmt.Sprintf("GET %s with the cookies: 200", me.path)}
	case me.status == http.StatusNotFound || me.status == http.StatusMethodNotAllowed:
		return Result{Status: Fail, Detail: answerSummary(me), Fix: "pass --me-path with an endpoint that answers 200 only when signed in"}
	}
	return Result{Status: Fail, Detail: answerSummary(me) + " with the cookies the sign-in set",
		Fix: d.fix("the API refused its own cookies: check that every proxy in front passes the Cookie header through",
			"the API must accept the cookies its sign-in sets: check that every proxy in front passes the Cookie header through")}
}

func checkForgery(d *diagnosis) Result {
	if r, ok := cookieCheck(d); !ok {
		return r
	}
	f := d.forged
	what := fmt.Sprintf("POST %s from %s with the cookies", f.path, evilOrigin)
	switch {
	case f.status == http.StatusForbidden:
		return Result{Status: OK, Detail: what + ": 403"}
	case f.status == http.StatusNotFound || f.status == http.StatusMethodNotAllowed:
		return Result{Status: Warn, Detail: fmt.Sprintf("%s answered %d, so nothing was tested", what, f.status),
			Fix: "pass --logout-path with a POST endpoint that needs the sign-in (if a forgery gets through, it only ends the doctor's session)"}
	case f.status >= 500:
		return Result{Status: Warn, Detail: fmt.Sprintf("%s answered %d instead of refusing it", what, f.status),
			Fix: "refuse cross-site writes with 403 before doing anything else"}
	case f.status >= 400:
		return Result{Status: OK, Detail: fmt.Sprintf("%s: refused with %d", what, f.status)}
	}
	return Result{Status: Fail, Detail: fmt.Sprintf("%s was accepted (%d): any site can act as the signed-in user", what, f.status),
		Fix: d.fix("every cookie-authenticated write must pass http.CrossOriginProtection (api/internal/httpapi/middleware.go), trusting only APP_ORIGINS",
			"refuse writes whose Origin (or Sec-Fetch-Site) is another site with 403, or require a CSRF token")}
}

func checkHSTS(d *diagnosis) Result {
	if d.opts.API.Scheme != "https" {
		return Result{Status: OK, Detail: "not applicable over http"}
	}
	var sts string
	if len(d.foreign) > 0 {
		sts = d.foreign[0].ex.header.Get("Strict-Transport-Security")
	}
	if age, ok := hstsMaxAge(sts); ok && age > 0 {
		return Result{Status: OK, Detail: "max-age=" + strconv.Itoa(age)}
	}
	return Result{Status: Warn, Detail: "no Strict-Transport-Security: a first visit over http can be intercepted",
		Fix: d.fix("run the API with APP_ENV=production (newer scaffold APIs then send it), or add Strict-Transport-Security: max-age=63072000 at the TLS proxy",
			"send Strict-Transport-Security: max-age=63072000 on https answers")}
}

// hstsMaxAge reads max-age from a Strict-Transport-Security header.
func hstsMaxAge(v string) (int, bool) {
	for _, part := range strings.Split(v, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		if strings.EqualFold(k, "max-age") {
			n, err := strconv.Atoi(strings.Trim(val, `"`))
			return n, err == nil
		}
	}
	return 0, false
}
