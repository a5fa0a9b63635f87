// Command pgdb creates, queries or drops the PostgreSQL database of one
// end-to-end run. The e2e tests build it inside a generated Postgres project,
// whose go.mod already requires the pgx driver, so scaffold's own go.mod does
// not.
//
//	pgdb create|drop ADMIN_URL NAME
//	pgdb query DATABASE_URL SQL
//
// query prints one line per row, its columns separated by tabs (NULL as
// \N), as psql -At -F'\t' would.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

var validName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

const usage = "usage: pgdb create|drop ADMIN_URL NAME (NAME: lowercase letters, digits, _), or pgdb query DATABASE_URL SQL"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pgdb: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return errors.New(usage)
	}
	op, url := args[0], args[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()

	var stmt string
	switch name := args[2]; op {
	case "query":
		return query(ctx, db, args[2])
	case "create":
		stmt = `CREATE DATABASE "` + name + `"`
	case "drop":
		// FORCE: an API that was killed may leave connections behind.
		stmt = `DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`
	default:
		return fmt.Errorf("unknown operation %q: %s", op, usage)
	}
	if !validName.MatchString(args[2]) {
		return errors.New(usage)
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s database %s: %w", op, args[2], err)
	}
	return nil
}

func query(ctx context.Context, db *sql.DB, q string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	values := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range values {
		dest[i] = &values[i]
	}
	var out strings.Builder
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("query: %w", err)
		}
		for i, v := range values {
			if i > 0 {
				out.WriteByte('\t')
			}
			if v.Valid {
				out.WriteString(v.String)
			} else {
				out.WriteString(`\N`)
			}
		}
		out.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	_, err = os.Stdout.WriteString(out.String())
	return err
}
