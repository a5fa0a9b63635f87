package doctor

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// startPython runs testdata/djangoish.py, a Django-shaped API written with
// Python's http.server, and returns its URL.
func startPython(t *testing.T, args ...string) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to test a non-Go backend (apt-get install python3)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, python, append([]string{filepath.Join("testdata", "djangoish.py")}, args...)...)
	// python3 may be a launcher (pyenv's shim) that starts the interpreter:
	// stop the whole process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Read only once the process has ended (in the cleanup).
	var log strings.Builder
	cmd.Stderr = &log
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("djangoish.py log:\n%s", log.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ready:
		port, ok := strings.CutPrefix(line, "PORT ")
		if !ok {
			t.Fatalf("djangoish.py did not start: %q", line)
		}
		return "http://localhost:" + port
	case <-time.After(30 * time.Second):
		t.Fatal("djangoish.py not ready after 30s")
	}
	return ""
}

// TestPythonBackend diagnoses a backend that is not scaffold's, signing in
// with a form and a username field: a correct one passes, and its mistakes
// are named with the generic header or attribute, never a scaffold variable.
func TestPythonBackend(t *testing.T) {
	const webOrigin = "http://localhost:3000"
	options := func(api string) Options {
		web, _ := ParseURL(webOrigin)
		u, err := ParseURL(api)
		if err != nil {
			t.Fatal(err)
		}
		return Options{
			Web: web, API: u, Declared: project.SameSite,
			User: "ada", Password: "correct horse battery staple",
			UserField: "username", Form: true,
			LoginPath: "/accounts/login/", MePath: "/api/me/", LogoutPath: "/accounts/logout/",
			Timeout: 5 * time.Second,
		}
	}

	t.Run("correct", func(t *testing.T) {
		t.Parallel()
		rep := run(t, options(startPython(t, "--origin", webOrigin)))
		if bad := append(statuses(rep, Fail), append(statuses(rep, Warn), statuses(rep, Skip)...)...); len(bad) > 0 {
			t.Fatalf("checks not passed: %v\n%s", bad, dump(rep))
		}
		if rep.ScaffoldAPI {
			t.Error("taken for a scaffold API")
		}
		if r := result(rep, "cookie-httponly"); !strings.Contains(r.Detail, "csrftoken: a CSRF token") {
			t.Errorf("the script-readable CSRF token cookie: %+v", r)
		}
	})

	t.Run("broken", func(t *testing.T) {
		t.Parallel()
		rep := run(t, options(startPython(t, "--origin", webOrigin, "--reflect", "--no-httponly")))
		if got := statuses(rep, Fail); !slices.Equal(got, []string{"cors-foreign", "cookie-httponly"}) {
			t.Fatalf("failed %v, want [cors-foreign cookie-httponly]\n%s", got, dump(rep))
		}
		if fix := result(rep, "cookie-httponly").Fix; fix != "add HttpOnly to Set-Cookie: sessionid" {
			t.Errorf("HttpOnly fix %q", fix)
		}
		if fix := result(rep, "cors-foreign").Fix; !strings.Contains(fix, "never echo the request's Origin") {
			t.Errorf("CORS fix %q", fix)
		}
		for _, c := range rep.Checks {
			if strings.Contains(c.Fix, "COOKIE_") || strings.Contains(c.Fix, "APP_ORIGINS") {
				t.Errorf("%s: fix names a scaffold variable: %s", c.ID, c.Fix)
			}
		}
	})
}
