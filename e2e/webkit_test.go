//go:build e2e

package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// WebKit is WebKitGTK's MiniBrowser, driven over W3C WebDriver by
// WebKitWebDriver under Xvfb (WebKitGTK has no headless mode). Playwright
// drives only its own patched WebKit, which this machine cannot download,
// so the flow is written here against WebDriver directly: what a user does,
// found by the labels and names a user reads.

// miniBrowserPaths are where Debian's WebKitGTK packages put MiniBrowser.
var miniBrowserPaths = []string{
	"/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
	"/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
	"/usr/libexec/webkit2gtk-4.1/MiniBrowser",
}

const webkitInstall = "apt-get install -y webkit2gtk-driver xvfb"

// webKit is a running WebKitWebDriver.
type webKit struct {
	*server
	base        string
	miniBrowser string
}

// startWebKit starts WebKitWebDriver on a free port, on a display of its
// own (xvfb-run -a), logging to logPath, in a mount namespace of its own
// where two files differ from the machine's (WebKitGTK has no switch for
// either): /etc/hosts sends the deployment's host names to a loopback
// address where the test forwards port 443 to Caddy, and the system's
// certificate bundle, which is all WebKitGTK trusts, also holds Caddy's
// root. So WebKit checks certificates for real, on the default port, and
// nothing on the machine changes. Both need root (the suite's CI runs as
// root).
func startWebKit(t *testing.T, logPath string, hosts []string, httpsPort int, caPEM string) *webKit {
	t.Helper()
	driver := requireTool(t, "WebKitWebDriver", webkitInstall)
	xvfb := requireTool(t, "xvfb-run", webkitInstall)
	unshare := requireTool(t, "unshare", "apt-get install -y util-linux")
	if os.Geteuid() != 0 {
		t.Fatal("the WebKit runs need root, to give WebKit its own /etc/hosts and CA bundle (unshare --mount) and to listen on port 443: run the suite as root")
	}
	mini := os.Getenv("MINIBROWSER_PATH")
	if mini == "" {
		for _, p := range miniBrowserPaths {
			if _, err := os.Stat(p); err == nil {
				mini = p
				break
			}
		}
	}
	if mini == "" {
		t.Fatalf("no MiniBrowser in %s: %s (or set MINIBROWSER_PATH)", strings.Join(miniBrowserPaths, ", "), webkitInstall)
	}

	addr := forward443(t, httpsPort)
	dir := t.TempDir()
	hostsFile := filepath.Join(dir, "hosts")
	lines := "127.0.0.1 localhost\n::1 localhost\n"
	for _, h := range hosts {
		lines += addr + " " + h + "\n"
	}
	if err := os.WriteFile(hostsFile, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	system, err := os.ReadFile(systemCABundle)
	if err != nil {
		t.Fatalf("WebKitGTK trusts %s, which cannot be read: %v", systemCABundle, err)
	}
	root, err := os.ReadFile(caPEM)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "ca-certificates.crt")
	if err := os.WriteFile(bundle, append(append(system, '\n'), root...), 0o644); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	// A PID namespace too, whose first process (sh, not exec'd away:
	// xvfb-run never sees Xvfb ready as PID 1) takes every other with it
	// when unshare dies, even with the test binary: xvfb-run leaves Xvfb
	// and the driver behind when it is killed.
	script := `mount --bind "$1" /etc/hosts && mount --bind "$2" "$3" && shift 3 && "$@"`
	s := startServer(t, "WebKitWebDriver", dir, logPath, nil, unshare,
		"--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc",
		"sh", "-c", script, "sh", hostsFile, bundle, systemCABundle,
		xvfb, "-a", driver, fmt.Sprintf("--port=%d", port))
	w := &webKit{server: s, base: fmt.Sprintf("http://127.0.0.1:%d", port), miniBrowser: mini}
	s.waitReady(t, w.base+"/status", serverReadyDeadline)
	return w
}

// systemCABundle is the file of trusted roots Debian's WebKitGTK reads
// (through glib-networking and GnuTLS).
const systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

