// Package ratelimit counts failures per key (an IP address, an email) with a
// token bucket per key, in bounded memory.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter allows Burst failures per key, then one more every Every. It
// remembers at most MaxKeys keys: when full it forgets keys whose bucket has
// refilled (they are as good as new), then the least recently seen.
type Limiter struct {
	every   time.Duration
	burst   int
	maxKeys int

	mu   sync.Mutex
	keys map[string]*entry
}

type entry struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a Limiter.
func New(every time.Duration, burst, maxKeys int) *Limiter {
	return &Limiter{every: every, burst: burst, maxKeys: maxKeys, keys: make(map[string]*entry)}
}

// Blocked reports whether key has no failures left at now, and if so how
// long until it has one. It does not count anything.
func (l *Limiter) Blocked(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.keys[key]
	if !ok {
		return 0, false
	}
	tokens := e.lim.TokensAt(now)
	if tokens >= 1 {
		return 0, false
	}
	wait := time.Duration(math.Ceil((1 - tokens) * float64(l.every)))
	return wait, true
}

// Fail counts one failure for key at now.
func (l *Limiter) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.maxKeys {
			l.evict(now)
		}
		e = &entry{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.keys[key] = e
	}
	e.seen = now
	e.lim.AllowN(now, 1)
}

// Len is the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func (l *Limiter) evict(now time.Time) {
	var oldest string
	for k, e := range l.keys {
		if e.lim.TokensAt(now) >= float64(l.burst) {
			delete(l.keys, k)
		} else if oldest == "" || e.seen.Before(l.keys[oldest].seen) {
			oldest = k
		}
	}
	if len(l.keys) >= l.maxKeys && oldest != "" {
		delete(l.keys, oldest)
	}
}
