// scaffold:file .Redis
package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
)

// Limiter is a ratelimit.Limiter whose counts live in Redis, shared by every instance
// of the API: N instances allow what one allows, not N times as much.
//
// It runs the same GCRA as ratelimit.Memory, as a Lua script, so that reading and
// writing a key's time is one atomic step on the Redis server however many
// instances ask at once. The time comes from the caller's clock (the
// instances' clocks agree to far less than any limit's interval), so the
// same tests drive both limiters. Keys expire when the key is as good as
// new: Redis holds nothing for clients that stopped trying.
type Limiter struct {
	client *redis.Client
	prefix string
	limit  ratelimit.Limit
	now    func() time.Time
}

// NewLimiter returns a Limiter keeping its keys under prefix (one per
// limit, such as "rl:login_client:"). now is the clock (time.Now if nil).
func NewLimiter(client *redis.Client, prefix string, limit ratelimit.Limit, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{client: client, prefix: prefix, limit: limit, now: now}
}

// allowScript counts one event if the limit has room: it returns 0, or the
// milliseconds to wait and counts nothing.
var allowScript = redis.NewScript(`
local now, interval, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0")
if tat < now then tat = now end
local next = tat + interval
local wait = next - now - window
if wait > 0 then return wait end
redis.call("SET", KEYS[1], next, "PX", next - now)
return 0
`)

// undoScript gives one event back.
var undoScript = redis.NewScript(`
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0") - interval
if tat > now then
	redis.call("SET", KEYS[1], tat, "PX", tat - now)
else
	redis.call("DEL", KEYS[1])
end
return 0
`)

// Allow implements ratelimit.Limiter.
func (r *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	wait, err := allowScript.Run(ctx, r.client, []string{r.prefix + key},
		r.now().UnixMilli(), r.interval().Milliseconds(), r.limit.Per.Milliseconds()).Int64()
	if err != nil {
		return false, 0, unavailable(err)
	}
	return wait == 0, time.Duration(wait) * time.Millisecond, nil
}

// Undo implements ratelimit.Limiter.
func (r *Limiter) Undo(ctx context.Context, key string) error {
	err := undoScript.Run(ctx, r.client, []string{r.prefix + key}, r.now().UnixMilli(), r.interval().Milliseconds()).Err()
	return unavailable(err)
}

// Reset implements ratelimit.Limiter.
func (r *Limiter) Reset(ctx context.Context, key string) error {
	return unavailable(r.client.Del(ctx, r.prefix+key).Err())
}

func (r *Limiter) interval() time.Duration { return r.limit.Per / time.Duration(r.limit.Events) }