// forward443 listens on port 443 of a loopback address of its own and
// forwards every connection to Caddy's port: the browser's URLs keep the
// default port, as in production. It returns the address.
func forward443(t *testing.T, httpsPort int) string {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 2; i < 40; i++ {
		ip := fmt.Sprintf("127.0.44.%d", i)
		if ln, err = net.Listen("tcp", ip+":443"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("cannot listen on port 443 of any 127.0.44.x address: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	to := fmt.Sprintf("127.0.0.1:%d", httpsPort)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.DialTimeout("tcp", to, 5*time.Second)
				if err != nil {
					return
				}
				defer up.Close()
				go func() {
					io.Copy(up, c)
					up.(*net.TCPConn).CloseWrite()
				}()
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).IP.String()
}

// webDriverTimeout bounds every WebDriver command: a WebKit that lost its
// display hangs rather than fails.
const webDriverTimeout = 60 * time.Second

// session is one WebDriver session: one MiniBrowser with a fresh profile.
type session struct {
	t         *testing.T
	url       string // the driver's base URL plus /session/ID
	client    *http.Client
	artifacts string // where a failure leaves its screenshot
}

// newSession starts MiniBrowser with a fresh profile and its default
// cookie policy.
func (w *webKit) newSession(t *testing.T, artifacts string) *session {
	t.Helper()
	client := &http.Client{Timeout: webDriverTimeout}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"webkitgtk:browserOptions": map[string]any{"binary": w.miniBrowser, "args": []string{"--automation"}},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	s := &session{t: t, url: w.base + "/session", client: client, artifacts: artifacts}
	if err := s.call(http.MethodPost, "", caps, &created); err != nil {
		t.Fatalf("WebKit: new session: %v\n%s", err, w.report())
	}
	s.url += "/" + created.SessionID
	t.Cleanup(func() { s.call(http.MethodDelete, "", nil, nil) })
	return s
}

// call sends one WebDriver command and decodes its value into out.
func (s *session) call(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(answer.Value, &e)
		return fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	if out != nil {
		return json.Unmarshal(answer.Value, out)
	}
	return nil
}

// must fails the test on a command's error.
func (s *session) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) navigate(url string) {
	s.t.Helper()
	s.must(s.call(http.MethodPost, "/url", map[string]string{"url": url}, nil))
}

func (s *session) refresh() {
	s.t.Helper()
	s.must(s.call(http.MethodPost, "/refresh", map[string]any{}, nil))
}

func (s *session) currentURL() string {
	s.t.Helper()
	var u string
	s.must(s.call(http.MethodGet, "/url", nil, &u))
	return u
}

// script runs JavaScript in the page and decodes what it returns.
func (s *session) script(out any, js string, args ...any) error {
	if args == nil {
		args = []any{}
	}
	return s.call(http.MethodPost, "/execute/sync", map[string]any{"script": js, "args": args}, out)
}

// elementKey is how WebDriver names an element in JSON.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// find waits for the visible element that js (given name) returns, and
// returns its WebDriver id.
func (s *session) find(what, js, name string) string {
	s.t.Helper()
	var id string
	s.waitFor(what, func() (bool, error) {
		var el map[string]string
		if err := s.script(&el, js, name); err != nil {
			return false, err
		}
		id = el[elementKey]
		return id != "", nil
	})
	return id
}

// The element a user finds by its label or its accessible name, as
// Playwright's getByLabel and getByRole do: an exact match first, else one
// that starts with it. Hidden elements do not count.
const (
	visibleJS = `const visible = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
const name = (e) => (e.getAttribute("aria-label") || e.textContent || e.value || "").replace(/\s+/g, " ").trim();
const pick = (els, want) => els.find((e) => name(e) === want) || els.find((e) => name(e).startsWith(want)) || null;
`
	byLabelJS = visibleJS + `const want = arguments[0];
const fields = [...document.querySelectorAll("label")]
  .filter((l) => l.textContent.replace(/\s+/g, " ").trim() === want || l.textContent.trim().startsWith(want))
  .map((l) => l.control)
  .concat([...document.querySelectorAll("input[aria-label], textarea[aria-label]")].filter((e) => e.getAttribute("aria-label") === want))
  .filter(visible);
return fields[0] || null;`
	buttonJS  = visibleJS + `return pick([...document.querySelectorAll("button, input[type=submit], [role=button]")].filter(visible), arguments[0]);`
	headingJS = visibleJS + `return pick([...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible), arguments[0]);`
	alertJS   = visibleJS + `return [...document.querySelectorAll("form [role=alert]")].filter(visible)[0] || null;`
)

// fill types text into the field labelled label, replacing what it holds.
func (s *session) fill(label, text string) {
	s.t.Helper()
	id := s.find("a field labelled "+label, byLabelJS, label)
	s.must(s.call(http.MethodPost, "/element/"+id+"/clear", map[string]any{}, nil))
	s.must(s.call(http.MethodPost, "/element/"+id+"/value", map[string]string{"text": text}, nil))
}

// click clicks the button named name.
func (s *session) click(name string) {
	s.t.Helper()
	id := s.find("a button named "+name, buttonJS, name)
	s.must(s.call(http.MethodPost, "/element/"+id+"/click", map[string]any{}, nil))
}

// text is the text an element shows.
func (s *session) text(id string) string {
	s.t.Helper()
	var text string
	s.must(s.call(http.MethodGet, "/element/"+id+"/text", nil, &text))
	return text
}

// waitFor polls cond until it holds, failing the test after 15 s with a
// screenshot of the page in the artifacts.
func (s *session) waitFor(what string, cond func() (bool, error)) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return
		}
		last = err
		time.Sleep(150 * time.Millisecond)
	}
	var u string
	s.call(http.MethodGet, "/url", nil, &u)
	var body string
	s.script(&body, `return document.body ? document.body.innerText : ""`)
	s.screenshot(s.artifacts, "webkit-failed")
	s.t.Fatalf("WebKit: waited 15s for %s (last error: %v)\nat %s, the page says:\n%s\nscreenshot: %s",
		what, last, u, lastLines(body, 30), filepath.Join(s.artifacts, "webkit-failed.png"))
}

