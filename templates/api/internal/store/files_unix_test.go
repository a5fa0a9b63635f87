// scaffold:file .SQLite
//go:build ignore && unix

package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// TestDatabaseFilesArePrivate: the database holds password hashes and
// sessions; nobody but the API's user may read it, its WAL or its
// shared-memory file.
func TestDatabaseFilesArePrivate(t *testing.T) {
	// Under a strict umask (077) every file is private anyway: test with
	// the usual one, where SQLite alone would make them readable by all.
	defer syscall.Umask(syscall.Umask(0o022))
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "app.db")
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "a@example.com", "h", now); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(name), got, want)
		}
	}

	// A database found readable by others is narrowed.
	st.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		os.Chmod(name, 0o644)
	}
	st, err = store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if info, err := os.Stat(name); err == nil && info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %o after reopening, want 600", filepath.Base(name), info.Mode().Perm())
		}
	}
}
