// scaffold:file .Redis
// Package redisstore keeps in Redis what every instance of the API must
// scaffold:line // share at once: browser sessions{{if .BearerTokens}}, revoked refresh token families{{end}} and
// share at once: browser sessions, revoked refresh token families and
// scaffold:line // rate-limit counts. Users, notes{{if .BearerTokens}} and refresh tokens{{end}} stay in PostgreSQL.
// rate-limit counts. Users, notes and refresh tokens stay in PostgreSQL.
//
// Every failure to reach Redis is a store.ErrUnavailable: the requests that
// need Redis get 503 until it is back, and nothing is written half-way.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// quiet drops go-redis's own log lines (such as "failed to dial"): every
// failure reaches the API as an error, which it reports itself.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// Open connects to REDIS_URL (redis://[USER:PASSWORD@]HOST:PORT/DB, or
// rediss:// for TLS). It does not wait for Redis to answer: the API starts
// without it and reports it unavailable until it is there.
func Open(redisURL string) (*redis.Client, error) {
	redis.SetLogger(quiet{})
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: must be redis://[USER:PASSWORD@]HOST:PORT/DB or rediss://…")
	}
	// Fail fast rather than queue requests behind a Redis that is gone.
	// A command is tried MaxRetries+1 times (4 by default), and each try
	// dials once. With go-redis's own default of 5 dials per try, a request
	// would wait 2 s for its 503 when Redis refuses connections, and up to
	// 40 s (20 dials of 2 s) when it does not answer at all.
	opts.DialTimeout = 2 * time.Second
	opts.DialerRetries = 1
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	opts.PoolTimeout = 2 * time.Second
	// RESP2: nothing here needs RESP3's push notifications, whose handling
	// costs every command a read and can make a subscriber's read ignore
	// its timeout.
	opts.Protocol = 2
	return redis.NewClient(opts), nil
}

// Ping checks that Redis answers.
func Ping(ctx context.Context, client *redis.Client) error {
	return unavailable(client.Ping(ctx).Err())
}

// unavailable turns a failure to reach Redis into store.ErrUnavailable;
// redis.Nil (no such key) is no failure.
func unavailable(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return nil
	}
	return fmt.Errorf("%w: redis: %v", store.ErrUnavailable, err)
}

// scaffold:if .BrowserSessions

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// scaffold:end
