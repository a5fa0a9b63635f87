// Package storetest gives tests a fresh, migrated database of their own.
package storetest

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"strings"
	//~	"path/filepath"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// scaffold:if .Postgres

// URL creates an empty schema in the database at ServerURL, dropped when
// the test ends, and returns a URL whose search_path selects it: tests
// running at once, even from several checkouts, never see each other's rows.
func URL(t testing.TB) string {
	t.Helper()
	base := ServerURL(t)
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
		defer db.Close()
		// A query the test's API cancelled as the test ended may still be
		// running in the server, holding locks that DROP SCHEMA would
		// deadlock with: end the test's connections first (they carry the
		// schema's name, below).
		if _, err := db.Exec(`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1`, schema); err != nil {
			t.Errorf("end the connections of %s: %v", schema, err)
		}
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// ServerURL returns the URL of the database the tests work in:
// TEST_DATABASE_URL or else, as Django and Rails do, the API's own database
// (DATABASE_URL or its default) with _test after its name, created when the
// server lacks it. A server that does not answer fails the test and says
// how to start one: tests of a PostgreSQL project run on PostgreSQL, and
// `go test -short` is the way to skip them.
func ServerURL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test that needs PostgreSQL")
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		cfg, err := config.Load(func(k string) string {
			if k == "DATABASE_URL" {
				return os.Getenv(k)
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(cfg.DatabaseURL)
		if err != nil {
			t.Fatal("DATABASE_URL is not a URL")
		}
		u.Path = "/" + cmp.Or(strings.TrimPrefix(u.Path, "/"), "postgres") + "_test"
		base = u.String()
	}
	ctx := context.Background()
	if err := store.CreateMissingDatabase(ctx, base, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("no PostgreSQL for the tests (%v): `make db` starts one, or set TEST_DATABASE_URL to a database on a server that runs; `go test -short` skips the tests that need it", err)
	}
	return base
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
