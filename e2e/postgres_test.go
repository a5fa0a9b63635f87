//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// testDatabase is a PostgreSQL database of one test, on the server of
// TEST_DATABASE_URL.
type testDatabase struct {
	// URL is the database's DATABASE_URL.
	URL string
	// helper is testdata/pgdb, built in dir with the project's pgx driver.
	helper, dir string
}

// postgresDatabase creates a fresh database on the server of
// TEST_DATABASE_URL for one API, drops it when the test ends, and returns it.
// It fails the test, saying how to set it, when TEST_DATABASE_URL is not set.
//
// api is a generated Postgres project's api/ directory: the helper that talks
// to the server is built there, with the project's own pgx driver.
func postgresDatabase(t *testing.T, api string) *testDatabase {
	t.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Fatal("TEST_DATABASE_URL is not set: one combination runs on PostgreSQL (TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test …)")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}

	copyFile(t, filepath.Join(packageDir(t), "testdata", "pgdb", "main.go"), filepath.Join(api, "cmd", "scaffold-e2e-pgdb", "main.go"))
	helper := filepath.Join(t.TempDir(), "pgdb")
	projecttest.Run(t, api, nil, 5*time.Minute, "go", "build", "-o", helper, "./cmd/scaffold-e2e-pgdb")

	name := fmt.Sprintf("scaffold_e2e_%d_%d", os.Getpid(), time.Now().UnixNano()%1_000_000_000)
	projecttest.Run(t, api, nil, time.Minute, helper, "create", admin, name)
	// Registered before the API starts, so it runs after the API stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, err := runCommand(ctx, api, nil, "", helper, "drop", admin, name); err != nil {
			t.Errorf("drop database %s: %v\n%s", name, err, out)
		}
	})
	u.Path = "/" + name
	t.Logf("database %s on %s", name, u.Host)
	return &testDatabase{URL: u.String(), helper: helper, dir: api}
}

// query runs sql in the database, as the API's own user would see the data,
// and returns its rows, each a slice of columns (NULL as \N).
func (db *testDatabase) query(t *testing.T, sql string) [][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := runCommand(ctx, db.dir, nil, "", db.helper, "query", db.URL, sql)
	if err != nil {
		t.Fatalf("query %q: %v\n%s", sql, err, out)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}

// sameTree reports whether directories a and b hold the same files with the
// same contents, ignoring the top-level entries named in skip.
func sameTree(t *testing.T, a, b string, skip ...string) bool {
	t.Helper()
	ha, hb := treeHash(t, a, skip), treeHash(t, b, skip)
	return ha == hb
}

func treeHash(t *testing.T, root string, skip []string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if slices.Contains(skip, rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
