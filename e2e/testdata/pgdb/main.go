// Command pgdb creates or drops the PostgreSQL database of one end-to-end
// run. The e2e tests build it inside a generated Postgres project, whose
// go.mod already requires the pgx driver, so scaffold's own go.mod does not.
//
//	pgdb create|drop ADMIN_URL NAME
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

var validName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pgdb: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 || !validName.MatchString(args[2]) {
		return fmt.Errorf("usage: pgdb create|drop ADMIN_URL NAME (NAME: lowercase letters, digits, _)")
	}
	op, url, name := args[0], args[1], args[2]
	var stmt string
	switch op {
	case "create":
		stmt = `CREATE DATABASE "` + name + `"`
	case "drop":
		// FORCE: an API that was killed may leave connections behind.
		stmt = `DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`
	default:
		return fmt.Errorf("unknown operation %q: want create or drop", op)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s database %s: %w", op, name, err)
	}
	return nil
}
