package main

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

// TestMain lets the test binary double as the scaffold command in scripts,
// as scaffold-next, a later scaffold (see nextTemplates), and as
// scaffold-old, an earlier one.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"scaffold": main, "scaffold-next": mainNext, "scaffold-old": mainOld})
}

// TestScripts runs the CLI scripts in testdata/script: each is a txtar
// archive of commands and the files they expect.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("..", "..", "testdata", "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			// A home of its own: no user git config or shell settings leak in.
			home := filepath.Join(env.WorkDir, ".home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("ACCESSIBLE", "")
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":  cmdStatus,
			"cmptree": cmdCmpTree,
		},
	})
}

// cmdStatus runs a command and checks its exit code:
//
//	status 2 scaffold new
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("status: %v", err)
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdCmpTree compares two directory trees file by file, contents and modes:
//
//	cmptree a b
func cmdCmpTree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmptree dir1 dir2")
	}
	a, b := readTree(ts, ts.MkAbs(args[0])), readTree(ts, ts.MkAbs(args[1]))
	var diffs []string
	for p, fa := range a {
		fb, ok := b[p]
		switch {
		case !ok:
			diffs = append(diffs, "only in "+args[0]+": "+p)
		case !bytes.Equal(fa.data, fb.data):
			diffs = append(diffs, "contents differ: "+p)
		case fa.mode != fb.mode:
			diffs = append(diffs, "modes differ: "+p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diffs = append(diffs, "only in "+args[1]+": "+p)
		}
	}
	if neg && len(diffs) == 0 {
		ts.Fatalf("%s and %s are identical", args[0], args[1])
	}
	if !neg && len(diffs) > 0 {
		ts.Fatalf("trees differ:\n%s", bytes.Join(toBytes(diffs), []byte("\n")))
	}
}

type treeFile struct {
	data []byte
	mode fs.FileMode
}

func readTree(ts *testscript.TestScript, dir string) map[string]treeFile {
	files := map[string]treeFile{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = treeFile{b, info.Mode()}
		return nil
	})
	ts.Check(err)
	return files
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