// waitForPath waits until the page's URL path is path.
func (s *session) waitForPath(path string) {
	s.t.Helper()
	s.waitFor("the URL path "+path, func() (bool, error) {
		var p string
		err := s.script(&p, `return location.pathname`)
		return p == path, err
	})
}

// waitForText waits until the page shows text.
func (s *session) waitForText(text string) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("the page to show %q", text), func() (bool, error) {
		var shown bool
		err := s.script(&shown, `return !!document.body && document.body.innerText.includes(arguments[0])`, text)
		return shown, err
	})
}

// screenshot saves the page as PNG in dir.
func (s *session) screenshot(dir, name string) {
	var b64 string
	if err := s.call(http.MethodGet, "/screenshot", nil, &b64); err != nil {
		return
	}
	if png, err := base64.StdEncoding.DecodeString(b64); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// signUp creates an account on /register.
func (s *session) signUp(origin, email string) {
	s.t.Helper()
	s.navigate(origin + "/register")
	s.fill("Email", email)
	s.fill("Password", "correct horse battery staple")
	s.click("Create account")
}

// webKitFlow is the project's main flow and its sign-in with a provider,
// in WebKit, as auth.spec.ts and social.spec.ts run them in the other
// engines: sign up, reload, a note, sign out, /dashboard sends the visitor
// to /login; then the provider signs a new user in, reload, sign out.
func webKitFlow(s *session, origin, provider string) {
	t := s.t
	t.Helper()
	email := fmt.Sprintf("e2e-webkit-%d@example.com", time.Now().UnixNano())

	s.signUp(origin, email)
	s.waitForPath("/dashboard")
	s.waitForText(email)

	s.refresh()
	s.waitForPath("/dashboard")
	s.waitForText(email)

	s.fill("Title", "From WebKit")
	s.fill("Body", "Written by the WebKit test.")
	s.click("Add note")
	s.find("the note's heading", headingJS, "From WebKit")
	s.refresh()
	s.find("the note's heading after a reload", headingJS, "From WebKit")

	s.click("Sign out")
	s.waitForPath("/login")
	s.navigate(origin + "/dashboard")
	s.waitForPath("/login")

	social := fmt.Sprintf("e2e-webkit-social-%d@example.com", time.Now().UnixNano())
	s.click("Continue with " + provider)
	s.waitFor("the provider's login page", func() (bool, error) {
		var p string
		err := s.script(&p, `return location.pathname`)
		return strings.HasPrefix(p, "/login/username"), err
	})
	s.fill("Username", social)
	s.fill("Password", "password")
	s.click("Login")
	s.waitForPath("/dashboard")
	s.waitForText(social)
	s.refresh()
	s.waitForText(social)
	s.click("Sign out")
	s.waitForPath("/login")
}

// webKitDropped is the sign-up in a WebKit that keeps none of the API's
// cookies (cross-site: WebKit blocks third-party cookies and ignores
// Partitioned): the web app must say the sign-in was not kept, why, and
// what to do, as playwright/blocked.spec.ts asserts in the other engines.
func webKitDropped(s *session, origin string) {
	t := s.t
	t.Helper()
	s.signUp(origin, fmt.Sprintf("e2e-webkit-blocked-%d@example.com", time.Now().UnixNano()))
	alert := s.find("the form's alert", alertJS, "")
	var text string
	s.waitFor("the alert to name the cause and the fix", func() (bool, error) {
		text = s.text(alert)
		return strings.Contains(text, "did not keep the sign-in") &&
			strings.Contains(text, "third-party cookies") && strings.Contains(text, "same-site"), nil
	})
	if p := s.currentURL(); !strings.HasSuffix(p, "/register") {
		t.Fatalf("WebKit left /register for %s", p)
	}
	t.Logf("WebKit says: %s", text)
}
