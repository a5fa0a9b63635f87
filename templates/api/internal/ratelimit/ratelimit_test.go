package ratelimit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/clocktest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit/ratelimittest"
)

func TestMemory(t *testing.T) {
	ratelimittest.Run(t, func(_ *testing.T, limit ratelimit.Limit, now func() time.Time) ratelimit.Limiter {
		return ratelimit.NewMemory(limit, 1000, now)
	})
}

func TestMemoryIsBounded(t *testing.T) {
	clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
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
	// Once their events are forgotten, keys make room for new ones.
	clock.Advance(2 * time.Hour)
	for i := range 1000 {
		if ok, _, _ := l.Allow(ctx, "new"+strconv.Itoa(i)); !ok {
			t.Fatalf("new key %d refused", i)
		}
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("%d keys kept, want at most 100", n)
	}
}

// TestMemoryFloodKeepsLimitedKeys: an attacker who is being held back on
// one key (an account whose password they guess) cannot make the limiter
// forget it by flooding it with new keys.
func TestMemoryFloodKeepsLimitedKeys(t *testing.T) {
	clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	l := ratelimit.NewMemory(ratelimit.Limit{Events: 5, Per: 15 * time.Minute}, 1000, clock.Now)
	ctx := context.Background()
	for range 5 {
		l.Allow(ctx, "victim@example.com")
	}
	for i := range 100_000 {
		if i%1000 == 0 {
			clock.Advance(time.Second)
		}
		l.Allow(ctx, "flood"+strconv.Itoa(i)+"@example.com")
	}
	if ok, _, _ := l.Allow(ctx, "victim@example.com"); ok {
		t.Fatal("the flood made the limiter forget a key it was holding back")
	}
	if n := l.Len(); n > 1000 {
		t.Fatalf("%d keys kept, want at most 1000", n)
	}
}

// BenchmarkMemoryNewKey: the cost of a key never seen before when the
// limiter is full, from a thousand keys to a million (an attacker picks the
// keys: any email, any IPv6 /64). It should not grow with the count.
func BenchmarkMemoryNewKey(b *testing.B) {
	for _, size := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run("keys="+strconv.Itoa(size), func(b *testing.B) {
			clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			l := ratelimit.NewMemory(ratelimit.Limit{Events: 5, Per: 15 * time.Minute}, size, clock.Now)
			ctx := context.Background()
			for i := range size {
				l.Allow(ctx, "full"+strconv.Itoa(i))
			}
			keys := make([]string, b.N)
			for i := range keys {
				keys[i] = "new" + strconv.Itoa(i)
			}
			b.ResetTimer()
			for i := range b.N {
				l.Allow(ctx, keys[i])
			}
		})
	}
}
