// Package doctor diagnoses a running deployment's auth wiring the way a
// browser on the web app would meet it: HTTPS, the topology of the two
// URLs, CORS, the attributes of the cookies a sign-in sets, whether the API
// accepts them back, and whether it refuses a forged cross-site write.
//
// Run sends a handful of requests (at most MaxRequests), then evaluates each
// check as a small function of what came back, so every check can be tested
// on its own against an httptest server. A check names the setting to change:
// the scaffold environment variable when the API is a scaffold project, the
// generic header or cookie attribute otherwise.
package doctor

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// Status is the outcome of a check.
type Status string

// The outcomes. Only Fail makes the command exit 1.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
	// Skip is a check that could not run, e.g. the cookie checks without a
	// sign-in.
	Skip Status = "skip"
)

// Result is the outcome of one check.
type Result struct {
	// ID is stable for scripts: "cors", "cookie-partitioned", ...
	ID string `json:"id"`
	// Name is what the text output shows.
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Detail says what was seen, in one line.
	Detail string `json:"detail,omitempty"`
	// Fix says what to change, in one line; set for Fail and Warn.
	Fix string `json:"fix,omitempty"`
}

// Report is everything a run found: what the text output prints and --json
// marshals.
type Report struct {
	Web string `json:"web"`
	API string `json:"api"`
	// Topology is what the two URLs really form.
	Topology project.Topology `json:"topology"`
	// Declared is the topology the deployment was meant to have, if known.
	Declared     project.Topology `json:"declared_topology,omitempty"`
	DeclaredFrom string           `json:"declared_from,omitempty"`
	// ScaffoldAPI is true when the API is a scaffold project: the fixes then
	// name its environment variables.
	ScaffoldAPI bool `json:"scaffold_api"`
	// Account is the user name the doctor signed in with; Registered says
	// whether it created it (--register).
	Account    string `json:"account,omitempty"`
	Registered bool   `json:"registered,omitempty"`
	// Requests is how many HTTP requests the run sent.
	Requests int      `json:"requests"`
	Checks   []Result `json:"checks"`
	Failed   int      `json:"failed"`
	Warnings int      `json:"warnings"`
}

// Options say what to diagnose and how to sign in.
type Options struct {
	// Web is the web app's URL (only its origin counts); API is the base URL
	// the browser calls the API at. In a same-origin deployment both are the
	// web app's origin: the browser reaches the API through its /api proxy.
	Web, API *url.URL

	// Declared is the topology the deployment is meant to have ("" when not
	// known) and DeclaredFrom where that came from, for messages.
	Declared     project.Topology
	DeclaredFrom string

	// ScaffoldProject is true when the doctor runs inside a generated
	// project: the API is then known to be scaffold's.
	ScaffoldProject bool

	// User and Password sign in to an existing account. Register instead
	// creates a throwaway account at RegisterPath first.
	User, Password string
	Register       bool

	// The API's endpoints, paths under API.
	LoginPath, MePath, RegisterPath, LogoutPath string

	// UserField names the user field of the sign-in body ("email";
	// "username" for Django). Form posts the body as
	// application/x-www-form-urlencoded instead of JSON.
	UserField string
	Form      bool

	// Client sends the requests; NewClient builds the one to use.
	Client *http.Client
	// Timeout is the client's per-request timeout, for messages.
	Timeout time.Duration
}

// The default endpoints: a scaffold API's.
const (
	DefaultLoginPath    = "/api/auth/login"
	DefaultMePath       = "/api/auth/me"
	DefaultRegisterPath = "/api/auth/register"
	DefaultLogoutPath   = "/api/auth/logout"
	DefaultUserField    = "email"
)

// MaxRequests bounds the requests of one run: four foreign-origin probes, a
// preflight, register, sign-in, the cookie sent back, the forged write and
// signing out.
const MaxRequests = 10

// evilOrigin is the origin of the forged cross-site write: a reserved name
// (RFC 2606) that no deployment lists.
const evilOrigin = "https://evil.example"

