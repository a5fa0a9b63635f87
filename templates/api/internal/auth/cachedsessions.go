// scaffold:file and .BrowserSessions (or .SQLite .Redis)
package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/cache"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// sessionCacheTTL bounds how long CachedSessions trusts a session without
// reading it again: a safety net, since every end of a session is
// forgotten at once.
const sessionCacheTTL = time.Minute

// CachedSessions is a SessionStore that keeps in memory the sessions it
// read, so that a request does not wait on the database or Redis to know
// who sent it. Every session it ends is forgotten at once. Sessions that
// other processes end are forgotten only when Publish and Forget carry the
// news between them (with Redis, see redisstore.Bus); without that, use it
// only where one process alone ends sessions.
type CachedSessions struct {
	SessionStore
	cache *cache.Cache[string, store.Session]
	idle  time.Duration
	now   func() time.Time

	// Publish, if set, tells every other process what to forget: the
	// message is for their Forget.
	Publish func(ctx context.Context, message string) error
}

// sessionCacheSize is how many sessions CachedSessions keeps at most.
const sessionCacheSize = 10_000

// NewCachedSessions returns st with a cache of sessions, which end when
// unused for idleTimeout.
func NewCachedSessions(st SessionStore, idleTimeout time.Duration, now func() time.Time) *CachedSessions {
	return &CachedSessions{SessionStore: st, cache: cache.New[string, store.Session](sessionCacheSize, now), idle: idleTimeout, now: now}
}

// Cache is the cache itself, stopped while the news of other processes
// cannot be heard.
func (c *CachedSessions) Cache() *cache.Cache[string, store.Session] { return c.cache }

// Session implements SessionStore. A session is kept at most until it
// expires or would be idle too long by the last use it records, so that a
// copy never refuses what the store would accept.
func (c *CachedSessions) Session(ctx context.Context, idHash string) (store.Session, error) {
	return c.cache.Get(idHash, func() (store.Session, time.Time, error) {
		sess, err := c.SessionStore.Session(ctx, idHash)
		keep := c.now().Add(sessionCacheTTL)
		for _, t := range []time.Time{sess.ExpiresAt, sess.LastSeenAt.Add(c.idle)} {
			if t.Before(keep) {
				keep = t
			}
		}
		return sess, keep, err
	})
}

// TouchSession implements SessionStore; the copy is read again, with its
// new last use.
func (c *CachedSessions) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	err := c.SessionStore.TouchSession(ctx, idHash, now)
	c.cache.Forget(idHash)
	return err
}

// DeleteSession implements SessionStore.
func (c *CachedSessions) DeleteSession(ctx context.Context, idHash string) error {
	return c.forget(ctx, c.SessionStore.DeleteSession(ctx, idHash), "session", idHash)
}

// DeleteUserSessions implements SessionStore.
func (c *CachedSessions) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	return c.forget(ctx, c.SessionStore.DeleteUserSessions(ctx, userID, keep), "user", strconv.FormatInt(userID, 10), keep)
}

// DeleteSessionByPublicID implements SessionStore.
func (c *CachedSessions) DeleteSessionByPublicID(ctx context.Context, userID int64, publicID string) error {
	return c.forget(ctx, c.SessionStore.DeleteSessionByPublicID(ctx, userID, publicID), "public", strconv.FormatInt(userID, 10), publicID)
}

// forget applies, here and in every other process, the message made of
// fields, after the store ended sessions with the result err: even a failed
// call may have ended them.
func (c *CachedSessions) forget(ctx context.Context, err error, fields ...string) error {
	message := strings.Join(fields, " ")
	c.Forget(message)
	if c.Publish != nil {
		err = errors.Join(err, c.Publish(ctx, message))
	}
	return err
}

// Forget drops the sessions a message names: "session ID_HASH", "user
// USER_ID KEEP_ID_HASH" (every session of the user but that one), or
// "public USER_ID PUBLIC_ID". Any other message drops every session.
func (c *CachedSessions) Forget(message string) {
	f := strings.Fields(message)
	var match func(idHash string, sess store.Session) bool
	switch {
	case len(f) == 2 && f[0] == "session":
		match = func(idHash string, _ store.Session) bool { return idHash == f[1] }
	case len(f) >= 2 && f[0] == "user":
		keep := ""
		if len(f) == 3 {
			keep = f[2]
		}
		match = func(idHash string, sess store.Session) bool {
			return strconv.FormatInt(sess.UserID, 10) == f[1] && idHash != keep
		}
	case len(f) == 3 && f[0] == "public":
		match = func(_ string, sess store.Session) bool {
			return strconv.FormatInt(sess.UserID, 10) == f[1] && sess.PublicID == f[2]
		}
	default:
		match = func(string, store.Session) bool { return true }
	}
	c.cache.ForgetFunc(match)
}
