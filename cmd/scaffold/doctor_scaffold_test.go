package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/doctor"
	"github.com/scaffoldhq/scaffold/internal/doctor/doctortest"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// TestDoctorOnGeneratedAPIs runs `scaffold doctor` against a generated API
// of each topology, built and run in production mode behind TLS on real
// host names (pinned with --resolve, trusted with --cacert): the correct
// deployment passes every check, and each single misconfiguration, made
// through the API's environment, fails exactly the check that names it with
// a fix naming the variable.
func TestDoctorOnGeneratedAPIs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building generated APIs")
	}
	ca := doctortest.NewCA(t)

	t.Run("cross-site", func(t *testing.T) {
		d := startDeployment(t, ca, project.Answers{Auth: project.AuthJWT, Topology: project.CrossSite})

		// The correct deployment: only ✓, but for the browsers a
		// cross-site API's cookies cannot reach.
		code, out, errOut := d.doctor(t, nil)
		if code != exitOK || strings.Contains(out, "✗") {
			t.Fatalf("exit %d\n%s%s%s", code, out, errOut, d.api.report())
		}
		for _, line := range checkLines(out) {
			if !strings.HasPrefix(line, "✓ ") && !strings.HasPrefix(line, "! Browsers: Safari before 26.2") {
				t.Errorf("not ✓: %s", line)
			}
		}
		if !strings.Contains(out, "! Browsers: ") || !strings.Contains(out, "scaffold update --topology same-site") {
			t.Errorf("no warning about the browsers that keep no third-party cookie:\n%s", out)
		}
		if !strings.Contains(out, "(scaffold)") || !strings.Contains(out, "Sign in: as doctor-") || !strings.Contains(out, "__Host-access_token, __Host-refresh_token") {
			t.Errorf("report:\n%s", out)
		}
		d.checkWrites(t)

		// Inside the project: the topology comes from .scaffold.yaml.
		rep := d.doctorJSON(t, nil, "--in-project")
		d.expect(t, rep, "", "", "")
		if rep.DeclaredFrom != ".scaffold.yaml" || rep.Declared != project.CrossSite {
			t.Errorf("declared %s from %q", rep.Declared, rep.DeclaredFrom)
		}

		// The deliberately broken deployment names the setting and its fix.
		d.restart(t, "COOKIE_PARTITIONED=false")
		code, out, errOut = d.doctor(t, nil)
		if code != exitFailure || !strings.Contains(out, "✗ Partitioned: __Host-access_token is not Partitioned") ||
			!strings.Contains(out, "    fix: set COOKIE_PARTITIONED=true\n") || !strings.Contains(errOut, "1 of 15 checks failed") {
			t.Errorf("COOKIE_PARTITIONED=false: exit %d\n%s%s", code, out, errOut)
		}
		d.expect(t, d.doctorJSON(t, nil), "cookie-partitioned", "", "set COOKIE_PARTITIONED=true")

		d.restart(t, "COOKIE_SAMESITE=Lax")
		d.expect(t, d.doctorJSON(t, nil), "cookie-samesite", "", "set COOKIE_SAMESITE=None")

		// (Passkeys stay the web app's: an RP ID covers one site.)
		d.restart(t, "APP_ORIGINS="+d.web+",http://localhost:3000", "WEBAUTHN_RP_ORIGINS="+d.web)
		d.expect(t, d.doctorJSON(t, nil), "cors-foreign", "", "remove http://localhost:3000 from APP_ORIGINS")

		// (The web app's http:// twin in APP_ORIGINS cannot be tried here:
		// the API refuses to start with a plain-http origin in production.)

		// Declared same-site, deployed on two sites.
		d.restart(t)
		d.expect(t, d.doctorJSON(t, []string{"--topology", "same-site"}), "topology", "", "--topology cross-site")
	})

	t.Run("same-site", func(t *testing.T) {
		d := startDeployment(t, ca, project.Answers{Auth: project.AuthHybrid, Topology: project.SameSite}, "COOKIE_DOMAIN=example.test")
		rep := d.doctorJSON(t, nil)
		d.expect(t, rep, "", "", "")
		if r := find(rep, "sign-in"); !strings.Contains(r.Detail, "__Secure-session") {
			t.Errorf("sign-in: %+v", r)
		}
		d.checkWrites(t)

		// Without COOKIE_DOMAIN the cookies are host-only on the API: the
		// web server never sees them.
		d.restart(t, "COOKIE_DOMAIN=")
		d.expect(t, d.doctorJSON(t, nil), "cookie-scope", "", "set COOKIE_DOMAIN=example.test")
	})

	t.Run("same-origin", func(t *testing.T) {
		d := startDeployment(t, ca, project.Answers{Auth: project.AuthSession, Topology: project.SameOrigin})
		rep := d.doctorJSON(t, nil)
		d.expect(t, rep, "", "", "")
		if r := find(rep, "cors"); !strings.Contains(r.Detail, "not needed") {
			t.Errorf("cors: %+v", r)
		}
		d.checkWrites(t)

		// SameSite=None works first-party, but gives up a defense: a warning.
		d.restart(t, "COOKIE_SAMESITE=None")
		d.expect(t, d.doctorJSON(t, nil), "", "cookie-samesite", "set COOKIE_SAMESITE=Lax")
	})
}