// Validate reports a mistake in the options: a usage error.
func (o *Options) Validate() error {
	switch {
	case o.Web == nil:
		return errors.New("missing --web: the web app's URL, such as https://app.example.com")
	case o.API == nil:
		return errors.New("missing --api: the API's URL as the browser calls it (for a same-origin deployment, the web app's URL)")
	case o.Register && o.User != "":
		return errors.New("--register and --user exclude each other: sign in with an existing account or a throwaway one")
	case o.User != "" && o.Password == "":
		return errors.New("--user needs a password: --password-stdin, SCAFFOLD_DOCTOR_PASSWORD or --password")
	case o.User == "" && o.Password != "":
		return errors.New("a password without --user: name the account with --user")
	case o.UserField == "":
		return errors.New("--user-field is empty")
	}
	for _, p := range []struct{ flag, path string }{
		{"--login-path", o.LoginPath}, {"--me-path", o.MePath}, {"--register-path", o.RegisterPath}, {"--logout-path", o.LogoutPath},
	} {
		if !strings.HasPrefix(p.path, "/") || strings.ContainsAny(p.path, "?# ") {
			return fmt.Errorf("%s %q: want a path such as /api/auth/login", p.flag, p.path)
		}
	}
	return nil
}

// WithDefaults fills the unset endpoints, user field and client.
func (o Options) WithDefaults() (Options, error) {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.LoginPath, DefaultLoginPath)
	def(&o.MePath, DefaultMePath)
	def(&o.RegisterPath, DefaultRegisterPath)
	def(&o.LogoutPath, DefaultLogoutPath)
	def(&o.UserField, DefaultUserField)
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Client == nil {
		c, err := NewClient(ClientOptions{Timeout: o.Timeout})
		if err != nil {
			return o, err
		}
		o.Client = c
	}
	return o, nil
}

// Run diagnoses the deployment. Its error is for a run that could not
// finish, such as an unreachable API, in one line; problems the checks find
// are in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts, err := opts.WithDefaults()
	if err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	d := newDiagnosis(opts)
	if err := d.probe(ctx); err != nil {
		return nil, err
	}
	d.scaffold = opts.ScaffoldProject || d.looksLikeScaffold()

	rep := &Report{
		Web:          d.webOrigin,
		API:          strings.TrimSuffix(d.opts.API.String(), "/"),
		Topology:     d.actual,
		Declared:     opts.Declared,
		DeclaredFrom: opts.DeclaredFrom,
		ScaffoldAPI:  d.scaffold,
		Account:      d.account,
		Registered:   opts.Register,
	}
	for _, c := range checks {
		r := c.run(d)
		r.ID, r.Name = c.id, c.name
		if r.Status == OK || r.Status == Skip {
			r.Fix = ""
		}
		switch r.Status {
		case Fail:
			rep.Failed++
		case Warn:
			rep.Warnings++
		}
		rep.Checks = append(rep.Checks, r)
	}
	d.signOut(ctx)
	rep.Requests = d.requests
	return rep, nil
}

// diagnosis is one run: the options, what the URLs imply, and every answer
// the API gave.
type diagnosis struct {
	opts Options

	// actual is the topology the two URLs really form.
	actual    project.Topology
	webOrigin string
	// cors: the browser calls the API from another origin.
	cors     bool
	scaffold bool
	requests int

	account  string
	password string

	// foreign are the answers to origins that must get no CORS headers.
	foreign []foreignProbe
	// preflight is the answer to the web app's CORS preflight of the
	// sign-in (nil in same-origin).
	preflight *exchange
	// register and login are the sign-in's answers (nil when not sent).
	register, login *exchange
	// cookies are the live cookies the sign-in set, in order.
	cookies []*http.Cookie
	// jar is what a browser would hold after each answer, by name.
	jar map[string]*http.Cookie
	// me is the answer to the cookies sent back; forged to the cross-site
	// write.
	me, forged *exchange
}

type foreignProbe struct {
	origin string
	// listed: an origin an allow-list may plausibly hold by mistake (the
	// web app's http:// twin, the development default) rather than one only
	// a reflecting or pattern-matching server would allow.
	listed bool
	ex     *exchange
}

func newDiagnosis(o Options) *diagnosis {
	actual := TopologyOf(o.Web, o.API)
	return &diagnosis{
		opts:      o,
		actual:    actual,
		webOrigin: Origin(o.Web),
		cors:      actual != project.SameOrigin,
		jar:       map[string]*http.Cookie{},
	}
}

// exchange is one request and its answer.
type exchange struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

// maxBody bounds how much of an answer is read.
const maxBody = 64 << 10

func (d *diagnosis) endpoint(path string) string {
	u := *d.opts.API
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	return u.String()
}

