package auth

import (
	"context"
	"errors"
	"time"

	"app/internal/store"
)

// ErrNoSession is returned for a session id that is unknown, revoked or
// expired.
var ErrNoSession = errors.New("no valid session")

// touchInterval limits last-seen updates to one write per session per
// minute instead of one per request.
const touchInterval = time.Minute

// Sessions are server-side browser sessions.
//
// Written here rather than taken from a session library (such as
// alexedwards/scs) because those key their store by the session id itself:
// here the database holds only SHA-256(id), so a leaked copy of the sessions
// table cannot be replayed, and "sign out everywhere" is one indexed DELETE.
type Sessions struct {
	Store *store.Store
	// IdleTimeout ends a session unused for that long; Lifetime ends it
	// that long after sign-in.
	IdleTimeout, Lifetime time.Duration
	Now                   func() time.Time
}

// Create starts a session for userID and returns its id (the cookie value)
// and when it expires at the latest.
func (s *Sessions) Create(ctx context.Context, userID int64) (string, time.Time, error) {
	id := newToken()
	now := s.Now()
	sess := store.Session{IDHash: hashToken(id), UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Lifetime)}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", time.Time{}, err
	}
	return id, sess.ExpiresAt, nil
}

// User returns the user signed in by session id, or ErrNoSession.
func (s *Sessions) User(ctx context.Context, id string) (int64, error) {
	if id == "" {
		return 0, ErrNoSession
	}
	sess, err := s.Store.Session(ctx, hashToken(id))
	if errors.Is(err, store.ErrNotFound) {
		return 0, ErrNoSession
	}
	if err != nil {
		return 0, err
	}
	now := s.Now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.IdleTimeout)) {
		return 0, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) >= touchInterval {
		if err := s.Store.TouchSession(ctx, sess.IDHash, now); err != nil {
			return 0, err
		}
	}
	return sess.UserID, nil
}

// Revoke ends session id; an unknown id is not an error.
func (s *Sessions) Revoke(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, hashToken(id))
}

// RevokeAll ends every session of userID.
func (s *Sessions) RevokeAll(ctx context.Context, userID int64) error {
	return s.Store.DeleteUserSessions(ctx, userID)
}
