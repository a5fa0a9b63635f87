package scaffold_test

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// referenceSources returns every Go, SQL and YAML file of the reference API, by
// path under templates/api.
func referenceSources(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	root := os.DirFS("templates/api")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := path.Ext(p); ext == ".go" || ext == ".sql" || ext == ".yaml" {
			files[p], err = fs.ReadFile(root, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no reference sources under templates/api")
	}
	return files
}

// TestReferenceIsTheReferenceProject: what Go's tools build and test in
// templates/api is, file for file, the project of scaffold.ReferenceAnswers,
// up to blank lines, so the reference's own tests prove that project, and a
// //~ line or a // scaffold:line marker cannot drift from what it gets.
func TestReferenceIsTheReferenceProject(t *testing.T) {
	rendered := map[string][]byte{}
	for _, f := range projecttest.Render(t, scaffold.ReferenceAnswers(), goldenVersion) {
		if rest, ok := strings.CutPrefix(f.Path, "api/"); ok {
			rendered[rest] = f.Data
		}
	}
	for p, src := range referenceSources(t) {
		code, ok := render.Reference(p, src)
		if !ok {
			if _, written := rendered[p]; written {
				t.Errorf("%s is left out of the reference's build, yet the reference project has it", p)
			}
			continue
		}
		if path.Ext(p) == ".go" {
			var err error
			if code, err = format.Source(code); err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
		}
		got, ok := rendered[p]
		got, code = squeezeBlank(got), squeezeBlank(code)
		switch {
		case !ok:
			t.Errorf("%s is in the reference's build, yet the reference project does not have it (a // scaffold:file condition it does not meet?)", p)
		case !bytes.Equal(got, code):
			t.Errorf("%s differs from the reference project's file:\n%s", p, lineDiff(code, got))
		}
	}
}

// lineDiff names the first line where a and b differ.
func lineDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  reference: %s\n  project:   %s", i+1, x, y)
		}
	}
	return ""
}

// squeezeBlank collapses runs of blank lines into one and drops those at
// either end: a marker may stand where a project has a blank line.
func squeezeBlank(b []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return []byte(strings.Join(out, "\n"))
}

// TestReferenceIsFormatted: the reference is gofmt's, so an editor that
// formats on save changes nothing (and Render's markers survive gofmt).
func TestReferenceIsFormatted(t *testing.T) {
	for p, src := range referenceSources(t) {
		if path.Ext(p) != ".go" {
			continue
		}
		got, err := format.Source(src)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if !bytes.Equal(got, src) {
			t.Errorf("templates/api/%s is not gofmt-formatted: run gofmt -w templates/api", p)
		}
	}
}

// TestReferenceMarkersAreComments: a marker inside a string literal would be
// part of the string in the reference's build (SQL with a Go comment in it)
// while working in every project: markers belong in Go code, and what differs
// inside a string is a Go value (a constant of sqlite.go or postgres.go).
func TestReferenceMarkersAreComments(t *testing.T) {
	for p, src := range referenceSources(t) {
		if path.Ext(p) != ".go" {
			continue
		}
		fset := token.NewFileSet()
		file := fset.AddFile(p, -1, len(src))
		var s scanner.Scanner
		s.Init(file, src, nil, 0)
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING && (strings.Contains(lit, "// scaffold:") || strings.Contains(lit, "//~")) {
				t.Errorf("%s: a marker inside a string literal", fset.Position(pos))
			}
		}
	}
}

