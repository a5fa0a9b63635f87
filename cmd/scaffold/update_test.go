package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// isolateGit gives the test a git without the machine's configuration and
// with an identity for the user's commits. HOME stays as it is, so the Go
// and npm caches of the projects built do too.
func isolateGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(t.TempDir(), "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_AUTHOR_NAME", "Tester")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.test")
	t.Setenv("GIT_COMMITTER_NAME", "Tester")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.test")
}

// runScaffold runs the CLI as scaffold version with the given templates
// and executable list for update (nil: this binary's).
func runScaffold(t *testing.T, version string, templates fs.FS, executable []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	b := build{Version: version}
	root := newRootCmd(b, ios)
	if templates != nil {
		for _, c := range root.Commands() {
			if c.Name() == "update" {
				root.RemoveCommand(c)
			}
		}
		root.AddCommand(newUpdateCmd(ios, b, func(ctx context.Context, o *updateOptions) error {
			o.Templates, o.Executable = templates, executable
			return runUpdate(ctx, o)
		}))
	}
	code = execute(root, args, ios)
	return code, out.String(), errOut.String()
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// templatesWith copies this binary's templates and applies change.
func templatesWith(change func(fstest.MapFS)) fstest.MapFS {
	m := copyTemplates()
	change(m)
	return m
}

// TestUpdateToAlternateTemplates upgrades a project to a template tree of a
// "v2" that adds an executable script and changes a file only PostgreSQL
// projects have, while the answer changes to SQLite.
func TestUpdateToAlternateTemplates(t *testing.T) {
	isolateGit(t)
	dir := filepath.Join(t.TempDir(), "shop")
	if code, _, errOut := runScaffold(t, "v1.0.0", nil, nil, "new", "shop", "--yes", "--db", "postgres", "--dir", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	readme := filepath.Join(dir, "README.md")
	b, _ := os.ReadFile(readme)
	os.WriteFile(readme, bytes.Replace(b, []byte("# shop\n"), []byte("# Shop, by us\n"), 1), 0o644)
	gitOut(t, dir, "commit", "-qam", "Our title")

	v2 := templatesWith(func(m fstest.MapFS) {
		m["bin/dev-setup"] = &fstest.MapFile{Data: []byte("#!/bin/sh\nset -eu\nmake setup\n")}
		m["compose.yaml.tmpl"].Data = bytes.Replace(m["compose.yaml.tmpl"].Data, []byte("services:"), []byte("# v2: a comment\nservices:"), 1)
	})
	exe := []string{"bin/dev-setup"}

	refs := gitOut(t, dir, "for-each-ref")
	code, out, errOut := runScaffold(t, "v2.0.0", v2, exe, "update", "--dir", dir, "--db", "sqlite", "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"scaffold v1.0.0 → v2.0.0, db postgres → sqlite", "  added     bin/dev-setup\n", "  deleted   compose.yaml\n", "you changed it too: merges cleanly", "It would merge cleanly."} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if after := gitOut(t, dir, "for-each-ref"); after != refs {
		t.Errorf("the dry run moved refs:\n%s\nwas\n%s", after, refs)
	}

	code, out, errOut = runScaffold(t, "v2.0.0", v2, exe, "update", "--dir", dir, "--db", "sqlite")
	if code != 0 {
		t.Fatalf("update: exit %d: %s\n%s", code, out, errOut)
	}
	if mode := gitOut(t, dir, "ls-tree", "--format=%(objectmode)", "HEAD", "bin/dev-setup"); mode != "100755" {
		t.Errorf("bin/dev-setup is %s in the merge, want 100755", mode)
	}
	if fi, err := os.Stat(filepath.Join(dir, "bin", "dev-setup")); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("bin/dev-setup in the work tree: %v, %v; want executable", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "compose.yaml")); err == nil {
		t.Error("compose.yaml is still there; SQLite projects have none")
	}
	yaml, _ := os.ReadFile(filepath.Join(dir, ".scaffold.yaml"))
	for _, want := range []string{`version: "v2.0.0"`, "db: sqlite"} {
		if !strings.Contains(string(yaml), want+"\n") {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", want, yaml)
		}
	}
	if b, _ := os.ReadFile(readme); !bytes.HasPrefix(b, []byte("# Shop, by us\n")) {
		t.Errorf("the user's title is gone:\n%.200s", b)
	}
	if diff := gitOut(t, dir, "diff", "--name-only", "scaffold", "HEAD"); diff != "README.md" {
		t.Errorf("HEAD differs from the render in %q, want only the user's README.md", diff)
	}

	// Up to date with v2; v1's templates would take the script away again.
	if code, out, _ := runScaffold(t, "v2.0.0", v2, exe, "update", "--dir", dir); code != 0 || !strings.HasPrefix(out, "Already up to date") {
		t.Errorf("second v2 update: exit %d, %q; want up to date", code, out)
	}
	if code, out, _ := runScaffold(t, "v1.0.0", nil, nil, "update", "--dir", dir, "--dry-run"); code != 0 || !strings.Contains(out, "  deleted   bin/dev-setup\n") {
		t.Errorf("v1 dry run: exit %d, want bin/dev-setup deleted:\n%s", code, out)
	}
}
