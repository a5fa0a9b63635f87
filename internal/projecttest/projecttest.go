// Package projecttest generates projects and runs their own checks (build,
// vet, tests, type-check, lint, production build), so that scaffold's tests
// prove every combination of answers gives a working project.
//
// The checks are split into one test package per auth mode and side
// (api/session, web/jwt, ...) so that each stays far inside go test's
// per-package timeout and the two cores of a CI machine work on two at once.
package projecttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// Version is the scaffold version generated projects are stamped with.
const Version = "v0.0.0-test"

// Combinations returns every answer set for auth, topology first.
func Combinations(auth project.Auth) []project.Answers {
	var out []project.Answers
	for _, a := range project.All("myapp") {
		if a.Auth == auth {
			a.Module = "example.com/myapp"
			out = append(out, a)
		}
	}
	return out
}

// Render renders the project of a, stamped with version, in memory.
func Render(t testing.TB, a project.Answers, version string) []render.File {
	t.Helper()
	p, err := project.Resolve(a, version)
	if err != nil {
		t.Fatal(err)
	}
	files, err := render.Render(context.Background(), scaffold.Templates(), p, render.Options{Executable: scaffold.Executable})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Generate renders a into a new directory and returns the project's path.
func Generate(t testing.TB, a project.Answers) string {
	t.Helper()
	files := Render(t, a, Version)
	dir := filepath.Join(t.TempDir(), a.Name)
	if err := render.Write(context.Background(), dir, files, render.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Run runs a command in dir and fails the test with its output if it fails
// or runs past timeout. It returns the combined output.
func Run(t testing.TB, dir string, env []string, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Kill the whole process group on timeout: npm and go start children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s (in %s): %s", name, strings.Join(args, " "), filepath.Base(dir), time.Since(start).Round(100*time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %s\n%s", name, strings.Join(args, " "), timeout, tail(out.String(), 80))
	}
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, tail(out.String(), 200))
	}
	return out.String()
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines cut)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// CheckAPI generates every project of the auth mode and, in api/, checks
// that gofmt has nothing to say, go vet passes, the binary builds and the
// API's own tests pass. Postgres projects run their tests against
// TEST_DATABASE_URL when it is set; the API's tests say what they skip.
func CheckAPI(t *testing.T, auth project.Auth) {
	if testing.Short() {
		t.Skip("-short: not building the generated APIs")
	}
	for _, a := range Combinations(auth) {
		t.Run(a.Key(), func(t *testing.T) {
			api := filepath.Join(Generate(t, a), "api")
			if out := Run(t, api, nil, 2*time.Minute, "gofmt", "-l", "."); strings.TrimSpace(out) != "" {
				t.Errorf("gofmt -l: these files are not formatted:\n%s", out)
			}
			Run(t, api, nil, 5*time.Minute, "go", "vet", "./...")
			Run(t, api, nil, 5*time.Minute, "go", "build", "-o", filepath.Join(t.TempDir(), "api"), "./cmd/api")
			Run(t, api, nil, 6*time.Minute, "go", "test", "-count=1", "./...")
		})
	}
}

// CheckWeb generates the projects of the auth mode (the database does not
// change the web app) and, in web/, runs npm ci, the type-check, the linter
// and the production build.
//
// Every combination has the same package-lock.json, so npm ci runs once per
// lock file into a shared cache directory and each project gets a
// hard-linked copy of node_modules.
func CheckWeb(t *testing.T, auth project.Auth) {
	if testing.Short() {
		t.Skip("-short: not building the generated web apps")
	}
	for _, a := range Combinations(auth) {
		if a.DB != project.SQLite {
			continue
		}
		t.Run(a.Key(), func(t *testing.T) {
			web := filepath.Join(Generate(t, a), "web")
			InstallNodeModules(t, web)
			Run(t, web, nil, 5*time.Minute, "npm", "run", "typecheck")
			Run(t, web, nil, 5*time.Minute, "npm", "run", "lint")
			Run(t, web, []string{"NEXT_TELEMETRY_DISABLED=1"}, 8*time.Minute, "npm", "run", "build")
		})
	}
}

// InstallNodeModules gives web a node_modules installed by `npm ci` from its
// own lock file, sharing one installation among projects with the same lock
// file.
func InstallNodeModules(t testing.TB, web string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(web, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The lock file holds every package npm ci installs, and the
	// dependencies of package.json; the project's name aside, projects whose
	// locks are equal get equal node_modules (their scripts may differ).
	key := sha256.Sum256(bytes.ReplaceAll(lock, []byte(`"myapp"`), nil))
	cacheRoot, err := os.UserCacheDir()
	if err != nil {
		cacheRoot = os.TempDir()
	}
	shared := filepath.Join(cacheRoot, "scaffold-test", fmt.Sprintf("web-%x-%s", key[:8], runtime.Version()))
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}

	// One npm ci at a time across test processes: the web packages run in
	// parallel.
	unlock := lockFile(t, shared+".lock")
	defer unlock()
	if _, err := os.Stat(filepath.Join(shared, ".complete")); err != nil {
		os.RemoveAll(filepath.Join(shared, "node_modules"))
		for _, f := range []string{"package.json", "package-lock.json"} {
			b, _ := os.ReadFile(filepath.Join(web, f))
			if err := os.WriteFile(filepath.Join(shared, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		Run(t, shared, []string{"npm_config_fund=false", "npm_config_audit=false", "npm_config_update_notifier=false"}, 10*time.Minute, "npm", "ci")
		if err := os.WriteFile(filepath.Join(shared, ".complete"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	Run(t, web, nil, 5*time.Minute, "cp", "-al", filepath.Join(shared, "node_modules"), filepath.Join(web, "node_modules"))
}

// lockFile takes an exclusive lock on name and returns its release.
func lockFile(t testing.TB, name string) func() {
	t.Helper()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
