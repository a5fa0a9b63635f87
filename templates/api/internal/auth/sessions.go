// scaffold:file .BrowserSessions
package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// ErrNoSession is returned for a session id that is unknown, revoked or
// expired.
var ErrNoSession = errors.New("no valid session")

// touchInterval limits last-seen updates to one write per session per
// minute (or per half idle timeout, if shorter) instead of one per request.
const touchInterval = time.Minute

// scaffold:if .Redis
// SessionStore keeps sessions: the database (*store.Store), or Redis
// (redisstore.Sessions), which every instance of the API shares.
// scaffold:else
// ~// SessionStore keeps sessions: the database (*store.Store).
// scaffold:end
type SessionStore interface {
	CreateSession(ctx context.Context, sess store.Session) error
	Session(ctx context.Context, idHash string) (store.Session, error)
	TouchSession(ctx context.Context, idHash string, now time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteUserSessions(ctx context.Context, userID int64, keep string) error
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]store.Session, error)
	DeleteSessionByPublicID(ctx context.Context, userID int64, publicID string) error
}

// Sessions are server-side browser sessions.
//
// Written here rather than taken from a session library (such as
// alexedwards/scs) because those key their store by the session id itself:
// here the database holds only SHA-256(id), so a leaked copy of the sessions
// table cannot be replayed, and "sign out everywhere" is one indexed DELETE.
type Sessions struct {
	Store SessionStore
	// IdleTimeout ends a session unused for that long; Lifetime ends it
	// that long after sign-in.
	IdleTimeout, Lifetime time.Duration
	Now                   func() time.Time
}

// Create starts a session for userID, signed in from userAgent as signIn
// says (see store.Session.SignIn), and returns its id (the cookie value)
// and when it expires at the latest.
func (s *Sessions) Create(ctx context.Context, userID int64, userAgent, signIn string) (string, time.Time, error) {
	id := newToken()
	now := s.Now()
	sess := store.Session{
		IDHash: hashToken(id), PublicID: newPublicID(), UserID: userID, UserAgent: userAgent, SignIn: signIn,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Lifetime),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", time.Time{}, err
	}
	return id, sess.ExpiresAt, nil
}

// Get returns the session whose id is id, or ErrNoSession. It records the
// use, at most once per touchInterval.
func (s *Sessions) Get(ctx context.Context, id string) (store.Session, error) {
	if id == "" {
		return store.Session{}, ErrNoSession
	}
	sess, err := s.Store.Session(ctx, hashToken(id))
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, ErrNoSession
	}
	if err != nil {
		return store.Session{}, err
	}
	now := s.Now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.IdleTimeout)) {
		return store.Session{}, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) >= min(touchInterval, s.IdleTimeout/2) {
		if err := s.Store.TouchSession(ctx, sess.IDHash, now); err != nil {
			return store.Session{}, err
		}
		sess.LastSeenAt = now
	}
	return sess, nil
}

// Revoke ends session id; an unknown id is not an error.
func (s *Sessions) Revoke(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, hashToken(id))
}

// RevokeAll ends every session of userID but the one with id keep ("": all).
func (s *Sessions) RevokeAll(ctx context.Context, userID int64, keep string) error {
	keepHash := ""
	if keep != "" {
		keepHash = hashToken(keep)
	}
	return s.Store.DeleteUserSessions(ctx, userID, keepHash)
}

// List returns userID's sessions, the most recently used first.
func (s *Sessions) List(ctx context.Context, userID int64) ([]store.Session, error) {
	return s.Store.UserSessions(ctx, userID, s.Now())
}

// RevokePublic ends userID's session named publicID in the list of
// sessions; ErrNoSession if the user has none of that name.
func (s *Sessions) RevokePublic(ctx context.Context, userID int64, publicID string) error {
	err := s.Store.DeleteSessionByPublicID(ctx, userID, publicID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoSession
	}
	return err
}

// newPublicID returns 128 random bits, base32-encoded: a name for a session
// that may be shown.
func newPublicID() string { return rand.Text() }
