package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing/fstest"

	"github.com/scaffoldhq/scaffold"
)

// nextVersion is the version of the simulated later scaffold.
const nextVersion = "v9.9.9-next"

// nextTemplates are the templates of a later scaffold: this version's tree
// with one file changed at its end (README.md), one changed in the middle
// (api/.gitignore), one added (CONTRIBUTING.md), one removed
// (web/app/icon.svg) and one renamed (web/eslint.config.mjs to .js).
func nextTemplates() fs.FS {
	m := copyTemplates()
	edit := func(name, old, new string) {
		f := m[name]
		if f == nil || !strings.Contains(string(f.Data), old) {
			panic(fmt.Sprintf("nextTemplates: %s no longer holds %q: adjust the simulated upgrade", name, old))
		}
		f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
	}
	remove := func(name string) *fstest.MapFile {
		f := m[name]
		if f == nil {
			panic(fmt.Sprintf("nextTemplates: %s is gone: adjust the simulated upgrade", name))
		}
		delete(m, name)
		return f
	}
	m["README.md.tmpl"].Data = append(m["README.md.tmpl"].Data, "\n## Upgrading\n\nRun `scaffold update` after upgrading scaffold.\n"...)
	edit("api/.gitignore", "bin/\n", "bin/\ntmp/\n")
	m["CONTRIBUTING.md"] = &fstest.MapFile{Data: []byte("# Contributing\n\nRun `make test` before sending a change.\n"), Mode: 0o644}
	remove("web/app/icon.svg")
	m["web/eslint.config.js"] = remove("web/eslint.config.mjs")
	return m
}

// copyTemplates copies this binary's template tree into a map a test can
// change.
func copyTemplates() fstest.MapFS {
	m := fstest.MapFS{}
	err := fs.WalkDir(scaffold.Templates(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(scaffold.Templates(), p)
		m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		panic(err)
	}
	return m
}

// mainNext runs the CLI as the later scaffold of nextTemplates.
func mainNext() { mainAs(nextVersion, nextTemplates()) }

// oldVersion is the version of the simulated earlier scaffold, which had
// this version's templates.
const oldVersion = "v0.1.0"

// mainOld runs the CLI as that earlier scaffold.
func mainOld() { mainAs(oldVersion, nil) }

// mainAs runs the CLI as scaffold version, with templates for update (nil:
// this binary's).
func mainAs(version string, templates fs.FS) {
	ios := SystemStreams()
	b := build{Version: version, Commit: "test", Date: "unknown"}
	root := newRootCmd(b, ios)
	if templates != nil {
		for _, c := range root.Commands() {
			if c.Name() == "update" {
				root.RemoveCommand(c)
			}
		}
		root.AddCommand(newUpdateCmd(ios, b, func(ctx context.Context, o *updateOptions) error {
			o.Templates = templates
			return runUpdate(ctx, o)
		}))
	}
	os.Exit(execute(root, os.Args[1:], ios))
}