// send sends one request to the API. Its error, for an API that cannot be
// reached or does not answer in time, ends the run.
func (d *diagnosis) send(ctx context.Context, method, path string, header http.Header, body string) (*exchange, error) {
	if d.requests >= MaxRequests {
		return nil, fmt.Errorf("internal error: more than %d requests", MaxRequests)
	}
	target := d.endpoint(path)
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	d.requests++
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s %s: %s", method, target, describeTransportError(err, d.opts.Timeout))
	}
	defer resp.Body.Close()
	b, err := readUpTo(resp, maxBody)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %s", method, target, describeTransportError(err, d.opts.Timeout))
	}
	return &exchange{method: method, path: path, status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// fromWeb are the headers a browser adds to a fetch from a page of the web
// app: Origin (on every POST, and on a GET to another origin) and the
// Sec-Fetch-* metadata that CSRF checks such as Go's
// http.CrossOriginProtection read.
func (d *diagnosis) fromWeb(method string) http.Header {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Sec-Fetch-Site", secFetchSite(d.actual))
	h.Set("Sec-Fetch-Mode", "cors")
	h.Set("Sec-Fetch-Dest", "empty")
	if method != http.MethodGet || d.cors {
		h.Set("Origin", d.webOrigin)
	}
	return h
}

// foreignOrigins are origins that must get nothing: a look-alike of the web
// app's (caught by a server that reflects Origin or matches it loosely),
// "null" (sandboxed frames, file: pages), the web app's http:// twin and
// the development default, both often left in an allow-list.
func (d *diagnosis) foreignOrigins() []foreignProbe {
	web := d.opts.Web
	probes := []foreignProbe{
		{origin: "https://" + strings.Trim(web.Hostname(), "[]") + ".evil.example"},
		{origin: "null"},
	}
	if web.Scheme == "https" {
		twin := *web
		twin.Scheme = "http"
		twin.Host = web.Hostname()
		if p := web.Port(); p != "" && p != "443" {
			twin.Host = web.Host
		}
		probes = append(probes, foreignProbe{origin: Origin(&twin), listed: true})
	}
	const devOrigin = "http://localhost:3000"
	if d.webOrigin != devOrigin && !IsLoopback(web.Hostname()) {
		probes = append(probes, foreignProbe{origin: devOrigin, listed: true})
	}
	return probes
}

// probe sends every request the checks need.
func (d *diagnosis) probe(ctx context.Context) error {
	// Foreign origins first: the first answer also shows that the API is
	// reachable, whether it is scaffold's (its 401 shape) and its HSTS.
	for _, f := range d.foreignOrigins() {
		h := http.Header{}
		h.Set("Accept", "application/json")
		h.Set("Origin", f.origin)
		h.Set("Sec-Fetch-Site", "cross-site")
		h.Set("Sec-Fetch-Mode", "cors")
		h.Set("Sec-Fetch-Dest", "empty")
		ex, err := d.send(ctx, http.MethodGet, d.opts.MePath, h, "")
		if err != nil {
			if len(d.foreign) == 0 && ctx.Err() == nil {
				return fmt.Errorf("cannot reach the API: %w", err)
			}
			return err
		}
		f.ex = ex
		d.foreign = append(d.foreign, f)
	}

	if d.cors {
		h := d.fromWeb(http.MethodOptions)
		h.Set("Access-Control-Request-Method", http.MethodPost)
		if !d.opts.Form {
			h.Set("Access-Control-Request-Headers", "content-type")
		}
		h.Del("Accept")
		ex, err := d.send(ctx, http.MethodOptions, d.opts.LoginPath, h, "")
		if err != nil {
			return err
		}
		d.preflight = ex
	}

	switch {
	case d.opts.Register:
		d.account, d.password = throwawayAccount()
	case d.opts.User != "":
		d.account, d.password = d.opts.User, d.opts.Password
	default:
		return nil
	}
	if d.opts.Register {
		ex, err := d.postCredentials(ctx, d.opts.RegisterPath)
		if err != nil {
			return err
		}
		d.register = ex
		d.keep(ex)
		if ex.status >= 400 {
			return nil
		}
	}
	ex, err := d.postCredentials(ctx, d.opts.LoginPath)
	if err != nil {
		return err
	}
	d.login = ex
	d.cookies = d.keep(ex)
	if !d.signedIn() {
		return nil
	}

	h := d.fromWeb(http.MethodGet)
	h.Set("Cookie", d.cookieHeader())
	if d.me, err = d.send(ctx, http.MethodGet, d.opts.MePath, h, ""); err != nil {
		return err
	}

	// The forgery a page on another site can make without a preflight: a
	// bodiless POST carrying the browser's cookies.
	h = http.Header{}
	h.Set("Origin", evilOrigin)
	h.Set("Sec-Fetch-Site", "cross-site")
	h.Set("Sec-Fetch-Mode", "no-cors")
	h.Set("Sec-Fetch-Dest", "empty")
	h.Set("Cookie", d.cookieHeader())
	if d.forged, err = d.send(ctx, http.MethodPost, d.opts.LogoutPath, h, ""); err != nil {
		return err
	}
	return nil
}

// postCredentials posts the account to path as the web app's sign-in form
// would: JSON, or a form with --form.
func (d *diagnosis) postCredentials(ctx context.Context, path string) (*exchange, error) {
	h := d.fromWeb(http.MethodPost)
	var body string
	if d.opts.Form {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		body = url.Values{d.opts.UserField: {d.account}, "password": {d.password}}.Encode()
	} else {
		h.Set("Content-Type", "application/json")
		body = jsonObject(d.opts.UserField, d.account, "password", d.password)
	}
	if len(d.jar) > 0 {
		h.Set("Cookie", d.cookieHeader())
	}
	return d.send(ctx, http.MethodPost, path, h, body)
}

// signedIn reports whether the sign-in succeeded and set a cookie.
func (d *diagnosis) signedIn() bool {
	return d.login != nil && d.login.status < 400 && len(d.cookies) > 0
}

// signOut ends the session the doctor started, if the forged write did not
// already, so a run leaves nothing behind but a --register account.
func (d *diagnosis) signOut(ctx context.Context) {
	if !d.signedIn() || d.forged == nil || d.forged.status < 400 {
		return
	}
	h := d.fromWeb(http.MethodPost)
	h.Set("Cookie", d.cookieHeader())
	d.send(ctx, http.MethodPost, d.opts.LogoutPath, h, "") // best effort: the report is complete
}

// keep stores the cookies an answer set, as a browser's jar would (deleted
// ones removed), and returns the live ones it set.
func (d *diagnosis) keep(ex *exchange) []*http.Cookie {
	var live []*http.Cookie
	for _, line := range ex.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue
		}
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(d.jar, c.Name)
			continue
		}
		d.jar[c.Name] = c
		live = append(live, c)
	}
	return live
}

