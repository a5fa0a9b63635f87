// scaffold:file and .Redis .BrowserSessions
package redisstore

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Sessions keeps browser sessions in Redis, so that every instance of the
// API sees a sign-in, a sign-out and a "sign out everywhere" at once.
//
// A session is a hash under "sess:" + SHA-256(id), which Redis deletes when
// the session ends: at its idle timeout, pushed back at each use, or at its
// absolute end, whichever comes first. Each user has an index hash under
// "user_sess:" + user id (the session's public id → its key), which makes
// "sign out everywhere" and the list of sessions one lookup; entries of
// sessions Redis already dropped are pruned as they are found.
type Sessions struct {
	Client *redis.Client
	// Prefix starts every key, so that several apps (or tests) can share
	// one Redis.
	Prefix string
	// IdleTimeout is how long an unused session lives.
	IdleTimeout time.Duration
}

func (s *Sessions) sessionKey(idHash string) string { return s.Prefix + "sess:" + idHash }
func (s *Sessions) indexKey(userID int64) string {
	return s.Prefix + "user_sess:" + strconv.FormatInt(userID, 10)
}

// CreateSession implements auth.SessionStore.
func (s *Sessions) CreateSession(ctx context.Context, sess store.Session) error {
	key, index := s.sessionKey(sess.IDHash), s.indexKey(sess.UserID)
	_, err := s.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key,
			"uid", sess.UserID, "pub", sess.PublicID, "ua", sess.UserAgent, "si", sess.SignIn,
			"created", millis(sess.CreatedAt), "seen", millis(sess.LastSeenAt), "expires", millis(sess.ExpiresAt))
		p.PExpireAt(ctx, key, earliest(sess.LastSeenAt.Add(s.IdleTimeout), sess.ExpiresAt))
		p.HSet(ctx, index, sess.PublicID, sess.IDHash)
		// The index lives as long as the user's longest session.
		p.PExpireAt(ctx, index, sess.ExpiresAt)
		return nil
	})
	return unavailable(err)
}

// Session implements auth.SessionStore.
func (s *Sessions) Session(ctx context.Context, idHash string) (store.Session, error) {
	fields, err := s.Client.HGetAll(ctx, s.sessionKey(idHash)).Result()
	if err != nil {
		return store.Session{}, unavailable(err)
	}
	sess, ok := decodeSession(idHash, fields)
	if !ok {
		return store.Session{}, store.ErrNotFound
	}
	return sess, nil
}

// touchScript records a use: the session's last use, and its expiry pushed
// back to the idle timeout (never past its absolute end).
var touchScript = redis.NewScript(`
local expires = tonumber(redis.call("HGET", KEYS[1], "expires"))
if not expires then return 0 end
redis.call("HSET", KEYS[1], "seen", ARGV[1])
redis.call("PEXPIREAT", KEYS[1], math.min(tonumber(ARGV[1]) + tonumber(ARGV[2]), expires))
return 1
`)

// TouchSession implements auth.SessionStore.
func (s *Sessions) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	return unavailable(touchScript.Run(ctx, s.Client, []string{s.sessionKey(idHash)}, millis(now), s.IdleTimeout.Milliseconds()).Err())
}

// DeleteSession implements auth.SessionStore.
func (s *Sessions) DeleteSession(ctx context.Context, idHash string) error {
	fields, err := s.Client.HMGet(ctx, s.sessionKey(idHash), "uid", "pub").Result()
	if err != nil {
		return unavailable(err)
	}
	_, err = s.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.sessionKey(idHash))
		if uid, ok := fields[0].(string); ok {
			if id, err := strconv.ParseInt(uid, 10, 64); err == nil {
				if pub, ok := fields[1].(string); ok {
					p.HDel(ctx, s.indexKey(id), pub)
				}
			}
		}
		return nil
	})
	return unavailable(err)
}

// DeleteUserSessions implements auth.SessionStore.
func (s *Sessions) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	index, err := s.Client.HGetAll(ctx, s.indexKey(userID)).Result()
	if err != nil {
		return unavailable(err)
	}
	_, err = s.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for pub, idHash := range index {
			if idHash != keep {
				p.Del(ctx, s.sessionKey(idHash))
				p.HDel(ctx, s.indexKey(userID), pub)
			}
		}
		return nil
	})
	return unavailable(err)
}

// UserSessions implements auth.SessionStore.
func (s *Sessions) UserSessions(ctx context.Context, userID int64, now time.Time) ([]store.Session, error) {
	index, err := s.Client.HGetAll(ctx, s.indexKey(userID)).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	cmds := make(map[string]*redis.MapStringStringCmd, len(index))
	_, err = s.Client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, idHash := range index {
			cmds[idHash] = p.HGetAll(ctx, s.sessionKey(idHash))
		}
		return nil
	})
	if err != nil {
		return nil, unavailable(err)
	}
	var list []store.Session
	var gone []string
	for pub, idHash := range index {
		sess, ok := decodeSession(idHash, cmds[idHash].Val())
		if !ok || !now.Before(sess.ExpiresAt) {
			gone = append(gone, pub)
			continue
		}
		list = append(list, sess)
	}
	if len(gone) > 0 {
		if err := s.Client.HDel(ctx, s.indexKey(userID), gone...).Err(); err != nil {
			return nil, unavailable(err)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].LastSeenAt.After(list[j].LastSeenAt) })
	return list, nil
}

// DeleteSessionByPublicID implements auth.SessionStore.
func (s *Sessions) DeleteSessionByPublicID(ctx context.Context, userID int64, publicID string) error {
	idHash, err := s.Client.HGet(ctx, s.indexKey(userID), publicID).Result()
	if errors.Is(err, redis.Nil) {
		return store.ErrNotFound
	}
	if err != nil {
		return unavailable(err)
	}
	n, err := s.Client.Del(ctx, s.sessionKey(idHash)).Result()
	if err != nil {
		return unavailable(err)
	}
	if err := s.Client.HDel(ctx, s.indexKey(userID), publicID).Err(); err != nil {
		return unavailable(err)
	}
	if n == 0 {
		return store.ErrNotFound // it had ended already
	}
	return nil
}

// decodeSession reads a session hash; ok is false when it is missing or
// not one this store wrote.
func decodeSession(idHash string, f map[string]string) (store.Session, bool) {
	uid, err1 := strconv.ParseInt(f["uid"], 10, 64)
	created, err2 := strconv.ParseInt(f["created"], 10, 64)
	seen, err3 := strconv.ParseInt(f["seen"], 10, 64)
	expires, err4 := strconv.ParseInt(f["expires"], 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil || f["pub"] == "" {
		return store.Session{}, false
	}
	return store.Session{
		IDHash: idHash, PublicID: f["pub"], UserID: uid, UserAgent: f["ua"], SignIn: f["si"],
		CreatedAt: fromMillis(created), LastSeenAt: fromMillis(seen), ExpiresAt: fromMillis(expires),
	}, true
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
