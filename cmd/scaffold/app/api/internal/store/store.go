// Package store keeps users, sessions, refresh tokens and notes in
// SQLite. Its queries are portable SQL so that switching database only
// changes how the connection is opened (see sqlite.go); times are stored as Unix
// milliseconds for the same reason.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// ErrNotFound is returned when a row does not exist (or belongs to another
// user).
var ErrNotFound = errors.New("not found")

// ErrEmailTaken is returned by CreateUser for an email already registered.
var ErrEmailTaken = errors.New("email already registered")

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect goose.Dialect
}

// Open connects to DATABASE_URL: sqlite:PATH.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	db, dialect, err := open(databaseURL)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{db: db, dialect: dialect}, nil
}

// Migrate applies the embedded migrations that have not run yet.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := goose.NewProvider(s.dialect, s.db, mustSub(migrations, "migrations"))
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

// DeleteExpired removes sessions and refresh tokens that can no longer be
// used, so the tables do not grow forever.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, millis(now)); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at <= $1`, millis(now)); err != nil {
		return fmt.Errorf("delete expired refresh tokens: %w", err)
	}
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
