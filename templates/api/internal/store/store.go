// scaffold:line // Package store keeps users, {{if .BrowserSessions}}sessions{{if .BearerTokens}}, {{else}} {{end}}{{end}}{{if .BearerTokens}}refresh tokens {{end}}and notes in
// Package store keeps users, sessions, refresh tokens and notes in
// scaffold:line // {{if .SQLite}}SQLite{{else}}PostgreSQL{{end}}. Its queries are portable SQL so that switching database only
// PostgreSQL. Its queries are portable SQL so that switching database only
// scaffold:line // changes how the connection is opened (see {{if .SQLite}}sqlite.go{{else}}postgres.go{{end}}); times are stored as Unix
// changes how the connection is opened (see postgres.go); times are stored as Unix
// milliseconds for the same reason.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/pressly/goose/v3"
)

// ErrNotFound is returned when a row does not exist (or belongs to another
// user).
var ErrNotFound = errors.New("not found")

// changedOne is the end of a statement that changes one thing (a row, or
// the rows of one family): ErrNotFound if it changed nothing. what names the
// statement in errors.
func changedOne(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ErrEmailTaken is returned by CreateUser for an email already registered.
var ErrEmailTaken = errors.New("email already registered")

// scaffold:if .Redis
// ErrUnavailable wraps the failure to reach a service the API needs (Redis:
// see internal/redisstore): the request cannot be served now, but may be in a
// scaffold:else
// ~// ErrUnavailable wraps the failure to reach a service the API needs: the request cannot be served now, but may be in a
// scaffold:end
// moment (503).
var ErrUnavailable = errors.New("unavailable")

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	q       querier // db, or the transaction of a Store passed to InTx
	dialect goose.Dialect
	// scaffold:if or .SQLite .Redis

	// users keeps the users read lately (see userCache).
	users *userCache

	// changed, in the Store passed to InTx, collects the users whose rows
	// the transaction changed, to be forgotten once it commits.
	changed *[]int64
	// scaffold:end
}

// querier runs queries: *sql.DB, or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn with a Store whose queries all belong to one transaction,
// committed if fn returns nil and rolled back otherwise: fn's writes happen
// together or not at all.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	inTx := &Store{db: s.db, q: tx, dialect: s.dialect}
	// scaffold:if or .SQLite .Redis
	var changed []int64
	inTx.users, inTx.changed = s.users, &changed
	// scaffold:end
	if err := fn(inTx); err != nil {
		tx.Rollback()
		return err
	}
	err = tx.Commit()
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	}
	// scaffold:if or .SQLite .Redis
	// Forgotten even if the commit failed: it may have been applied.
	for _, id := range slices.Compact(slices.Sorted(slices.Values(changed))) {
		err = errors.Join(err, s.users.forget(ctx, id))
	}
	// scaffold:end
	return err
}

// scaffold:line // Open connects to DATABASE_URL: sqlite:PATH{{if .Postgres}} or postgres://…{{end}}.
// Open connects to DATABASE_URL: sqlite:PATH or postgres://….
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	db, dialect, err := open(databaseURL)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	// scaffold:if or .SQLite .Redis
	return &Store{db: db, q: db, dialect: dialect, users: newUserCache()}, nil
	// scaffold:else
	//~	// Several instances of the API may share this database, and none would
	//~	// hear of what another changed: users are read from it on every
	//~	// request, never kept in memory.
	//~	return &Store{db: db, q: db, dialect: dialect}, nil
	// scaffold:end
}

// Migrate applies the embedded migrations that have not run yet.
func (s *Store) Migrate(ctx context.Context) error {
	opts, err := migrationOptions(ctx, s.db)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(s.dialect, s.db, mustSub(migrations, "migrations"), opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// Close closes the connections.
func (s *Store) Close() error {
	return s.db.Close()
}

// DeleteExpired removes what can no longer be used (sessions, refresh
// tokens, sign-ins with a provider or waiting for a second factor, passkey
// ceremonies), so the tables do not grow forever.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	for _, table := range []string{"oauth_flows", "mfa_pending", "webauthn_ceremonies"} {
		if _, err := s.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE expires_at <= $1`, millis(now)); err != nil {
			return fmt.Errorf("delete expired %s: %w", table, err)
		}
	}
	// scaffold:if .BrowserSessions
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, millis(now)); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	if _, err := s.q.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at <= $1`, millis(now)); err != nil {
		return fmt.Errorf("delete expired refresh tokens: %w", err)
	}
	// scaffold:end
	return nil
}

func mustSub(fsys embed.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded above: this cannot happen
	}
	return sub
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
