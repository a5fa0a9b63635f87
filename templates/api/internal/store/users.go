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
	ID            int64
	Email         string
	EmailVerified bool
	PasswordHash  string
	CreatedAt     time.Time
}

// CreateUser inserts a user; ErrEmailTaken if the email is registered.
// ON CONFLICT DO NOTHING keeps this free of driver-specific error codes.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (User, error) {
	u := User{Email: email, PasswordHash: passwordHash, CreatedAt: fromMillis(millis(now))}
	err := s.q.QueryRowContext(ctx,
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
	return s.user(ctx, `SELECT id, email, email_verified, password_hash, created_at FROM users WHERE email = $1`, email)
}

// scaffold:if or .SQLite .Redis
// UserByID returns the user with id, or ErrNotFound. It answers from
// memory when it can: see userCache.
// scaffold:else
// ~// UserByID returns the user with id, or ErrNotFound.
// scaffold:end
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	// scaffold:if not (or .SQLite .Redis)
	//~	return s.user(ctx, `SELECT id, email, email_verified, password_hash, created_at FROM users WHERE id = $1`, id)
	// scaffold:end
	// scaffold:if or .SQLite .Redis
	load := func() (User, time.Time, error) {
		u, err := s.user(ctx, `SELECT id, email, email_verified, password_hash, created_at FROM users WHERE id = $1`, id)
		return u, time.Now().Add(userCacheTTL), err
	}
	if s.changed != nil {
		u, _, err := load() // a transaction reads its own writes
		return u, err
	}
	return s.users.Get(id, load)
	// scaffold:end
}

func (s *Store) user(ctx context.Context, query string, arg any) (User, error) {
	var u User
	var created int64
	err := s.q.QueryRowContext(ctx, query, arg).Scan(&u.ID, &u.Email, &u.EmailVerified, &u.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("select user: %w", err)
	}
	u.CreatedAt = fromMillis(created)
	return u, nil
}

// SetPassword replaces the user's password hash.
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	return s.updateUser(ctx, userID, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, userID)
}

// SetEmailVerified records that the user proved they read their email.
func (s *Store) SetEmailVerified(ctx context.Context, userID int64) error {
	return s.updateUser(ctx, userID, `UPDATE users SET email_verified = TRUE WHERE id = $1`, userID)
}

// DeleteUser deletes the user and, through ON DELETE CASCADE, every row of
// scaffold:line // theirs: notes, {{if .BrowserSessions}}sessions, {{end}}{{if .BearerTokens}}refresh tokens, {{end}}tokens and mails waiting to be sent.
// theirs: notes, sessions, refresh tokens, tokens and mails waiting to be sent.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	return s.updateUser(ctx, userID, `DELETE FROM users WHERE id = $1`, userID)
}

// scaffold:if or .SQLite .Redis
// wrap is fmt.Errorf("what: %w", err), and nil for a nil err.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// scaffold:end

// updateUser runs a statement on the row of user id; ErrNotFound if there
// scaffold:if or .SQLite .Redis
// is none. The cached copy of the row is forgotten once the change is
// committed.
// scaffold:else
// ~// is none.
// scaffold:end
func (s *Store) updateUser(ctx context.Context, id int64, query string, args ...any) error {
	res, err := s.q.ExecContext(ctx, query, args...)
	// scaffold:if or .SQLite .Redis
	if s.changed != nil {
		*s.changed = append(*s.changed, id)
	} else if ferr := s.users.forget(ctx, id); ferr != nil || err != nil {
		// Even a failed statement may have been applied.
		return errors.Join(wrap("update user", err), ferr)
	}
	// scaffold:end
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return changedOne(res, "update user")
}
