// scaffold:file .Postgres
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes (SQLSTATE) this file tells apart.
const (
	codeNoSuchDatabase  = "3D000" // invalid_catalog_name
	codeDatabaseExists  = "42P04" // duplicate_database
	maintenanceDatabase = "postgres"
)

// CreateMissingDatabase creates the database that databaseURL names when
// its server answers but has no such database yet, as Rails' db:prepare
// does: in development, `make dev` then works with whatever PostgreSQL the
// URL reaches (one already running on this machine, or compose.yaml's)
// without a createdb first. Production never calls it: there the database
// is provisioned with its server.
//
// Any other failure to connect is left to Open, which reports it.
func CreateMissingDatabase(ctx context.Context, databaseURL string, log *slog.Logger) error {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	if !hasCode(err, codeNoSuchDatabase) {
		return nil
	}

	// CREATE DATABASE runs in another database of the same server, as the
	// same user.
	admin := cfg.Copy()
	admin.Database = maintenanceDatabase
	conn, err = pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("create database %s: %w", cfg.Database, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	switch {
	case hasCode(err, codeDatabaseExists):
		// Another process created it meanwhile.
	case err != nil:
		return fmt.Errorf("create database %s (or create it yourself, or set DATABASE_URL): %w", cfg.Database, err)
	default:
		log.Info("created the development database", "database", cfg.Database, "host", cfg.Host)
	}
	return nil
}

func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
