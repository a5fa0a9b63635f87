// scaffold:file .Redis
package redisstore_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth/sessiontest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/clocktest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit/ratelimittest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore/redistest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

// scaffold:if .BrowserSessions
// TestSessions runs the tests every store of sessions passes, on Redis.
func TestSessions(t *testing.T) {
	client, prefix := redistest.Client(t)
	sessiontest.Run(t, storetest.Open(t), &redisstore.Sessions{Client: client, Prefix: prefix, IdleTimeout: time.Hour})
}

// scaffold:end
// TestLimiter runs the tests every limiter passes, on Redis.
func TestLimiter(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T, limit ratelimit.Limit, now func() time.Time) ratelimit.Limiter {
		client, prefix := redistest.Client(t)
		return redisstore.NewLimiter(client, prefix, limit, now)
	})
}

// TestLimiterIsShared: two limiters on one Redis, as two instances of the
// API have, count together.
func TestLimiterIsShared(t *testing.T) {
	client, prefix := redistest.Client(t)
	clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	limit := ratelimit.Limit{Events: 4, Per: time.Hour}
	a := redisstore.NewLimiter(client, prefix, limit, clock.Now)
	b := redisstore.NewLimiter(client, prefix, limit, clock.Now)
	ctx := context.Background()
	for i, l := range []ratelimit.Limiter{a, b, a, b} {
		if ok, _, err := l.Allow(ctx, "k"); err != nil || !ok {
			t.Fatalf("event %d: %v %v", i+1, ok, err)
		}
	}
	if ok, _, _ := a.Allow(ctx, "k"); ok {
		t.Fatal("instance a allowed a fifth event the two counted together")
	}
}

// scaffold:if .BearerTokens

func TestRevocations(t *testing.T) {
	client, prefix := redistest.Client(t)
	r := redisstore.NewRevocations(client, prefix, listening(t, client, prefix), nil)
	other := redisstore.NewRevocations(client, prefix, listening(t, client, prefix), nil) // another instance
	ctx := context.Background()
	if revoked, err := other.Revoked(ctx, "fam"); err != nil || revoked { // and now kept in memory
		t.Fatalf("before: revoked=%v %v", revoked, err)
	}
	if err := r.Revoke(ctx, "fam", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for revoked, err := other.Revoked(ctx, "fam"); !revoked; revoked, err = other.Revoked(ctx, "fam") {
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("another instance: revoked=%v %v", revoked, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if revoked, _ := other.Revoked(ctx, "other-fam"); revoked {
		t.Fatal("an unrevoked family is revoked")
	}
	// Remembered in Redis only while its access tokens can live.
	if err := r.Revoke(ctx, "short", time.Now().Add(50*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	fresh := redisstore.NewRevocations(client, prefix, &redisstore.Bus{Client: client, Prefix: prefix}, nil)
	if revoked, _ := fresh.Revoked(ctx, "short"); revoked {
		t.Fatal("a revocation outlived its access tokens")
	}
}

// listening returns a running bus, subscribed.
func listening(t *testing.T, client *redis.Client, prefix string) *redisstore.Bus {
	bus := &redisstore.Bus{Client: client, Prefix: prefix, Log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); bus.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(5 * time.Second); !bus.Listening(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the bus did not subscribe")
		}
	}
	return bus
}

// scaffold:end

// TestUnavailable: a Redis that cannot be reached is store.ErrUnavailable,
// at once, not after a long wait.
func TestUnavailable(t *testing.T) {
	client, err := redisstore.Open("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	start := time.Now()
	if err := redisstore.Ping(ctx, client); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ping: %v, want ErrUnavailable", err)
	}
	l := redisstore.NewLimiter(client, "x:", ratelimit.Limit{Events: 1, Per: time.Minute}, nil)
	if _, _, err := l.Allow(ctx, "k"); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Allow: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("failing took %s", d)
	}
}
