// scaffold:file or .SQLite .Redis .BearerTokens
package cache

import (
	"errors"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/clocktest"
)

func newTest(max int) (*Cache[string, int], *clocktest.Clock, *int) {
	clk := clocktest.New(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	loads := 0
	return New[string, int](max, clk.Now), clk, &loads
}

func TestGetKeepsUntilExpiry(t *testing.T) {
	c, clk, loads := newTest(10)
	load := func() (int, time.Time, error) { *loads++; return *loads, clk.Now().Add(time.Minute), nil }
	for range 3 {
		if v, err := c.Get("k", load); err != nil || v != 1 {
			t.Fatalf("Get = %d, %v; want the first load", v, err)
		}
	}
	clk.Advance(time.Minute)
	if v, _ := c.Get("k", load); v != 2 {
		t.Fatalf("after expiry Get = %d, want a new load", v)
	}
}

func TestErrorsAreNotKept(t *testing.T) {
	c, clk, loads := newTest(10)
	boom := errors.New("boom")
	load := func() (int, time.Time, error) { *loads++; return 0, clk.Now().Add(time.Hour), boom }
	c.Get("k", load)
	if _, err := c.Get("k", load); !errors.Is(err, boom) || *loads != 2 {
		t.Fatalf("err %v after %d loads; want boom, loaded twice", err, *loads)
	}
}

func TestForget(t *testing.T) {
	c, clk, loads := newTest(10)
	load := func() (int, time.Time, error) { *loads++; return *loads, clk.Now().Add(time.Hour), nil }
	c.Get("a", load)
	c.Get("b", load)
	c.Forget("a")
	if v, _ := c.Get("a", load); v != 3 {
		t.Fatalf("Get(a) after Forget = %d, want a new load", v)
	}
	if v, _ := c.Get("b", load); v != 2 {
		t.Fatalf("Get(b) = %d: Forget(a) dropped b", v)
	}
	c.ForgetFunc(func(k string, v int) bool { return v == 2 })
	if v, _ := c.Get("b", load); v != 4 {
		t.Fatalf("Get(b) after ForgetFunc = %d, want a new load", v)
	}
}

// TestForgetDuringLoad: a value loaded while a Forget ran may predate the
// write that Forget follows, so it is returned but not kept.
func TestForgetDuringLoad(t *testing.T) {
	c, clk, loads := newTest(10)
	stale := func() (int, time.Time, error) {
		*loads++
		c.Forget("other") // a write, anywhere, while this load runs
		return *loads, clk.Now().Add(time.Hour), nil
	}
	if v, _ := c.Get("k", stale); v != 1 {
		t.Fatalf("Get = %d", v)
	}
	fresh := func() (int, time.Time, error) { *loads++; return *loads, clk.Now().Add(time.Hour), nil }
	if v, _ := c.Get("k", fresh); v != 2 {
		t.Fatalf("Get = %d: a value loaded across a Forget was kept", v)
	}
}

func TestStopKeepsNothing(t *testing.T) {
	c, clk, loads := newTest(10)
	load := func() (int, time.Time, error) { *loads++; return *loads, clk.Now().Add(time.Hour), nil }
	c.Get("k", load)
	c.Stop()
	c.Get("k", load)
	c.Get("k", load)
	if *loads != 3 {
		t.Fatalf("%d loads while stopped, want every Get to load", *loads)
	}
	c.Start()
	c.Get("k", load)
	c.Get("k", load)
	if *loads != 4 {
		t.Fatalf("%d loads after Start, want one more", *loads)
	}
}

// TestStopDuringLoad: a value loaded while the cache was stopped and
// started again may have missed a change: it is not kept.
func TestStopDuringLoad(t *testing.T) {
	c, clk, loads := newTest(10)
	load := func() (int, time.Time, error) {
		*loads++
		if *loads == 1 {
			c.Stop()
			c.Start()
		}
		return *loads, clk.Now().Add(time.Hour), nil
	}
	c.Get("k", load)
	if v, _ := c.Get("k", load); v != 2 {
		t.Fatalf("Get = %d: a value loaded across a Stop was kept", v)
	}
}

func TestBounded(t *testing.T) {
	c, clk, loads := newTest(3)
	load := func() (int, time.Time, error) { *loads++; return *loads, clk.Now().Add(time.Hour), nil }
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		c.Get(k, load)
	}
	if n := len(c.items); n > 3 {
		t.Fatalf("%d values kept, want at most 3", n)
	}
}
