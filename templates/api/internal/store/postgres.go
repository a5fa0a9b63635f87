// scaffold:file .Postgres
package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// open opens a postgres:// URL. Any libpq parameter works in the URL, such as
// sslmode or search_path.
func open(databaseURL string) (*sql.DB, goose.Dialect, error) {
	if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		return nil, "", fmt.Errorf("DATABASE_URL: this API was generated for PostgreSQL: use postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=…")
	}
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, "", fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(25)
	return db, goose.DialectPostgres, nil
}

// skipLocked ends the subquery that picks a job to claim: a worker passes
// over the rows another worker's transaction holds instead of waiting for
// them.
const skipLocked = " FOR UPDATE SKIP LOCKED"

// migrationOptions make instances of the API that start together against
// one database (replicas of a deployment) apply the migrations one at a
// time: each holds a PostgreSQL advisory lock while it migrates, and the
// ones that waited find nothing left to do. Without it they would run the
// same migration at once, and all but one fail to start. The lock is the
// schema's, so that other schemas (tests' own) migrate undisturbed.
func migrationOptions(ctx context.Context, db *sql.DB) ([]goose.ProviderOption, error) {
	var name string
	if err := db.QueryRowContext(ctx, `SELECT current_database() || '.' || COALESCE(current_schema(), '')`).Scan(&name); err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	// Tried every second for up to 5 minutes: the other instance's
	// migrations are usually done in much less.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}
