package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser, known by the hash of its id.
type Session struct {
	IDHash     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession inserts a session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		sess.IDHash, sess.UserID, millis(sess.CreatedAt), millis(sess.LastSeenAt), millis(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Session returns the session whose id hashes to idHash, or ErrNotFound.
func (s *Store) Session(ctx context.Context, idHash string) (Session, error) {
	sess := Session{IDHash: idHash}
	var created, seen, expires int64
	err := s.db.QueryRowContext(ctx,
		`SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&sess.UserID, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("select session: %w", err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = fromMillis(created), fromMillis(seen), fromMillis(expires)
	return sess, nil
}

// TouchSession records that the session was used at now.
func (s *Store) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, millis(now), idHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession deletes one session; deleting a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions deletes every session of userID.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}
