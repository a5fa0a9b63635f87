// scaffold:file .SQLite
//go:build ignore

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // pure-Go SQLite driver: no cgo, nothing to install
)

// skipLocked is empty: SQLite has one writer at a time, so a job being
// claimed is never seen half-claimed.
const skipLocked = ""

// open opens sqlite:PATH, creating the file's directory. WAL lets readers
// run while one connection writes; busy_timeout makes a writer wait for the
// lock instead of failing with SQLITE_BUSY, and _txlock=immediate takes the
// write lock at BEGIN so that transactions never deadlock upgrading it.
func open(databaseURL string) (*sql.DB, goose.Dialect, error) {
	path, ok := strings.CutPrefix(databaseURL, "sqlite:")
	if !ok || path == "" {
		return nil, "", fmt.Errorf("DATABASE_URL: this API was generated for SQLite: use sqlite:PATH, such as sqlite:data/app.db")
	}
	if err := restrictFiles(path); err != nil {
		return nil, "", err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", path, err)
	}
	// Every new connection parses the schema again, and database/sql keeps
	// only two idle ones by default: under load it would open and close a
	// connection per request. A fixed pool, kept open, is far cheaper; WAL
	// lets its connections read in parallel while one of them writes.
	conns := max(4, runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db, goose.DialectSQLite3, nil
}

// migrationOptions: one API process owns a SQLite database, so migrations
// need no lock.
func migrationOptions(context.Context, *sql.DB) ([]goose.ProviderOption, error) {
	return nil, nil
}

// restrictFiles makes the database readable by this user alone: its
// directory 0700 when created here, the file 0600. SQLite would create the
// file 0644 (less the umask), and creates its -wal and -shm files with the
// database file's permissions, so creating the file first covers all three.
// Files found with wider permissions (copied in, or made by another
// program) are narrowed.
func restrictFiles(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(name, 0o600); err != nil {
				return fmt.Errorf("restrict %s to its owner: %w", name, err)
			}
		}
	}
	return nil
}
