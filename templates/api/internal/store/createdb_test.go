// scaffold:file .Postgres
package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

// TestCreateMissingDatabase creates a database that does not exist on the
// tests' server, then finds it there, and leaves an unreachable server to
// Open.
func TestCreateMissingDatabase(t *testing.T) {
	base := storetest.ServerURL(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the drop below
	name := "test_created_" + strings.ToLower(rand.Text())
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	missing := u.String()

	if _, err := store.Open(ctx, missing); err == nil {
		t.Fatalf("database %s exists before the test", name)
	}
	for range 2 { // the second time, it exists
		if err := store.CreateMissingDatabase(ctx, missing, log); err != nil {
			t.Fatalf("CreateMissingDatabase: %v", err)
		}
		st, err := store.Open(ctx, missing)
		if err != nil {
			t.Fatalf("open the created database: %v", err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("migrate the created database: %v", err)
		}
		st.Close()
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	ln.Close()
	if err := store.CreateMissingDatabase(ctx, u.String(), log); err != nil {
		t.Errorf("no server: %v, want nil (Open reports it)", err)
	}
}