// cookieHeader is the Cookie header that sends back everything in the jar.
// It deliberately ignores the cookies' attributes: whether a browser would
// keep and send them is what the cookie checks judge, one attribute each;
// this asks only whether the API accepts what it set.
func (d *diagnosis) cookieHeader() string {
	var parts []string
	for _, c := range d.jar {
		parts = append(parts, c.Name+"="+c.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// throwawayAccount returns a new random email at a reserved domain and a
// long random password: long enough for any password policy, and never a
// common one.
func throwawayAccount() (email, password string) {
	id := make([]byte, 6)
	rand.Read(id)
	pw := make([]byte, 24)
	rand.Read(pw)
	return "doctor-" + hex.EncodeToString(id) + "@example.com", base64.RawURLEncoding.EncodeToString(pw)
}

func readUpTo(resp *http.Response, n int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(resp.Body, n))
}

func jsonObject(kv ...string) string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m) // strings always marshal
	return string(b)
}

// apiError is the error shape of a scaffold API: {"error":{"code","message"}}.
type apiError struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// errorCode returns the code and message of a scaffold-shaped error answer.
func (ex *exchange) errorCode() (code, message string, ok bool) {
	if ex == nil {
		return "", "", false
	}
	var e apiError
	if json.Unmarshal(ex.body, &e) != nil || e.Error == nil || e.Error.Code == "" {
		return "", "", false
	}
	return e.Error.Code, e.Error.Message, true
}

// looksLikeScaffold recognizes a scaffold API by its answers: 401
// unauthenticated to /me without a cookie, or 403 csrf to the forgery.
func (d *diagnosis) looksLikeScaffold() bool {
	for _, f := range d.foreign {
		if code, _, ok := f.ex.errorCode(); ok && f.ex.status == http.StatusUnauthorized && code == "unauthenticated" {
			return true
		}
	}
	code, _, ok := d.forged.errorCode()
	return ok && d.forged.status == http.StatusForbidden && code == "csrf"
}
