// scaffold:file .Redis
package redisstore

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Shared is what the instances of the API that use one prefix of one Redis
// share at once, and the bus that tells each of them what to forget from the
// copies it keeps in memory.
type Shared struct {
	// Bus carries the news. Run it until the server stops; until it
	// listens, nothing is kept in memory.
	Bus *Bus

	// NewLimiter makes the limiter of each rate limit, by name.
	NewLimiter func(name string, l ratelimit.Limit) ratelimit.Limiter
	// scaffold:if .BrowserSessions

	// Sessions keeps browser sessions in Redis, and in memory.
	Sessions *auth.CachedSessions
	// scaffold:end
	// scaffold:if .BearerTokens

	// Revocations remembers ended refresh token families.
	Revocations *Revocations
	// scaffold:end

	client *redis.Client
}

// Ping checks that Redis answers, for /healthz.
func (sh *Shared) Ping(ctx context.Context) error { return Ping(ctx, sh.client) }

// Share sets up Shared on client under prefix. It also makes st tell the
// other instances of each change it commits to a user, and forget a user
// another instance changed; call it before st is used. now is the clock
// (time.Now if nil).
// scaffold:line func Share(client *redis.Client, prefix string, st *store.Store, {{if .BrowserSessions}}sessionIdleTimeout time.Duration, {{end}}log *slog.Logger, now func() time.Time) *Shared {
func Share(client *redis.Client, prefix string, st *store.Store, sessionIdleTimeout time.Duration, log *slog.Logger, now func() time.Time) *Shared {
	if now == nil {
		now = time.Now
	}
	bus := &Bus{Client: client, Prefix: prefix, Log: log}
	sh := &Shared{
		Bus:    bus,
		client: client,
		NewLimiter: func(name string, l ratelimit.Limit) ratelimit.Limiter {
			return NewLimiter(client, prefix+"rl:"+name+":", l, now)
		},
	}
	// scaffold:if .BrowserSessions
	sh.Sessions = auth.NewCachedSessions(&Sessions{Client: client, Prefix: prefix, IdleTimeout: sessionIdleTimeout}, sessionIdleTimeout, now)
	sh.Sessions.Publish = func(ctx context.Context, message string) error { return bus.Publish(ctx, "session", message) }
	bus.Add("session", Topic{Forget: sh.Sessions.Forget, Cache: sh.Sessions.Cache()})
	// scaffold:end
	// scaffold:if .BearerTokens
	sh.Revocations = NewRevocations(client, prefix, bus, now)
	// scaffold:end
	st.OnUserChange(func(ctx context.Context, message string) error { return bus.Publish(ctx, "user", message) })
	bus.Add("user", Topic{Forget: st.ForgetUser, Cache: st.UserCache()})
	return sh
}
