package render

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var project = []File{
	{Path: "README.md", Data: []byte("readme\n"), Mode: 0o644},
	{Path: "api/main.go", Data: []byte("package main\n"), Mode: 0o644},
	{Path: "bin/run", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
}

// tree lists every file and directory below dir with its contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestWriteNew(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "a", "b", "app")
	if err := Write(context.Background(), dir, project, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	for _, f := range project {
		if got[f.Path] != string(f.Data) {
			t.Errorf("%s = %q, want %q", f.Path, got[f.Path], f.Data)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "bin/run"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("bin/run mode = %v, %v; want 0755", fi.Mode(), err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o755 {
		t.Errorf("project directory mode = %v, want 0755", fi.Mode().Perm())
	}
	// Nothing but the project beside it: the staging directory is gone.
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("parent holds %d entries, want only the project: %v", len(entries), entries)
	}
}

func TestWriteEmptyTarget(t *testing.T) {
	dir := t.TempDir()
	if err := Write(context.Background(), dir, project, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); got["README.md"] != "readme\n" {
		t.Errorf("README.md = %q", got["README.md"])
	}
}

func TestWriteNonEmptyRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("mine"), 0o644)
	before := tree(t, dir)
	err := Write(context.Background(), dir, project, WriteOptions{})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("err = %v, want ErrNotEmpty", err)
	}
	after := tree(t, dir)
	if len(after) != len(before) || after["README.md"] != "mine" {
		t.Errorf("target changed: %v", keys(after))
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("something was left beside the target: %v", entries)
	}
}

func TestWriteForceKeepsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("old readme"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o600)
	os.MkdirAll(filepath.Join(dir, "api"), 0o755)
	os.WriteFile(filepath.Join(dir, "api", "extra.go"), []byte("package extra"), 0o644)

	if err := Write(context.Background(), dir, project, WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	want := map[string]string{
		"./": "", "api/": "", "bin/": "",
		"README.md":    "readme\n",
		"notes.txt":    "keep me",
		"api/main.go":  "package main\n",
		"api/extra.go": "package extra",
		"bin/run":      "#!/bin/sh\n",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("files = %v, want %v", keys(got), keys(want))
	}
	if fi, _ := os.Stat(filepath.Join(dir, "notes.txt")); fi.Mode().Perm() != 0o600 {
		t.Errorf("notes.txt mode changed to %v", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}

func TestWriteForceConflictTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	// "bin" is a file where the project needs a directory.
	os.WriteFile(filepath.Join(dir, "bin"), []byte("a file"), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("old"), 0o644)
	before := tree(t, dir)
	err := Write(context.Background(), dir, project, WriteOptions{Force: true})
	if err == nil {
		t.Fatal("Write succeeded over a file where a directory belongs")
	}
	after := tree(t, dir)
	if len(after) != len(before) || after["README.md"] != "old" || after["bin"] != "a file" {
		t.Errorf("target changed after a refused write: %v", keys(after))
	}
}

func TestWriteForceRollsBack(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("keep"), 0o644)
	before := tree(t, dir)

	// The last file fails to move, after README.md was replaced and api/
	// created.
	rename = func(from, to string) error {
		if filepath.Base(to) == "run" {
			return errors.New("disk full")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()

	err := Write(context.Background(), dir, project, WriteOptions{Force: true})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the injected failure", err)
	}
	after := tree(t, dir)
	if len(after) != len(before) || after["README.md"] != "old" || after["keep.txt"] != "keep" {
		t.Errorf("not rolled back: %v, README.md = %q", keys(after), after["README.md"])
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}

func TestWriteNewRenameFails(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "app")
	rename = func(string, string) error { return errors.New("cross-device link") }
	defer func() { rename = os.Rename }()
	if err := Write(context.Background(), dir, project, WriteOptions{}); err == nil {
		t.Fatal("Write succeeded with a failing rename")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("failed write left %v", entries)
	}
}

func TestWriteCancelledLeavesNothing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "new", "app")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Write(ctx, dir, project, WriteOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("cancelled write left %v in the parent", entries)
	}
}

func TestWriteTargetIsFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	os.WriteFile(dir, []byte("x"), 0o644)
	if err := Write(context.Background(), dir, project, WriteOptions{Force: true}); err == nil {
		t.Fatal("Write onto a file succeeded")
	}
	if b, _ := os.ReadFile(dir); string(b) != "x" {
		t.Errorf("file changed to %q", b)
	}
}
