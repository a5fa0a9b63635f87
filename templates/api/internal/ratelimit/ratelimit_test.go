package ratelimit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit/ratelimittest"
)

func TestMemory(t *testing.T) {
	ratelimittest.Run(t, func(_ *testing.T, limit ratelimit.Limit, now func() time.Time) ratelimit.Limiter {
		return ratelimit.NewMemory(limit, 1000, now)
	})
}

func TestMemoryIsBounded(t *testing.T) {
	clock := ratelimittest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	l := ratelimit.NewMemory(ratelimit.Limit{Events: 1, Per: time.Hour}, 100, clock.Now)
	ctx := context.Background()
	for i := range 10_000 {
		clock.Advance(time.Millisecond)
		l.Allow(ctx, strconv.Itoa(i))
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("%d keys kept, want at most 100", n)
	}
	// The most recent key is still limited.
	if ok, _, _ := l.Allow(ctx, "9999"); ok {
		t.Fatal("the most recent key was forgotten")
	}
	// Keys whose events have all been forgotten go first.
	clock.Advance(2 * time.Hour)
	l.Allow(ctx, "new")
	if n := l.Len(); n != 1 {
		t.Fatalf("%d keys kept after they all expired, want 1", n)
	}
}
