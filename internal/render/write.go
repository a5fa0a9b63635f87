package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotEmpty is returned by Write when the target holds files and Force is
// not set.
var ErrNotEmpty = errors.New("target directory is not empty")

// WriteOptions tune Write.
type WriteOptions struct {
	// Force allows a non-empty target: the files of the project replace
	// files of the same path, every other file is left as it was.
	Force bool
}

// Write puts files into the directory dir so that either all of them are
// there or, after an error or a cancelled ctx, nothing has changed.
//
// The files are first written to a staging directory next to dir (so the
// final moves are renames on one file system). A new or empty target is
// then replaced by the staging directory in one rename. With Force, each
// file is renamed into place; files it replaces are kept aside until every
// rename has succeeded, and put back if one fails.
func Write(ctx context.Context, dir string, files []File, opts WriteOptions) (err error) {
	dir = filepath.Clean(dir)
	existing, err := dirState(dir)
	if err != nil {
		return err
	}
	if existing == nonEmpty && !opts.Force {
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	if existing == nonEmpty {
		if err := checkConflicts(dir, files); err != nil {
			return err
		}
	}

	parent := filepath.Dir(dir)
	created, err := mkdirAllTracked(parent)
	if err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	defer func() {
		if err != nil && created != "" {
			os.RemoveAll(created)
		}
	}()

	stage, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".scaffold-*")
	if err != nil {
		return fmt.Errorf("create staging directory: %w", err)
	}
	defer os.RemoveAll(stage) // empty after a successful move; everything after a failure
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(stage, filepath.FromSlash(f.Path)), f); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// From here on nothing checks ctx: the moves are short and either all
	// happen or are undone.
	if existing != nonEmpty {
		// The staging directory takes the place of the target. MkdirTemp
		// made it 0700; a project directory is 0755 like any other.
		if err := os.Chmod(stage, 0o755); err != nil {
			return err
		}
		if existing == empty {
			if err := os.Remove(dir); err != nil {
				return fmt.Errorf("replace empty %s: %w", dir, err)
			}
		}
		if err := rename(stage, dir); err != nil {
			if existing == empty {
				os.Mkdir(dir, 0o755)
			}
			return fmt.Errorf("move project into %s: %w", dir, err)
		}
		return nil
	}
	return mergeInto(dir, stage, files)
}

// rename moves files into place; tests replace it to provoke a failure
// half-way through a merge.
var rename = os.Rename

type state int

const (
	missing state = iota
	empty
	nonEmpty
)

func dirState(dir string) (state, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return 0, err
	}
	if !fi.IsDir() {
		return 0, fmt.Errorf("%s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return empty, nil
	}
	return nonEmpty, nil
}

// checkConflicts fails, before anything is written, when a file of the
// project would have to replace a directory or a file would have to become a
// directory.
func checkConflicts(dir string, files []File) error {
	for _, f := range files {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		if fi, err := os.Lstat(target); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s exists and is not a regular file; move it away or choose another directory", target)
		}
		for d := filepath.Dir(target); d != dir; d = filepath.Dir(d) {
			if fi, err := os.Lstat(d); err == nil && !fi.IsDir() {
				return fmt.Errorf("%s exists and is not a directory; move it away or choose another directory", d)
			}
		}
	}
	return nil
}

// mkdirAllTracked creates dir and its missing parents and returns the
// topmost directory it created ("" if dir existed), so a failure can remove
// exactly what it added.
func mkdirAllTracked(dir string) (string, error) {
	top := ""
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if top == "" {
		return "", nil
	}
	return top, os.MkdirAll(dir, 0o755)
}

func writeFile(name string, f File) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	// O_EXCL: the staging directory is new, so any existing file is a bug.
	w, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.Mode)
	if err != nil {
		return err
	}
	_, err = w.Write(f.Data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// The umask may have cleared bits of f.Mode.
	return os.Chmod(name, f.Mode)
}

// mergeInto renames each staged file into dir, keeping the files it replaces
// in the staging directory until all renames have succeeded.
func mergeInto(dir, stage string, files []File) (err error) {
	backup := filepath.Join(stage, ".replaced")
	type move struct{ target, saved string }
	var moved []move
	var madeDirs []string
	defer func() {
		if err == nil {
			return
		}
		// Undo in reverse: remove what was added, restore what was replaced.
		for i := len(moved) - 1; i >= 0; i-- {
			os.Remove(moved[i].target)
			if moved[i].saved != "" {
				os.Rename(moved[i].saved, moved[i].target)
			}
		}
		for i := len(madeDirs) - 1; i >= 0; i-- {
			os.Remove(madeDirs[i])
		}
	}()
	for _, f := range files {
		rel := filepath.FromSlash(f.Path)
		target := filepath.Join(dir, rel)
		for _, d := range missingDirs(dir, filepath.Dir(target)) {
			if err := os.Mkdir(d, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", d, err)
			}
			madeDirs = append(madeDirs, d)
		}
		m := move{target: target}
		if _, err := os.Lstat(target); err == nil {
			m.saved = filepath.Join(backup, rel)
			if err := os.MkdirAll(filepath.Dir(m.saved), 0o700); err != nil {
				return err
			}
			if err := rename(target, m.saved); err != nil {
				return fmt.Errorf("replace %s: %w", target, err)
			}
		}
		if err := rename(filepath.Join(stage, rel), target); err != nil {
			if m.saved != "" {
				os.Rename(m.saved, target)
			}
			return fmt.Errorf("write %s: %w", target, err)
		}
		moved = append(moved, m)
	}
	return nil
}

// missingDirs lists the directories between root (exclusive) and dir
// (inclusive) that do not exist, outermost first.
func missingDirs(root, dir string) []string {
	var ds []string
	for d := dir; d != root && len(d) > len(root); d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		ds = append([]string{d}, ds...)
	}
	return ds
}
