package projecttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// Every combination of answers has its API package, every auth mode and
// topology its web package, and nothing else is there: a new choice cannot
// go unchecked. (Each package checks that it is named for what it checks.)
func TestEveryCombinationHasItsPackages(t *testing.T) {
	want := map[string][]string{}
	for _, a := range project.All("myapp") {
		want["api"] = append(want["api"], a.Key())
	}
	for _, a := range project.AuthChoices {
		for _, tp := range project.TopologyChoices {
			want["web"] = append(want["web"], WebPackageName(project.Auth(a.Value), project.Topology(tp.Value)))
		}
	}
	for _, side := range []string{"api", "web"} {
		slices.Sort(want[side])
		entries, err := os.ReadDir(side)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
			test := map[string]string{"api": "api_test.go", "web": "web_test.go"}[side]
			if _, err := os.Stat(filepath.Join(side, e.Name(), test)); err != nil {
				t.Errorf("%s/%s has no %s", side, e.Name(), test)
			}
		}
		if !slices.Equal(got, want[side]) {
			t.Errorf("%s/ holds %q, want %q", side, got, want[side])
		}
	}
}

// Three projects per web package: SQLite first (the one CheckWeb builds),
// then PostgreSQL with and without Redis.
func TestVariants(t *testing.T) {
	total := 0
	for _, a := range project.AuthChoices {
		for _, tp := range project.TopologyChoices {
			vs := Variants(project.Auth(a.Value), project.Topology(tp.Value))
			total += len(vs)
			if len(vs) != 3 || vs[0].DB != project.SQLite {
				t.Errorf("%s-%s: %v", a.Value, tp.Value, vs)
			}
		}
	}
	if n := len(project.All("x")); total != n {
		t.Errorf("the packages check %d projects of %d", total, n)
	}
}

// WebDiff sees a difference where there is one, so CheckWeb's check that
// the database leaves the web app alone is not vacuous.
func TestWebDiff(t *testing.T) {
	vs := Variants(project.AuthJWT, project.CrossSite)
	other := Variants(project.AuthSession, project.CrossSite)[0]
	if diff := WebDiff(t, vs[0], other); len(diff) == 0 {
		t.Error("no difference between the web apps of jwt and session")
	}
	if diff := WebDiff(t, vs[0], vs[0]); len(diff) != 0 {
		t.Errorf("a project differs from itself: %v", diff)
	}
}

// TestTestResults runs go test -json on a module whose tests pass, skip and
// fail, and finds the skipped and the failed one with their output.
func TestTestResults(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"m_test.go": `package m

import "testing"

func TestPasses(t *testing.T) { t.Log("fine") }
func TestSkips(t *testing.T)  { t.Skip("no server here") }
func TestFails(t *testing.T)  { t.Error("it broke") }
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-json", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err == nil {
		t.Fatal("go test passed with a failing test")
	}
	failed, skipped := testResults(out)
	if len(skipped) != 1 || !strings.Contains(skipped[0], "no server here") {
		t.Errorf("skipped = %q, want TestSkips's output", skipped)
	}
	// The test, then its package.
	if len(failed) != 2 || !strings.Contains(failed[0], "it broke") || !strings.Contains(failed[1], "FAIL") {
		t.Errorf("failed = %q, want TestFails's output and the package's", failed)
	}
}
