package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is a registered user.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// CreateUser inserts a user; ErrEmailTaken if the email is registered.
// ON CONFLICT DO NOTHING keeps this free of driver-specific error codes.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (User, error) {
	u := User{Email: email, PasswordHash: passwordHash, CreatedAt: fromMillis(millis(now))}
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT (email) DO NOTHING RETURNING id`,
		email, passwordHash, millis(now)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("insert user: %w", err)
	}
	return u, nil
}

// UserByEmail returns the user registered with email, or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.user(ctx, `SELECT id, email, password_hash, created_at FROM users WHERE email = $1`, email)
}

// UserByID returns the user with id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return s.user(ctx, `SELECT id, email, password_hash, created_at FROM users WHERE id = $1`, id)
}

func (s *Store) user(ctx context.Context, query string, arg any) (User, error) {
	var u User
	var created int64
	err := s.db.QueryRowContext(ctx, query, arg).Scan(&u.ID, &u.Email, &u.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("select user: %w", err)
	}
	u.CreatedAt = fromMillis(created)
	return u, nil
}
