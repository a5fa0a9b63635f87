// Package projecttest generates projects and runs their own checks (build,
// vet, tests, type-check, lint, production build), so that scaffold's tests
// prove every combination of answers gives a working project.
//
// The checks are split into small test packages, each a few lines calling
// CheckAPI or CheckWeb: one per combination of answers for the APIs
// (api/session-same-origin-sqlite, api/jwt-cross-site-postgres-redis, ...)
// and one per auth mode and topology for the web apps (web/jwt-cross-site,
// ...), which the database does not change. So each does a bounded amount
// of work, stays far inside go test's per-package timeout on a loaded
// machine, and the cores of a CI machine work on several at once.
package projecttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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

// Variants returns the answer sets of one auth mode and topology: one per
// database (and Redis), SQLite first.
func Variants(auth project.Auth, topology project.Topology) []project.Answers {
	var out []project.Answers
	for _, a := range Combinations(auth) {
		if a.Topology == topology {
			out = append(out, a)
		}
	}
	return out
}

// WebPackageName is the directory, under web/, of the test package that
// checks the web app of auth and topology: "session-same-origin". (Under
// api/, a package is named for its project's key.)
func WebPackageName(auth project.Auth, topology project.Topology) string {
	return string(auth) + "-" + string(topology)
}

// checkPackage fails unless the test runs in the package named want, under
// side (go test runs a package's tests in its directory), so a package
// copied for a new combination cannot check another one's project.
func checkPackage(t *testing.T, side, want string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(wd) != want || filepath.Base(filepath.Dir(wd)) != side {
		t.Fatalf("the package in %s checks the %s of %s: it belongs in internal/projecttest/%s/%s",
			wd, map[string]string{"api": "API", "web": "web app"}[side], want, side, want)
	}
}

