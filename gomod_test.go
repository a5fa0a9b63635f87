package scaffold_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// moduleVariants are the branches of templates/api/go.mod.tmpl and
// go.sum.tmpl, in order: the first whose condition holds is rendered. Each
// is a set of imports the API's templates pull in; a new dependency that
// only some projects use needs a condition here and -update.
var moduleVariants = []struct {
	cond  string // the template condition, "" for the final else
	holds func(p *project.Project) bool
}{
	{"and .Redis .BearerTokens", func(p *project.Project) bool { return p.Redis && p.BearerTokens }},
	{".Redis", func(p *project.Project) bool { return p.Redis }},
	{"and .BearerTokens .Postgres", func(p *project.Project) bool { return p.BearerTokens && p.Postgres }},
	{".BearerTokens", func(p *project.Project) bool { return p.BearerTokens }},
	{".Postgres", func(p *project.Project) bool { return p.Postgres }},
	{"", func(*project.Project) bool { return true }},
}

// TestModuleFilesAreTidy checks that every generated API's go.mod and go.sum
// are what `go mod tidy` makes of its code, so that a generated project
// builds offline from its module cache and reviews show real dependency
// changes. With -update it runs go mod tidy on one project per variant and
// rewrites the two templates.
func TestModuleFilesAreTidy(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running go mod tidy")
	}
	var mods, sums []string
	for i, v := range moduleVariants {
		var rep *project.Answers
		for _, a := range combinations() {
			p, err := project.Resolve(a, goldenVersion)
			if err != nil {
				t.Fatal(err)
			}
			if variantOf(p) == i {
				rep = &a
				break
			}
		}
		if rep == nil {
			t.Fatalf("no combination renders variant %q", v.cond)
		}
		dir := writeAPI(t, *rep)
		if !*update {
			if out, err := goCmd(dir, "mod", "tidy", "-diff"); err != nil {
				t.Errorf("%s (variant %q): api/go.mod and go.sum are not tidy; run go test -run TestModuleFilesAreTidy -update .\n%s", rep.Key(), v.cond, out)
			}
			continue
		}
		if out, err := goCmd(dir, "mod", "tidy"); err != nil {
			t.Fatalf("go mod tidy in %s: %v\n%s", rep.Key(), err, out)
		}
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		_, requires, ok := bytes.Cut(mod, []byte("\ngo 1.26.0\n"))
		if !ok {
			t.Fatalf("%s: go.mod lost its go line:\n%s", rep.Key(), mod)
		}
		mods = append(mods, string(requires))
		sums = append(sums, string(sum))
	}
	if !*update {
		return
	}
	writeVariants(t, "templates/api/go.mod.tmpl", "module {{.Module}}\n\ngo 1.26.0\n", mods)
	writeVariants(t, "templates/api/go.sum.tmpl", "", sums)
}

func variantOf(p *project.Project) int {
	for i, v := range moduleVariants {
		if v.holds(p) {
			return i
		}
	}
	return -1
}

// writeAPI renders a's project and returns its api/ directory.
func writeAPI(t *testing.T, a project.Answers) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), a.Name)
	if err := render.Write(context.Background(), dir, renderProject(t, a), render.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "api")
}

func goCmd(dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// writeVariants writes header and one {{if}} branch per variant.
func writeVariants(t *testing.T, path, header string, bodies []string) {
	var b strings.Builder
	b.WriteString(header)
	for i, v := range moduleVariants {
		switch {
		case i == 0:
			fmt.Fprintf(&b, "{{if %s}}", v.cond)
		case v.cond == "":
			b.WriteString("{{else}}")
		default:
			fmt.Fprintf(&b, "{{else if %s}}", v.cond)
		}
		b.WriteString(bodies[i])
	}
	b.WriteString("{{end}}")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReferenceVersions: the reference API builds and tests in this
// module, so this go.mod must select exactly the version of each module the
// reference project's go.mod requires: what its tests prove is what a
// project gets. Raise a version in both (go get here, then
// go test -run TestModuleFilesAreTidy -update .).
func TestReferenceVersions(t *testing.T) {
	var generated []byte
	for _, f := range renderProject(t, scaffold.ReferenceAnswers()) {
		if f.Path == "api/go.mod" {
			generated = f.Data
		}
	}
	gen, err := modfile.ParseLax("api/go.mod", generated, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	own, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	selected := map[string]string{}
	for _, r := range own.Require {
		selected[r.Mod.Path] = r.Mod.Version
	}
	if len(gen.Require) == 0 {
		t.Fatal("the reference project's go.mod requires nothing")
	}
	for _, r := range gen.Require {
		if v := selected[r.Mod.Path]; v != r.Mod.Version {
			t.Errorf("%s: the reference project requires %s, this module selects %q", r.Mod.Path, r.Mod.Version, v)
		}
	}
}
