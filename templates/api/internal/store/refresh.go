// scaffold:file .BearerTokens
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
	// FamilyCreatedAt is when the family began (sign-in) and
	// FamilyExpiresAt when it ends (SESSION_LIFETIME later); every token of
	// the family carries both, the client's User-Agent at sign-in, and how
	// it signed in (see Session.SignIn).
	FamilyCreatedAt time.Time
	FamilyExpiresAt time.Time
	UserAgent       string
	SignIn          string
	// RotatedAt is when the token was exchanged for its successor; zero if
	// it has not been.
	RotatedAt time.Time
}

// InsertRefreshToken inserts t. Inserting a hash that exists is a no-op: two
// concurrent rotations of one token insert the same successor.
func (s *Store) InsertRefreshToken(ctx context.Context, t RefreshToken) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, family_created_at, family_expires_at, user_agent, sign_in)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		 ON CONFLICT (token_hash) DO NOTHING`,
		t.TokenHash, t.FamilyID, t.UserID, millis(t.CreatedAt), millis(t.ExpiresAt), millis(t.FamilyCreatedAt), millis(t.FamilyExpiresAt), t.UserAgent, t.SignIn)
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// RefreshToken returns the token whose hash is tokenHash, or ErrNotFound.
func (s *Store) RefreshToken(ctx context.Context, tokenHash string) (RefreshToken, error) {
	t := RefreshToken{TokenHash: tokenHash}
	var created, expires, familyCreated, familyExpires int64
	var rotated sql.NullInt64
	err := s.q.QueryRowContext(ctx,
		`SELECT family_id, user_id, created_at, expires_at, family_created_at, family_expires_at, user_agent, sign_in, rotated_at
		 FROM refresh_tokens WHERE token_hash = $1`, tokenHash).
		Scan(&t.FamilyID, &t.UserID, &created, &expires, &familyCreated, &familyExpires, &t.UserAgent, &t.SignIn, &rotated)
	if errors.Is(err, sql.ErrNoRows) {
		return RefreshToken{}, ErrNotFound
	}
	if err != nil {
		return RefreshToken{}, fmt.Errorf("select refresh token: %w", err)
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	t.FamilyCreatedAt, t.FamilyExpiresAt = fromMillis(familyCreated), fromMillis(familyExpires)
	if rotated.Valid {
		t.RotatedAt = fromMillis(rotated.Int64)
	}
	return t, nil
}

// MarkRotated sets rotated_at on a token that was not rotated yet. It
// reports false if another request rotated it first: of concurrent
// rotations exactly one wins.
func (s *Store) MarkRotated(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx,
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
	if _, err := s.q.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE family_id = $1`, familyID); err != nil {
		return fmt.Errorf("delete refresh token family: %w", err)
	}
	return nil
}

// scaffold:if and .Postgres (not .Redis)
//~// RefreshFamilyExists reports whether any token of the family is in the
//~// database.
//~func (s *Store) RefreshFamilyExists(ctx context.Context, familyID string) (bool, error) {
//~	var exists bool
//~	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1)`, familyID).Scan(&exists)
//~	if err != nil {
//~		return false, fmt.Errorf("select refresh token family: %w", err)
//~	}
//~	return exists, nil
//~}
// scaffold:end

// UserFamilyIDs returns the families userID has tokens of, but keep ("":
// every one), expired tokens included.
func (s *Store) UserFamilyIDs(ctx context.Context, userID int64, keep string) ([]string, error) {
	rows, err := s.q.QueryContext(ctx,
		`SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND family_id <> $2`, userID, keep)
	if err != nil {
		return nil, fmt.Errorf("select refresh token families: %w", err)
	}
	defer rows.Close()
	var families []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("select refresh token families: %w", err)
		}
		families = append(families, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select refresh token families: %w", err)
	}
	return families, nil
}

// DeleteUserRefreshTokens deletes every refresh token of userID but those
// of family keep ("" keeps none), and returns the families it ended.
func (s *Store) DeleteUserRefreshTokens(ctx context.Context, userID int64, keep string) ([]string, error) {
	rows, err := s.q.QueryContext(ctx,
		`DELETE FROM refresh_tokens WHERE user_id = $1 AND family_id <> $2 RETURNING family_id`, userID, keep)
	if err != nil {
		return nil, fmt.Errorf("delete refresh tokens: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var families []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("delete refresh tokens: %w", err)
		}
		if !seen[f] {
			seen[f] = true
			families = append(families, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("delete refresh tokens: %w", err)
	}
	return families, nil
}

// Family is a signed-in client of the refresh token kind: every token
// since one sign-in.
type Family struct {
	ID        string
	CreatedAt time.Time // sign-in
	// LastSeenAt is the latest rotation: the client was there then.
	LastSeenAt time.Time
	UserAgent  string
	SignIn     string
}

// UserFamilies lists userID's families that still have a token valid at
// now, the most recently used first.
func (s *Store) UserFamilies(ctx context.Context, userID int64, now time.Time) ([]Family, error) {
	rows, err := s.q.QueryContext(ctx,
		`SELECT family_id, min(family_created_at), max(created_at), min(user_agent), min(sign_in) FROM refresh_tokens
		 WHERE user_id = $1 AND expires_at > $2
		 GROUP BY family_id ORDER BY max(created_at) DESC, family_id`, userID, millis(now))
	if err != nil {
		return nil, fmt.Errorf("select refresh token families: %w", err)
	}
	defer rows.Close()
	var list []Family
	for rows.Next() {
		var f Family
		var created, seen int64
		if err := rows.Scan(&f.ID, &created, &seen, &f.UserAgent, &f.SignIn); err != nil {
			return nil, fmt.Errorf("scan refresh token family: %w", err)
		}
		f.CreatedAt, f.LastSeenAt = fromMillis(created), fromMillis(seen)
		list = append(list, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select refresh token families: %w", err)
	}
	return list, nil
}

// DeleteUserRefreshFamily deletes userID's family familyID; ErrNotFound if
// the user has no token of it.
func (s *Store) DeleteUserRefreshFamily(ctx context.Context, userID int64, familyID string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE user_id = $1 AND family_id = $2`, userID, familyID)
	if err != nil {
		return fmt.Errorf("delete refresh token family: %w", err)
	}
	return changedOne(res, "delete refresh token family")
}
