// scaffold:file .Redis
package httpapi

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
)

// UseRedis makes the instances of the API that share prefix on client share
// scaffold:line // what they must at once: rate limits, {{if .BrowserSessions}}browser sessions, {{end}}{{if .BearerTokens}}revoked refresh families, {{end}}and the
// what they must at once: rate limits, browser sessions, revoked refresh families, and the
// news of what to forget from the copies each keeps in memory. Call it after
// Config, Store and Logger are set; run the returned bus until the server
// stops (until then nothing is kept in memory).
func (d *Deps) UseRedis(client *redis.Client, prefix string) *redisstore.Bus {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	bus := &redisstore.Bus{Client: client, Prefix: prefix, Log: d.Logger}
	d.NewLimiter = func(name string, l ratelimit.Limit) ratelimit.Limiter {
		return redisstore.NewLimiter(client, prefix+"rl:"+name+":", l, now)
	}
	// scaffold:if .BrowserSessions
	sessions := auth.NewCachedSessions(&redisstore.Sessions{Client: client, Prefix: prefix, IdleTimeout: d.Config.SessionIdleTimeout},
		sessionCacheSize, d.Config.SessionIdleTimeout, now)
	sessions.Publish = func(ctx context.Context, message string) error { return bus.Publish(ctx, "session", message) }
	bus.Add("session", redisstore.Topic{Forget: sessions.Forget, Cache: sessions.Cache()})
	d.Sessions = sessions
	// scaffold:end
	// scaffold:if .BearerTokens
	d.Revocations = redisstore.NewRevocations(client, prefix, bus, now)
	// scaffold:end
	d.Store.OnUserChange(func(ctx context.Context, message string) error { return bus.Publish(ctx, "user", message) })
	bus.Add("user", redisstore.Topic{Forget: d.Store.ForgetUser, Cache: d.Store.UserCache()})
	d.Checks = map[string]func(context.Context) error{
		"redis": func(ctx context.Context) error { return redisstore.Ping(ctx, client) },
	}
	return bus
}
