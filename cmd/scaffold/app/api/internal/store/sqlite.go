package store

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // pure-Go SQLite driver: no cgo, nothing to install
)

// open opens sqlite:PATH, creating the file's directory. WAL lets readers
// run while one connection writes; busy_timeout makes a writer wait for the
// lock instead of failing with SQLITE_BUSY, and _txlock=immediate takes the
// write lock at BEGIN so that transactions never deadlock upgrading it.
func open(databaseURL string) (*sql.DB, goose.Dialect, error) {
	path, ok := strings.CutPrefix(databaseURL, "sqlite:")
	if !ok || path == "" {
		return nil, "", fmt.Errorf("DATABASE_URL: this API was generated for SQLite: use sqlite:PATH, such as sqlite:data/app.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", fmt.Errorf("create database directory: %w", err)
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", path, err)
	}
	return db, goose.DialectSQLite3, nil
}
