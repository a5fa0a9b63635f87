// scaffold:file and .Redis .BearerTokens
package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/cache"
)

// Revocations remembers, in Redis, the refresh token families that ended
// while access tokens issued with them may still be valid: every instance
// then refuses those access tokens at once, however long they would live.
// A key expires with the last access token it stands for.
//
// What Redis answered is kept in memory (a family once revoked stays so; a
// family not revoked is forgotten when the Bus says it was), so that an
// access token is checked without a round trip to Redis.
type Revocations struct {
	client *redis.Client
	prefix string
	bus    *Bus
	cache  *cache.Cache[string, bool]
	now    func() time.Time
}

// NewRevocations returns Revocations under prefix, telling the other
// instances through bus; now is the clock (time.Now if nil).
func NewRevocations(client *redis.Client, prefix string, bus *Bus, now func() time.Time) *Revocations {
	if now == nil {
		now = time.Now
	}
	r := &Revocations{client: client, prefix: prefix, bus: bus, cache: cache.New[string, bool](10_000, now), now: now}
	bus.Add("family", Topic{Forget: r.cache.Forget, Cache: r.cache})
	return r
}

func (r *Revocations) key(familyID string) string { return r.prefix + "revoked:" + familyID }

// Revoke implements auth.Revocations.
func (r *Revocations) Revoke(ctx context.Context, familyID string, until time.Time) error {
	err := unavailable(r.client.SetArgs(ctx, r.key(familyID), 1, redis.SetArgs{ExpireAt: until}).Err())
	r.cache.Forget(familyID)
	// Even a failed SET may have been applied: tell the others anyway.
	return errors.Join(err, r.bus.Publish(ctx, "family", familyID))
}

// Revoked implements auth.Revocations.
func (r *Revocations) Revoked(ctx context.Context, familyID string) (bool, error) {
	return r.cache.Get(familyID, func() (bool, time.Time, error) {
		n, err := r.client.Exists(ctx, r.key(familyID)).Result()
		if err != nil {
			return false, time.Time{}, unavailable(err)
		}
		return n == 1, r.now().Add(time.Minute), nil
	})
}
