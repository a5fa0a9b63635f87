package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
)

// FuzzNew runs `scaffold new` with arbitrary answers in an empty directory.
// Whatever the input, it must not panic, it must either write exactly one
// project in ./NAME (with NAME valid) or nothing at all, and it must never
// write outside the target.
func FuzzNew(f *testing.F) {
	f.Add("myapp", "", "session", "same-origin", "sqlite")
	f.Add("shop", "github.com/acme/shop", "jwt", "cross-site", "postgres")
	f.Add("../escape", "", "hybrid", "same-site", "sqlite")
	f.Add("a/b", "x", "jwt", "cross-site", "sqlite")
	f.Add("/tmp/abs", "", "session", "same-origin", "sqlite")
	f.Add(".", "", "session", "same-origin", "sqlite")
	f.Add("app\x00", "", "session", "same-origin", "sqlite")
	f.Add("app", "../../x", "session", "same-origin", "sqlite")
	f.Add("app", "example.com/{{.Name}}", "session", "same-origin", "sqlite")
	f.Add("app", "", "{{.Name}}", "same-origin", "sqlite")
	f.Add("ápp", "", "session", "same-origin", "sqlite")
	f.Add(strings.Repeat("a", 65), "", "session", "same-origin", "sqlite")

	templates := scaffold.Templates()
	f.Fuzz(func(t *testing.T, name, module, auth, topology, db string) {
		parent := t.TempDir()
		t.Chdir(parent)
		var out bytes.Buffer
		opts := &newOptions{
			IO:        &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out, Getenv: func(string) string { return "" }},
			Build:     build{Version: "fuzz"},
			Templates: templates,
			Name:      name, Module: module, Auth: auth, Topology: topology, DB: db,
			Yes: true, NoGit: true,
			set: map[string]bool{},
		}
		err := runNew(context.Background(), opts)

		entries, rerr := os.ReadDir(parent)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if len(entries) != 0 {
				t.Fatalf("failed run (%v) left %v", err, entries)
			}
			return
		}
		if verr := project.ValidateName(name); verr != nil {
			t.Fatalf("accepted invalid name %q: %v", name, verr)
		}
		if len(entries) != 1 || entries[0].Name() != name || !entries[0].IsDir() {
			t.Fatalf("wrote %v, want only the directory %s", entries, name)
		}
		// Every file lies inside the project, and no link leads out.
		err = filepath.WalkDir(filepath.Join(parent, name), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type()&os.ModeSymlink != 0 {
				t.Errorf("symlink written: %s", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