// TestReferenceVetAndDeadcode runs go vet, deadcode (golang.org/x/tools)
// and dupl (mibk/dupl), tools of this module, over the reference API with
// its tests: a function no project calls does not belong in the reference,
// one only other projects call belongs in their lines (//~), and a rule is
// written once (dupl: no two stretches of 60 tokens of the same shape).
func TestReferenceVetAndDeadcode(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running go vet, deadcode and dupl over the reference API")
	}
	out, err := goCmd(".", "tool", "dupl", "-t", "60", "templates/api")
	if err != nil || !bytes.Contains(out, []byte("Found total 0 clone groups.")) {
		t.Errorf("go tool dupl -t 60 templates/api: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"vet", "./templates/api/..."},
		{"tool", "deadcode", "-test", "./templates/api/..."},
	} {
		out, err := goCmd(".", args...)
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestReferenceImportNames: a project keeps the imports its lines use, told
// by the package names they qualify (render.ImportName); every unnamed import
// of the reference must be known by that name, or the project would lose an
// import it needs, or keep one it does not.
func TestReferenceImportNames(t *testing.T) {
	paths := map[string]string{} // import path -> a file importing it
	for p, src := range referenceSources(t) {
		if path.Ext(p) != ".go" {
			continue
		}
		var lines []string
		for _, l := range strings.Split(string(src), "\n") {
			// Imports of other projects' lines (//~) count too.
			l = strings.TrimSpace(l)
			l = strings.TrimPrefix(strings.TrimPrefix(l, "//~"), "// ~")
			lines = append(lines, l)
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, strings.Join(lines, "\n"), parser.ImportsOnly)
		if err != nil {
			// Other projects' lines need not parse beyond the imports.
			f, err = parser.ParseFile(token.NewFileSet(), p, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, imp := range f.Imports {
			if imp.Name == nil {
				ip, _ := strconv.Unquote(imp.Path.Value)
				paths[ip] = p
			}
		}
	}
	args := []string{"list", "-f", "{{.ImportPath}} {{.Name}}"}
	for ip := range paths {
		args = append(args, ip)
	}
	out, err := goCmd(".", args...)
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ip, name, _ := strings.Cut(l, " ")
		if got := render.ImportName(ip); got != name {
			t.Errorf("%s imports %s, package %s, which render.ImportName takes for %s: name the import", paths[ip], ip, name, got)
		}
	}
	if len(paths) < 20 {
		t.Errorf("only %d imports found in the reference", len(paths))
	}
}

// TestRenderedGoIsFormatted: every combination's Go is as gofmt writes it.
// Rendering prints no Go (go/printer would cost ten times the rest of it): it
// only squeezes the blank lines a marked block leaves, so the reference must
// not rely on gofmt's alignment across a marker. Inside an aligned block
// (struct fields, a const block) give a marked line a blank line of its own
// group, or a // scaffold:line whose template keeps the alignment.
func TestRenderedGoIsFormatted(t *testing.T) {
	for _, a := range combinations() {
		for _, f := range renderProject(t, a) {
			if path.Ext(f.Path) != ".go" {
				continue
			}
			got, err := format.Source(f.Data)
			if err != nil {
				t.Errorf("%s: %s: %v", a.Key(), f.Path, err)
			} else if !bytes.Equal(got, f.Data) {
				t.Errorf("%s: %s is not as gofmt writes it:\n%s", a.Key(), f.Path, lineDiff(f.Data, got))
			}
		}
	}
}

// TestNoLeakedHistory: generated code speaks to its new owner, who has none
// of scaffold's context: no comment cites scaffold's spec, an audit or an
// older version of the code.
func TestNoLeakedHistory(t *testing.T) {
	leak := regexp.MustCompile(`\bSPEC\b|§|(?i)security audit|audit's|older version|earlier version|previous version|before it had`)
	err := fs.WalkDir(os.DirFS("templates"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Base(p) {
		case "package-lock.json.tmpl", "go.sum.tmpl", "common-passwords.txt":
			return nil
		}
		data, err := os.ReadFile(filepath.Join("templates", p))
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := leak.FindString(line); m != "" {
				t.Errorf("templates/%s:%d: %q: say what the code does, not where it comes from:\n\t%s", p, i+1, m, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// layers says which of the generated API's packages each package may
// import (its tests aside): dependencies point one way, from main through
// the HTTP layer to the domain, the database and the caches. Test helpers
// (…test packages) may import what they help test.
var layers = map[string][]string{
	".":                   {},
	"cmd/api":             {"*"},
	"cmd/devidp":          {"internal/oauth/oauthtest"},
	"internal/httpapi":    {"internal/account", "internal/auth", "internal/config", "internal/oauth", "internal/ratelimit", "internal/store"},
	"internal/account":    {"internal/auth", "internal/config", "internal/oauth", "internal/ratelimit", "internal/store"},
	"internal/redisstore": {"internal/auth", "internal/cache", "internal/ratelimit", "internal/store"},
	"internal/mail":       {"internal/auth", "internal/store"},
	"internal/auth":       {"internal/cache", "internal/store"},
	"internal/config":     {"internal/ratelimit"},
	"internal/store":      {"internal/cache"},
	"internal/ratelimit":  {},
	"internal/cache":      {},
	"internal/telemetry":  {},
	"internal/oauth":      {},
}

// TestReferenceLayers checks every package of the reference API against
// layers: a new package must be placed there, and an import against the
// direction fails.
func TestReferenceLayers(t *testing.T) {
	imports := map[string]map[string]bool{} // package dir → internal packages its non-test files import
	for p, src := range referenceSources(t) {
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			continue
		}
		dir := path.Dir(p)
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			ip, _ := strconv.Unquote(spec.Path.Value)
			if rest, ok := strings.CutPrefix(ip, scaffold.ReferenceModule+"/"); ok {
				imports[dir][rest] = true
			}
		}
	}
	for dir, deps := range imports {
		if strings.HasSuffix(dir, "test") && dir != "cmd/api" {
			continue // a test helper: storetest, redistest, ratelimittest, sessiontest
		}
		allowed, ok := layers[dir]
		if !ok {
			t.Errorf("package %s is not in layers: say what it may import", dir)
			continue
		}
		if len(allowed) == 1 && allowed[0] == "*" {
			continue
		}
		for dep := range deps {
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, against the layers (it may import %q)", dir, dep, allowed)
			}
		}
	}
}
