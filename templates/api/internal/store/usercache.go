// scaffold:file or .SQLite .Redis
package store

import (
	"context"
	"strconv"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/cache"
)

// userCacheTTL bounds how long a user read from the database is kept: a
// safety net only, since every change this API makes forgets the copy at
// once.
const userCacheTTL = time.Minute

// userCacheSize is how many users are kept in memory at most.
const userCacheSize = 10_000

// userCache keeps the users that UserByID read, which every authenticated
// request needs, so that the database is asked once a minute instead of
// once a request. A change to a user's row forgets the copy after the change
// scaffold:if .Redis
// is committed, here and, through Redis, in every other instance of the API
// (see redisstore.Bus).
// scaffold:else
// ~// is committed. Only this process writes the SQLite database, so none can
// ~// change a user behind its back.
// scaffold:end
type userCache struct {
	*cache.Cache[int64, User]

	// changed, if set, is told of every change, after it is committed.
	changed func(ctx context.Context, id int64) error
}

func newUserCache() *userCache {
	return &userCache{Cache: cache.New[int64, User](userCacheSize, time.Now)}
}

func (c *userCache) forget(ctx context.Context, id int64) error {
	c.Forget(id)
	if c.changed != nil {
		return c.changed(ctx, id)
	}
	return nil
}

// scaffold:if .Redis

// UserCache returns the cache of users, stopped while the news of other
// instances cannot be heard.
func (s *Store) UserCache() *cache.Cache[int64, User] { return s.users.Cache }

// ForgetUser drops the copy of the user a message names: the news, from
// another instance, that it changed the user.
func (s *Store) ForgetUser(message string) {
	if id, err := strconv.ParseInt(message, 10, 64); err == nil {
		s.users.Forget(id)
	}
}

// OnUserChange makes the Store call changed after each change it commits to
// a user's row (its message for ForgetUser is the id in decimal), to tell
// the other instances; an error fails the change's caller. Call it before
// the Store is used.
func (s *Store) OnUserChange(changed func(ctx context.Context, message string) error) {
	s.users.changed = func(ctx context.Context, id int64) error {
		return changed(ctx, strconv.FormatInt(id, 10))
	}
}

// scaffold:end