// deployment is a generated API in production mode behind a TLS front on
// app.example.test, api.example.test and api.other.test.
type deployment struct {
	answers  project.Answers
	dir, bin string
	env      []string // the API's correct environment
	upstream atomic.Pointer[url.URL]
	api      *apiProcess
	// web and apiURL are what --web and --api get.
	web, apiURL string
	resolve     []string
	caFile      string
}

func startDeployment(t *testing.T, ca *doctortest.CA, a project.Answers, env ...string) *deployment {
	t.Helper()
	a.Name, a.Module, a.DB = "myapp", "example.com/myapp", project.SQLite
	d := &deployment{answers: a, caFile: ca.PEMFile}
	d.dir = projecttest.Generate(t, a)
	d.bin = filepath.Join(t.TempDir(), "api")
	projecttest.Run(t, filepath.Join(d.dir, "api"), nil, 5*time.Minute, "go", "build", "-o", d.bin, "./cmd/api")

	// The TLS front forwards everything to the API, keeping the Host, as
	// Caddy's reverse_proxy does (and, in same-origin, the web app's /api
	// proxy).
	front := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(d.upstream.Load())
		r.Out.Host = r.In.Host
		r.SetXForwarded()
	}}
	dep := doctortest.Deploy(t, ca, front, a.Topology)
	d.web, d.apiURL, d.resolve = dep.Web, dep.API, dep.Resolve

	d.env = []string{
		"APP_ENV=production",
		"ADDR=127.0.0.1:0",
		"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "app.db"),
		"APP_ORIGINS=" + d.web,
		"MAIL_TRANSPORT=log",
	}
	if a.Auth != project.AuthSession {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		d.env = append(d.env, "JWT_PRIVATE_KEY="+string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	}
	d.env = append(d.env, env...)
	d.restart(t)
	return d
}

// restart runs the API again with its correct environment plus overrides.
func (d *deployment) restart(t *testing.T, overrides ...string) {
	t.Helper()
	if d.api != nil {
		d.api.stop()
	}
	d.api = startAPI(t, d.bin, append(slices.Clone(d.env), overrides...))
	d.upstream.Store(&url.URL{Scheme: "http", Host: d.api.addr})
}

// doctor runs `scaffold doctor --register` against the deployment, from a
// directory outside the project, with --topology the deployment's unless
// args say otherwise. "--in-project" runs it in the project's directory
// without --topology.
func (d *deployment) doctor(t *testing.T, args []string, flags ...string) (code int, stdout, stderr string) {
	t.Helper()
	argv := []string{"doctor", "--web", d.web, "--register", "--cacert", d.caFile, "--timeout", "20s"}
	if d.apiURL != d.web {
		argv = append(argv, "--api", d.apiURL)
	}
	for _, r := range d.resolve {
		argv = append(argv, "--resolve", r)
	}
	if slices.Contains(flags, "--in-project") {
		t.Chdir(d.dir)
	} else {
		t.Chdir(t.TempDir())
		if !slices.Contains(args, "--topology") {
			argv = append(argv, "--topology", string(d.answers.Topology))
		}
	}
	for _, f := range flags {
		if f != "--in-project" {
			argv = append(argv, f)
		}
	}
	argv = append(argv, args...)
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	code = Execute(build{Version: "v0.0.0-test"}, argv, ios)
	return code, out.String(), errOut.String()
}

