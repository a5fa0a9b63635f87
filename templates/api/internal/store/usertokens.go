package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// UserToken is a one-time token mailed to a user, known by its hash.
type UserToken struct {
	TokenHash string
	UserID    int64
	// Purpose is what the token proves: "password_reset" or "email_verify".
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ReplaceUserToken stores t, and deletes every earlier token of the user
// for the same purpose: only the newest link mailed works.
func (s *Store) ReplaceUserToken(ctx context.Context, t UserToken) error {
	if err := s.DeleteUserTokens(ctx, t.UserID, t.Purpose); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		t.TokenHash, t.UserID, t.Purpose, millis(t.CreatedAt), millis(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert user token: %w", err)
	}
	return nil
}

// ConsumeUserToken deletes the token whose hash is tokenHash and returns
// its user, if it exists for purpose and has not expired at now; else
// ErrNotFound. Deleting and reading are one statement, so of two requests
// presenting the same token exactly one gets it.
func (s *Store) ConsumeUserToken(ctx context.Context, tokenHash, purpose string, now time.Time) (int64, error) {
	var userID, expires int64
	err := s.q.QueryRowContext(ctx,
		`DELETE FROM user_tokens WHERE token_hash = $1 AND purpose = $2 RETURNING user_id, expires_at`, tokenHash, purpose).
		Scan(&userID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("consume user token: %w", err)
	}
	if !now.Before(fromMillis(expires)) {
		return 0, ErrNotFound
	}
	return userID, nil
}

// UserTokenUser returns the user of the token whose hash is tokenHash, if
// it exists for purpose and has not expired at now; else ErrNotFound.
func (s *Store) UserTokenUser(ctx context.Context, tokenHash, purpose string, now time.Time) (int64, error) {
	var userID int64
	err := s.q.QueryRowContext(ctx,
		`SELECT user_id FROM user_tokens WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3`, tokenHash, purpose, millis(now)).
		Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("select user token: %w", err)
	}
	return userID, nil
}

// DeleteUserTokens deletes the user's tokens for purpose.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64, purpose string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM user_tokens WHERE user_id = $1 AND purpose = $2`, userID, purpose); err != nil {
		return fmt.Errorf("delete user tokens: %w", err)
	}
	return nil
}
