// scaffold:file .BrowserSessions
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
	IDHash string
	// PublicID names the session in the list of sessions; the id itself
	// never leaves the browser's cookie.
	PublicID  string
	UserID    int64
	UserAgent string
	// SignIn is how the session signed in: "password", "passkey" or a
	// provider's id, with "+totp" or "+recovery_code" after a second
	// factor.
	SignIn     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession inserts a session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO sessions (id_hash, public_id, user_id, user_agent, sign_in, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		sess.IDHash, sess.PublicID, sess.UserID, sess.UserAgent, sess.SignIn, millis(sess.CreatedAt), millis(sess.LastSeenAt), millis(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Session returns the session whose id hashes to idHash, or ErrNotFound.
func (s *Store) Session(ctx context.Context, idHash string) (Session, error) {
	sess := Session{IDHash: idHash}
	var created, seen, expires int64
	err := s.q.QueryRowContext(ctx,
		`SELECT public_id, user_id, user_agent, sign_in, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&sess.PublicID, &sess.UserID, &sess.UserAgent, &sess.SignIn, &created, &seen, &expires)
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
	if _, err := s.q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, millis(now), idHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession deletes one session; deleting a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions deletes every session of userID but the one whose id
// hashes to keep ("" keeps none).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keep); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// UserSessions lists userID's sessions that have not expired at now, the
// most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]Session, error) {
	rows, err := s.q.QueryContext(ctx,
		`SELECT id_hash, public_id, user_agent, sign_in, created_at, last_seen_at, expires_at FROM sessions
		 WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC`, userID, millis(now))
	if err != nil {
		return nil, fmt.Errorf("select sessions: %w", err)
	}
	defer rows.Close()
	var list []Session
	for rows.Next() {
		sess := Session{UserID: userID}
		var created, seen, expires int64
		if err := rows.Scan(&sess.IDHash, &sess.PublicID, &sess.UserAgent, &sess.SignIn, &created, &seen, &expires); err != nil {
			return nil, fmt.Errorf("scan session: %w", err)
		}
		sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = fromMillis(created), fromMillis(seen), fromMillis(expires)
		list = append(list, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select sessions: %w", err)
	}
	return list, nil
}

// DeleteSessionByPublicID deletes userID's session publicID; ErrNotFound if
// the user has no such session.
func (s *Store) DeleteSessionByPublicID(ctx context.Context, userID int64, publicID string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND public_id = $2`, userID, publicID)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return changedOne(res, "delete session")
}
