package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// TestUpdatedProjectBuilds is the user's week: generate a project, add a
// package of their own, edit a file no answer touches and, in other lines,
// files the update rewrites; then move the API to another domain, and later
// to hybrid auth on PostgreSQL. After each update the user's work is there,
// the API builds and passes its own tests and the web app type-checks. The
// API's Postgres tests run when TEST_DATABASE_URL is set.
func TestUpdatedProjectBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building the updated project")
	}
	isolateGit(t)
	dir := filepath.Join(t.TempDir(), "myapp")
	if code, _, errOut := runScaffold(t, "v1.0.0", nil, nil, "new", "myapp", "--yes", "--module", "example.com/myapp", "--dir", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}

	// A package of their own, with a test.
	write(t, dir, "api/internal/greeting/greeting.go", "// Package greeting is the team's own code.\npackage greeting\n\n// Hello greets name.\nfunc Hello(name string) string { return \"Hello, \" + name }\n")
	write(t, dir, "api/internal/greeting/greeting_test.go", "package greeting\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {\n\tif got := Hello(\"Ada\"); got != \"Hello, Ada\" {\n\t\tt.Errorf(\"Hello = %q\", got)\n\t}\n}\n")
	// An edit where no answer reaches.
	appendTo(t, dir, "Makefile", "\n# Team: run make test before every push.\n")
	// Edits in files the updates rewrite, away from the lines they change.
	prependTo(t, dir, "api/internal/config/config.go", "// Reviewed by the team in week 1.\n\n")
	appendTo(t, dir, "web/lib/config.ts", "\n// Reviewed by the team in week 1.\n")
	projecttest.Run(t, dir, nil, time.Minute, "git", "add", "-A")
	projecttest.Run(t, dir, nil, time.Minute, "git", "commit", "-qm", "A week of work")
	mine := "Makefile\napi/internal/config/config.go\napi/internal/greeting/greeting.go\napi/internal/greeting/greeting_test.go\nweb/lib/config.ts"

	update := func(args ...string) {
		t.Helper()
		code, out, errOut := runScaffold(t, "v1.0.0", nil, nil, append([]string{"update", "--dir", dir}, args...)...)
		if code != 0 {
			t.Fatalf("update %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
		t.Logf("update %s:\n%s", strings.Join(args, " "), out)
		if diff := gitOut(t, dir, "diff", "--name-only", "scaffold", "HEAD"); diff != mine {
			t.Errorf("after update %s the project differs from the render in\n%s\nwant the user's files\n%s", strings.Join(args, " "), diff, mine)
		}
		for file, text := range map[string]string{
			"Makefile":                      "# Team: run make test before every push.",
			"api/internal/config/config.go": "// Reviewed by the team in week 1.",
			"web/lib/config.ts":             "// Reviewed by the team in week 1.",
		} {
			if b, _ := os.ReadFile(filepath.Join(dir, file)); !bytes.Contains(b, []byte(text)) {
				t.Errorf("after update %s, %s lost the user's line %q", strings.Join(args, " "), file, text)
			}
		}
	}
	checkAPI := func() {
		t.Helper()
		api := filepath.Join(dir, "api")
		if out := projecttest.Run(t, api, nil, 2*time.Minute, "gofmt", "-l", "."); strings.TrimSpace(out) != "" {
			t.Errorf("gofmt -l:\n%s", out)
		}
		projecttest.Run(t, api, nil, 5*time.Minute, "go", "vet", "./...")
		projecttest.Run(t, api, nil, 5*time.Minute, "go", "build", "-o", filepath.Join(t.TempDir(), "api"), "./cmd/api")
		projecttest.Run(t, api, nil, 6*time.Minute, "go", "test", "-count=1", "./...")
	}

	update("--topology", "cross-site")
	if b, _ := os.ReadFile(filepath.Join(dir, "web/lib/config.ts")); !bytes.Contains(b, []byte(`credentials: RequestCredentials = "include"`)) {
		t.Errorf("web/lib/config.ts is not wired for cross-site:\n%s", b)
	}
	checkAPI()
	web := filepath.Join(dir, "web")
	projecttest.InstallNodeModules(t, web)
	projecttest.Run(t, web, nil, 5*time.Minute, "npm", "run", "typecheck")
	// node_modules is ignored by the project's .gitignore: the next update
	// finds a clean tree.

	update("--auth", "hybrid", "--db", "postgres")
	checkAPI()
	projecttest.Run(t, web, nil, 5*time.Minute, "npm", "run", "typecheck")
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, dir, name, text string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, string(b)+text)
}

func prependTo(t *testing.T, dir, name, text string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, text+string(b))
}
