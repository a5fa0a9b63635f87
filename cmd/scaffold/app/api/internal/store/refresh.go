package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RefreshToken is one refresh token of a family, known by its hash.
type RefreshToken struct {
	TokenHash string
	FamilyID  string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	// RotatedAt is when the token was exchanged for its successor; zero if
	// it has not been.
	RotatedAt time.Time
}

// InsertRefreshToken inserts t. Inserting a hash that exists is a no-op: two
// concurrent rotations of one token insert the same successor.
func (s *Store) InsertRefreshToken(ctx context.Context, t RefreshToken) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (token_hash) DO NOTHING`,
		t.TokenHash, t.FamilyID, t.UserID, millis(t.CreatedAt), millis(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// RefreshToken returns the token whose hash is tokenHash, or ErrNotFound.
func (s *Store) RefreshToken(ctx context.Context, tokenHash string) (RefreshToken, error) {
	t := RefreshToken{TokenHash: tokenHash}
	var created, expires int64
	var rotated sql.NullInt64
	err := s.db.QueryRowContext(ctx,
		`SELECT family_id, user_id, created_at, expires_at, rotated_at FROM refresh_tokens WHERE token_hash = $1`, tokenHash).
		Scan(&t.FamilyID, &t.UserID, &created, &expires, &rotated)
	if errors.Is(err, sql.ErrNoRows) {
		return RefreshToken{}, ErrNotFound
	}
	if err != nil {
		return RefreshToken{}, fmt.Errorf("select refresh token: %w", err)
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	if rotated.Valid {
		t.RotatedAt = fromMillis(rotated.Int64)
	}
	return t, nil
}

// MarkRotated sets rotated_at on a token that was not rotated yet. It
// reports false if another request rotated it first: of concurrent
// rotations exactly one wins.
func (s *Store) MarkRotated(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx,
		`UPDATE refresh_tokens SET rotated_at = $1 WHERE token_hash = $2 AND rotated_at IS NULL`, millis(now), tokenHash)
	if err != nil {
		return false, fmt.Errorf("rotate refresh token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("rotate refresh token: %w", err)
	}
	return n == 1, nil
}

// DeleteRefreshFamily deletes every token of a family.
func (s *Store) DeleteRefreshFamily(ctx context.Context, familyID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE family_id = $1`, familyID); err != nil {
		return fmt.Errorf("delete refresh token family: %w", err)
	}
	return nil
}

// DeleteUserRefreshTokens deletes every refresh token of userID.
func (s *Store) DeleteUserRefreshTokens(ctx context.Context, userID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete refresh tokens: %w", err)
	}
	return nil
}
