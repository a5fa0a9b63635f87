package scaffold_test

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
	"github.com/scaffoldhq/scaffold/internal/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden (TestGolden) and the web app's templates/web/lib/openapi.d.ts.tmpl (TestWebSchema)")

// goldenVersion stands for the scaffold version in golden files, so they
// change only when a template does.
const goldenVersion = "v0.0.0-golden"

// combinations are the answers the golden files and the generated-project
// checks cover: every auth mode, topology and database.
func combinations() []project.Answers {
	all := project.All("myapp")
	for i := range all {
		all[i].Module = "github.com/acme/myapp"
	}
	return all
}

func renderProject(tb testing.TB, a project.Answers) []render.File {
	return projecttest.Render(tb, a, goldenVersion)
}

// summarized are files written by tools (go mod tidy, npm install,
// openapi-typescript from openapi.yaml, which the golden files show): a diff
// of them reviews nothing, so golden files show their hash like a copied
// file's.
var summarized = map[string]bool{"go.sum": true, "package-lock.json": true, "openapi.d.ts": true}

// goldenArchive is the review surface of one combination: the comment lists
// every file with its mode and size; rendered files follow in full. Copied
// and tool-written files are shown by hash only: a copied file's content is
// its template, unchanged.
func goldenArchive(a project.Answers, files []render.File) *txtar.Archive {
	var comment bytes.Buffer
	redis := ""
	if a.Redis.On() {
		redis = " --redis"
	}
	fmt.Fprintf(&comment, "scaffold new %s --auth %s --topology %s --db %s%s --module %s\n\n", a.Name, a.Auth, a.Topology, a.DB, redis, a.Module)
	ar := &txtar.Archive{}
	for _, f := range files {
		fmt.Fprintf(&comment, "%v %7d %s (%s)\n", f.Mode, len(f.Data), f.Path, goldenKind(f))
		if f.Rendered && !summarized[path.Base(f.Path)] {
			data := f.Data
			if len(data) > 0 && data[len(data)-1] != '\n' {
				data = append(bytes.Clone(data), '\n')
			}
			ar.Files = append(ar.Files, txtar.File{Name: f.Path, Data: data})
		}
	}
	ar.Comment = comment.Bytes()
	return ar
}

// referenceKey names the golden file held in full: the reference API's
// answers (hybrid, cross-site, PostgreSQL with Redis). Every other
// combination's golden file holds its differences from that one, so that a
// change to a line every project shares is one hunk to review.
var referenceKey = func() string {
	a := scaffold.ReferenceAnswers()
	a.Module = "github.com/acme/myapp"
	return a.Key()
}()

// goldenName is the golden file of a: the reference's in full (txtar),
// any other's as differences (diff).
func goldenName(a project.Answers) string {
	if a.Key() == referenceKey {
		return a.Key() + ".txtar"
	}
	return a.Key() + ".diff"
}

// goldenDifferences is the golden file of a combination other than the
// reference: its command, then the difference of its file list from the
// reference's (paths, modes and kinds; sizes only in the reference's) and
// of each file it renders, as unified diffs. A file the combination does not
// have shows in the file list alone.
func goldenDifferences(a project.Answers, files []render.File, ref *txtar.Archive, refFiles []render.File) []byte {
	var b bytes.Buffer
	full := goldenArchive(a, files)
	command, _, _ := bytes.Cut(full.Comment, []byte("\n"))
	fmt.Fprintf(&b, "%s\ndifferences from %s.txtar\n", command, referenceKey)
	list := func(fs []render.File) []byte {
		var l bytes.Buffer
		for _, f := range fs {
			fmt.Fprintf(&l, "%v %s (%s)\n", f.Mode, f.Path, goldenKind(f))
		}
		return l.Bytes()
	}
	b.Write(diff.Diff(referenceKey+" (file list)", list(refFiles), a.Key()+" (file list)", list(files)))
	refData := map[string][]byte{}
	for _, f := range ref.Files {
		refData[f.Name] = f.Data
	}
	for _, f := range full.Files {
		old, ok := refData[f.Name]
		oldName := referenceKey + "/" + f.Name
		if !ok {
			oldName = "/dev/null"
		}
		b.Write(diff.Diff(oldName, old, a.Key()+"/"+f.Name, f.Data))
	}
	return b.Bytes()
}

// goldenKind tells how a file is shown: rendered files in full, copied and
// tool-written ones by hash.
func goldenKind(f render.File) string {
	switch {
	case !f.Rendered:
		return fmt.Sprintf("copied sha256:%.8x", sha256.Sum256(f.Data))
	case summarized[path.Base(f.Path)]:
		return fmt.Sprintf("rendered sha256:%.8x", sha256.Sum256(f.Data))
	}
	return "rendered"
}

