// Package storetest gives tests a fresh, migrated database of their own.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	//~	"path/filepath"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// scaffold:if .Postgres

// URL creates an empty schema in the database at TEST_DATABASE_URL, dropped
// when the test ends, and returns a URL whose search_path selects it: tests
// running at once, even from several checkouts, never see each other's rows.
// Without TEST_DATABASE_URL the test is skipped.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set, such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := "test_" + strings.ToLower(rand.Text())
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// scaffold:else
//~
//~// URL returns the URL of a SQLite database in a directory removed when the
//~// test ends.
//~func URL(t testing.TB) string {
//~	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
//~}
// scaffold:end

// Open returns a migrated store on a database of the test's own.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenURL(t, URL(t))
}

// OpenURL returns a migrated store on the database at url, from URL: a
// second one on the same database is what another instance of the API
// would have.
func OpenURL(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}