// Render renders the project of a, stamped with version, in memory.
func Render(t testing.TB, a project.Answers, version string) []render.File {
	t.Helper()
	p, err := project.Resolve(a, version)
	if err != nil {
		t.Fatal(err)
	}
	files, err := render.Render(context.Background(), scaffold.Templates(), p, scaffold.RenderOptions(p.Module))
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

// command is name with args, to run in dir with env added to this
// process's, killed with all its children when ctx ends.
func command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Kill the whole process group on timeout: npm and go start children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Run runs a command in dir and fails the test with its output if it fails
// or runs past timeout. It returns the combined output.
func Run(t testing.TB, dir string, env []string, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := command(ctx, dir, env, name, args...)
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

// serviceEnv lists the variables that point the generated APIs' tests at
// PostgreSQL and Redis.
var serviceEnv = []string{"TEST_DATABASE_URL", "TEST_REDIS_URL"}

// CheckAPI generates the project whose key is key (such as
// "session-same-origin-postgres-redis") and, in api/, checks that gofmt has
// nothing to say, go vet passes, the binary builds and the API's own tests
// pass, none of them skipped. Its PostgreSQL and Redis tests run against
// TEST_DATABASE_URL and TEST_REDIS_URL when these are set, else the servers
// the project's defaults name. The reference project's tests run as its
// `make test-api` runs them, with the race detector.
func CheckAPI(t *testing.T, key string) {
	checkPackage(t, "api", key)
	a, ok := byKey(key)
	if !ok {
		t.Fatalf("no combination of answers is %q", key)
	}
	// Read here, not only inherited by the API's tests, so that go test's
	// cache tells a run with them from one without.
	var env []string
	for _, k := range serviceEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if testing.Short() {
		t.Skip("-short: not building the generated APIs")
	}
	api := filepath.Join(Generate(t, a), "api")
	if out := Run(t, api, nil, 2*time.Minute, "gofmt", "-l", "."); strings.TrimSpace(out) != "" {
		t.Errorf("gofmt -l: these files are not formatted:\n%s", out)
	}
	Run(t, api, nil, 5*time.Minute, "go", "vet", "./...")
	// No function the project never calls: code only other answers need
	// belongs in their lines of the reference (see internal/render).
	if out := Run(t, api, nil, 5*time.Minute, deadcode(t), "-test", "./..."); strings.TrimSpace(out) != "" {
		t.Errorf("deadcode -test ./... finds unreachable functions:\n%s", out)
	}
	Run(t, api, nil, 5*time.Minute, "go", "build", "-o", filepath.Join(t.TempDir(), "api"), "./cmd/api")
	goTest(t, api, env, 6*time.Minute, "./...")
	if key == scaffold.ReferenceAnswers().Key() {
		Run(t, filepath.Dir(api), env, 10*time.Minute, "make", "test-api")
	}
	// The hot-path benchmark runs, briefly: it must work; its figures are
	// for scripts/hotpath and the README, not for a test to judge.
	Run(t, api, env, 3*time.Minute, "go", "test", "-run", "^$", "-bench", "HotPath", "-benchtime", "200x", "./internal/httpapi")
}

// goTest runs go test -json on pkgs in dir and fails t with the output of
// every test that failed or was skipped: a generated project's tests run
// on every service it uses, so a skip is a failure too.
func goTest(t *testing.T, dir string, env []string, timeout time.Duration, pkgs ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := command(ctx, dir, env, "go", append([]string{"test", "-count=1", "-json"}, pkgs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	t.Logf("go test -json %s (in %s)", strings.Join(pkgs, " "), filepath.Base(dir))
	if ctx.Err() != nil {
		t.Fatalf("go test: timed out after %s", timeout)
	}

	failed, skipped := testResults(stdout)
	for _, out := range failed {
		t.Errorf("failed:\n%s", tail(out, 60))
	}
	for _, out := range skipped {
		t.Errorf("skipped:\n%s", tail(out, 10))
	}
	if err != nil && len(failed) == 0 {
		t.Errorf("go test: %v\n%s", err, tail(stderr.String(), 40))
	}
}

// testResults reads the output of go test -json and returns the output of
// each test (or package) that failed and of each test that was skipped.
func testResults(jsonOut []byte) (failed, skipped []string) {
	type event struct{ Action, Package, Test, Output string }
	outputs := map[[2]string]*strings.Builder{}
	dec := json.NewDecoder(bytes.NewReader(jsonOut))
	for {
		var e event
		if err := dec.Decode(&e); err != nil {
			return failed, skipped
		}
		key := [2]string{e.Package, e.Test}
		if outputs[key] == nil {
			outputs[key] = &strings.Builder{}
		}
		switch e.Action {
		case "output":
			outputs[key].WriteString(e.Output)
		case "fail":
			failed = append(failed, outputs[key].String())
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, outputs[key].String())
			}
		}
	}
}

// deadcode returns the path of golang.org/x/tools/cmd/deadcode, a tool of
// scaffold's module, built by the go command (and cached by it).
func deadcode(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find scaffold's module")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	// The path is the last line: the go command may first say what it
	// downloads.
	out := strings.TrimSpace(Run(t, root, nil, 5*time.Minute, "go", "tool", "-n", "deadcode"))
	return out[strings.LastIndexByte(out, '\n')+1:]
}

// byKey returns the answers whose key is key.
func byKey(key string) (project.Answers, bool) {
	for _, a := range project.All("myapp") {
		if a.Key() == key {
			a.Module = "example.com/myapp"
			return a, true
		}
	}
	return project.Answers{}, false
}

// CheckWeb checks the web app of auth and topology: in web/, npm ci, the
// staleness check of its API types and the lint of the API's contract, the
// type-check, the linter and the production build. The database does not
// change the web app, so it builds the SQLite project's only, after checking
// (also with -short) that the other projects' web/ trees are the same, byte
// for byte, but for the types generated from the contract, which Redis
// changes (its 503 answers): a project whose types differ gets the contract
// checks and the type-check too.
//
// Every combination has the same package-lock.json, so npm ci runs once per
// lock file into a shared cache directory and each project gets a
// hard-linked copy of node_modules.
func CheckWeb(t *testing.T, auth project.Auth, topology project.Topology) {
	checkPackage(t, "web", WebPackageName(auth, topology))
	variants := Variants(auth, topology)
	if len(variants) == 0 || variants[0].DB != project.SQLite {
		t.Fatalf("no SQLite project among %v", variants)
	}
	var otherTypes []project.Answers
	for _, a := range variants[1:] {
		switch diff := WebDiff(t, variants[0], a); {
		case len(diff) == 0:
		case slices.Equal(diff, []string{contractTypes}):
			otherTypes = append(otherTypes, a)
		default:
			t.Errorf("the web app of %s differs from that of %s in %s: CheckWeb builds only the latter; build each web app that differs",
				a.Key(), variants[0].Key(), strings.Join(diff, ", "))
		}
	}
	if testing.Short() {
		t.Skip("-short: not building the generated web apps")
	}
	t.Run(variants[0].Key(), func(t *testing.T) {
		web := filepath.Join(Generate(t, variants[0]), "web")
		InstallNodeModules(t, web)
		checkContract(t, web)
		Run(t, web, nil, 5*time.Minute, "npm", "run", "lint")
		Run(t, web, []string{"NEXT_TELEMETRY_DISABLED=1"}, 8*time.Minute, "npm", "run", "build")
	})
	for _, a := range otherTypes {
		t.Run(a.Key(), func(t *testing.T) {
			web := filepath.Join(Generate(t, a), "web")
			InstallNodeModules(t, web)
			checkContract(t, web)
		})
	}
}

// contractTypes is the web app's file generated from the API's contract.
const contractTypes = "web/lib/openapi.d.ts"

// checkContract runs, in a project's web/, the checks of the API's contract
// its CI runs: its types are those openapi-typescript generates from
// api/openapi.yaml, Redocly's linter passes the document, and the app
// type-checks with them.
func checkContract(t *testing.T, web string) {
	t.Helper()
	Run(t, web, nil, 2*time.Minute, "npm", "run", "check:api")
	Run(t, web, nil, 2*time.Minute, "npm", "run", "lint:api")
	Run(t, web, nil, 5*time.Minute, "npm", "run", "typecheck")
}

// WebDiff lists the files under web/ that differ between the projects of a
// and b (contents or mode), or that only one of them has.
func WebDiff(t testing.TB, a, b project.Answers) []string {
	t.Helper()
	web := func(ans project.Answers) map[string]render.File {
		files := map[string]render.File{}
		for _, f := range Render(t, ans, Version) {
			if strings.HasPrefix(f.Path, "web/") {
				files[f.Path] = f
			}
		}
		return files
	}
	fa, fb := web(a), web(b)
	var diff []string
	for p, f := range fa {
		if g, ok := fb[p]; !ok || !bytes.Equal(f.Data, g.Data) || f.Mode != g.Mode {
			diff = append(diff, p)
		}
	}
	for p := range fb {
		if _, ok := fa[p]; !ok {
			diff = append(diff, p)
		}
	}
	slices.Sort(diff)
	return diff
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