// doctorJSON is doctor with --json, its report decoded.
func (d *deployment) doctorJSON(t *testing.T, args []string, flags ...string) *doctor.Report {
	t.Helper()
	code, out, errOut := d.doctor(t, args, append(flags, "--json")...)
	var rep doctor.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, not a JSON report: %v\n%s%s%s", code, err, out, errOut, d.api.report())
	}
	if want := map[bool]int{false: exitOK, true: exitFailure}[rep.Failed > 0]; code != want {
		t.Errorf("exit %d with %d failed checks", code, rep.Failed)
	}
	return &rep
}

// expect asserts that exactly the check fails (none when ""), exactly the
// check warns (besides HSTS while the API does not send it), nothing is
// skipped, the run stayed within its request budget, and the fix of the
// failing or warning check says fix.
func (d *deployment) expect(t *testing.T, rep *doctor.Report, fails, warns, fix string) {
	t.Helper()
	var gotFails, gotWarns, skips []string
	for _, c := range rep.Checks {
		switch c.Status {
		case doctor.Fail:
			gotFails = append(gotFails, c.ID)
		case doctor.Warn:
			// Every cross-site deployment gets that one, checked above.
			if c.ID != "browsers" || rep.Topology != project.CrossSite {
				gotWarns = append(gotWarns, c.ID)
			}
		case doctor.Skip:
			skips = append(skips, c.ID)
		}
	}
	want := func(id string) []string {
		if id == "" {
			return nil
		}
		return []string{id}
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !slices.Equal(gotFails, want(fails)) || !slices.Equal(gotWarns, want(warns)) || len(skips) > 0 {
		t.Errorf("failed %v (want %v), warned %v (want %v), skipped %v\n%s", gotFails, want(fails), gotWarns, want(warns), skips, text.String())
	}
	if id := fails + warns; id != "" && !strings.Contains(find(rep, id).Fix, fix) {
		t.Errorf("%s fix %q, want it to say %q", id, find(rep, id).Fix, fix)
	}
	if !rep.ScaffoldAPI {
		t.Error("the API was not recognized as scaffold's")
	}
	if rep.Requests > doctor.MaxRequests {
		t.Errorf("%d requests", rep.Requests)
	}
}

// checkWrites asserts, from the API's request log, that a run wrote nothing
// but the throwaway account and its own sign-in and sign-out.
func (d *deployment) checkWrites(t *testing.T) {
	t.Helper()
	reqs := d.api.requests()
	if len(reqs) == 0 {
		t.Fatalf("the API logged no requests; cannot tell what the doctor wrote\n%s", d.api.report())
	}
	allowed := map[string]bool{"POST /api/auth/register": true, "POST /api/auth/login": true, "POST /api/auth/logout": true}
	for _, r := range reqs {
		if m, _, _ := strings.Cut(r, " "); m != http.MethodGet && m != http.MethodOptions && !allowed[r] {
			t.Errorf("the doctor wrote %s", r)
		}
	}
}

func find(rep *doctor.Report, id string) doctor.Result {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return doctor.Result{}
}

// checkLines are the lines of a text report that report a check.
func checkLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		for _, sym := range []string{"✓ ", "✗ ", "! ", "- "} {
			if strings.HasPrefix(l, sym) {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// apiProcess is a running generated API.
type apiProcess struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan struct{}
}

func startAPI(t *testing.T, bin string, env []string) *apiProcess {
	t.Helper()
	p := &apiProcess{done: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Dir = filepath.Dir(bin)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	addr := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			p.mu.Lock()
			p.log.Write(line)
			p.log.WriteByte('\n')
			p.mu.Unlock()
			var entry struct{ Msg, Addr string }
			if json.Unmarshal(line, &entry) == nil && entry.Msg == "listening" {
				addr <- entry.Addr
			}
		}
		p.cmd.Wait()
	}()
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("the API exited at startup\n%s", p.report())
	case <-time.After(30 * time.Second):
		t.Fatalf("the API did not start in 30s\n%s", p.report())
	}
	return p
}

// stop ends the API and waits for it.
func (p *apiProcess) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

func (p *apiProcess) report() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "--- API log:\n" + p.log.String()
}

// requests are the "METHOD /path" of every request the API logged.
func (p *apiProcess) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, line := range strings.Split(p.log.String(), "\n") {
		var entry struct{ Method, Path string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Method != "" {
			out = append(out, fmt.Sprintf("%s %s", entry.Method, entry.Path))
		}
	}
	return out
}