// TestGolden compares every combination's rendering with its golden file in
// testdata/golden: the reference's in full, the others' differences from
// it; -update rewrites them.
func TestGolden(t *testing.T) {
	var ref project.Answers
	for _, a := range combinations() {
		if a.Key() == referenceKey {
			ref = a
		}
	}
	refFiles := renderProject(t, ref)
	refArchive := goldenArchive(ref, refFiles)
	want := map[string]bool{}
	for _, a := range combinations() {
		name := goldenName(a)
		want[name] = true
		t.Run(a.Key(), func(t *testing.T) {
			var got []byte
			if a.Key() == referenceKey {
				got = txtar.Format(refArchive)
			} else {
				got = goldenDifferences(a, renderProject(t, a), refArchive, refFiles)
			}
			path := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if bytes.Equal(old, got) {
				return
			}
			var report []byte
			if a.Key() == referenceKey {
				report = []byte(goldenDiff(txtar.Parse(old), txtar.Parse(got)))
			} else {
				report = diff.Diff("want/"+name, old, "got/"+name, got)
			}
			t.Errorf("%s is out of date; review the differences below, then run go test -run TestGolden -update\n%s", path, report)
		})
	}
	// No golden file may outlive its combination.
	entries, err := os.ReadDir(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			if *update {
				os.Remove(filepath.Join("testdata", "golden", e.Name()))
				continue
			}
			t.Errorf("unexpected golden file testdata/golden/%s: no combination renders it", e.Name())
		}
	}
}

// TestTemplateTree checks properties every rendering must have.
func TestTemplateTree(t *testing.T) {
	executable := map[string]bool{}
	for _, a := range combinations() {
		files := renderProject(t, a)
		paths := map[string]bool{}
		for _, f := range files {
			paths[f.Path] = true
			if f.Mode&0o111 != 0 {
				executable[f.Path] = true
			}
			if f.Rendered && bytes.Contains(f.Data, []byte("<no value>")) {
				t.Errorf("%s: %s prints <no value>", a.Key(), f.Path)
			}
		}
		for _, p := range []string{"README.md", "Makefile", ".scaffold.yaml", ".gitignore",
			"api/Dockerfile", "api/.dockerignore", "web/Dockerfile", "web/.dockerignore",
			"deploy/compose.yaml", "deploy/Caddyfile", "deploy/.env.example", ".github/workflows/ci.yml"} {
			if !paths[p] {
				t.Errorf("%s: missing %s", a.Key(), p)
			}
		}
		if paths["compose.yaml"] != (a.DB == project.Postgres) {
			t.Errorf("%s: compose.yaml written = %v", a.Key(), paths["compose.yaml"])
		}
	}
	for _, p := range scaffold.Executable {
		if !executable[p] {
			t.Errorf("scaffold.Executable lists %s, which no combination renders", p)
		}
	}
}

// TestTemplatesAreTracked: every file under templates/ is in git. The
// generated .gitignore lives in templates/ and applies to scaffold's own
// repository too, so a template such as deploy/.env.example.tmpl (".env.*")
// can be ignored: it renders here and is missing from every clone, and CI.
// Such a file must be added with git add -f.
func TestTemplatesAreTracked(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if err := exec.Command("git", "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not a git checkout")
	}
	out, err := exec.Command("git", "ls-files", "--others", "--ignored", "--exclude-standard", "templates").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	if files := strings.TrimSpace(string(out)); files != "" {
		t.Errorf("template files that git ignores, so that clones lack them (add them with git add -f):\n%s", files)
	}
}

// goldenDiff reports file by file: unexpected and missing files, then a
// unified diff of each changed one.
func goldenDiff(old, cur *txtar.Archive) string {
	var b strings.Builder
	if d := diff.Diff("want (file list)", old.Comment, "got (file list)", cur.Comment); d != nil {
		b.Write(d)
	}
	oldFiles := map[string][]byte{}
	for _, f := range old.Files {
		oldFiles[f.Name] = f.Data
	}
	seen := map[string]bool{}
	for _, f := range cur.Files {
		seen[f.Name] = true
		prev, ok := oldFiles[f.Name]
		if !ok {
			fmt.Fprintf(&b, "unexpected file %s\n", f.Name)
			continue
		}
		if d := diff.Diff("want/"+f.Name, prev, "got/"+f.Name, f.Data); d != nil {
			b.Write(d)
		}
	}
	for _, f := range old.Files {
		if !seen[f.Name] {
			fmt.Fprintf(&b, "missing file %s\n", f.Name)
		}
	}
	return b.String()
}
