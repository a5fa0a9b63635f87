// Package ratelimittest holds the tests every ratelimit.Limiter must pass,
// so that each implementation runs the same ones.
package ratelimittest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/clocktest"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
)

// NewLimiter makes the Limiter under test, on a clock of the test's.
type NewLimiter func(t *testing.T, limit ratelimit.Limit, now func() time.Time) ratelimit.Limiter

// Run checks what every Limiter must do: a burst then a steady rate, Undo
// and Reset, and exact counting under concurrency.
func Run(t *testing.T, newLimiter NewLimiter) {
	ctx := context.Background()
	limit := ratelimit.Limit{Events: 5, Per: 15 * time.Minute}

	allow := func(t *testing.T, l ratelimit.Limiter, key string) (bool, time.Duration) {
		t.Helper()
		ok, wait, err := l.Allow(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok, wait
	}

	t.Run("burst then steady rate", func(t *testing.T) {
		clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		l := newLimiter(t, limit, clock.Now)
		for i := range 5 {
			if ok, _ := allow(t, l, "k"); !ok {
				t.Fatalf("event %d refused, want a burst of 5", i+1)
			}
		}
		ok, wait := allow(t, l, "k")
		if ok || wait != 3*time.Minute {
			t.Fatalf("6th event: ok=%v wait=%s, want refused for 3m", ok, wait)
		}
		if ok, _ := allow(t, l, "other"); !ok {
			t.Fatal("another key is limited too")
		}
		clock.Advance(wait - time.Second)
		if ok, _ := allow(t, l, "k"); ok {
			t.Fatal("allowed before the announced wait")
		}
		clock.Advance(time.Second)
		if ok, _ := allow(t, l, "k"); !ok {
			t.Fatal("refused after the announced wait")
		}
		if ok, _ := allow(t, l, "k"); ok {
			t.Fatal("a refused event was counted as room")
		}
		clock.Advance(15 * time.Minute)
		for i := range 5 {
			if ok, _ := allow(t, l, "k"); !ok {
				t.Fatalf("after a quiet period, event %d refused", i+1)
			}
		}
	})

	t.Run("undo and reset", func(t *testing.T) {
		clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		l := newLimiter(t, limit, clock.Now)
		for range 5 {
			allow(t, l, "k")
		}
		if err := l.Undo(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := allow(t, l, "k"); !ok {
			t.Fatal("Undo gave nothing back")
		}
		if ok, _ := allow(t, l, "k"); ok {
			t.Fatal("Undo gave back more than one event")
		}
		if err := l.Reset(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if ok, _ := allow(t, l, "k"); !ok {
				t.Fatalf("after Reset, event %d refused", i+1)
			}
		}
		// Undo of a key with nothing counted gives nothing beyond the burst.
		if err := l.Undo(ctx, "fresh"); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			allow(t, l, "fresh")
		}
		if ok, _ := allow(t, l, "fresh"); ok {
			t.Fatal("Undo on an unknown key raised its burst")
		}
	})

	t.Run("concurrent events are counted exactly", func(t *testing.T) {
		clock := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		l := newLimiter(t, limit, clock.Now)
		var allowed atomic.Int64
		var wg sync.WaitGroup
		for range 200 {
			wg.Go(func() {
				ok, _, err := l.Allow(ctx, "k")
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := allowed.Load(); n != 5 {
			t.Fatalf("%d of 200 concurrent events allowed, want exactly 5", n)
		}
	})
}
