// Package ratelimit limits how often something may happen per key: sign-in
// attempts per client address or per account, registrations per client.
//
// The HTTP layer sees only Limiter. Memory keeps the counts in this process;
// an implementation that shares them between instances (Redis) runs the same
// algorithm and passes the same tests.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Limit allows Events per Per: a burst of Events, then one more every
// Per/Events. "5 per 15 minutes" allows 5 at once, then one every 3 minutes.
type Limit struct {
	Events int
	Per    time.Duration
}

// interval is the time one event takes to be forgotten.
func (l Limit) interval() time.Duration { return l.Per / time.Duration(l.Events) }

// Limiter counts events per key against a Limit.
//
// Allow is atomic: of any number of concurrent calls for one key, exactly as
// many are allowed as the limit has room for. Callers count an attempt
// before doing the expensive or guessable thing (hashing a password), never
// after, so a burst of concurrent attempts costs what the same attempts
// would cost one after another.
type Limiter interface {
	// Allow counts one event for key if the limit has room for it. If it
	// has none, nothing is counted and retryAfter says how long until it
	// has.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
	// Undo takes back one event Allow counted for key: the attempt turned
	// out not to count (a successful sign-in, a request that never ran).
	Undo(ctx context.Context, key string) error
	// Reset forgets every event of key.
	Reset(ctx context.Context, key string) error
}

// Memory is a Limiter for one process, in bounded memory.
//
// It runs GCRA, the generic cell rate algorithm: per key it keeps one time,
// the theoretical arrival time (TAT) after which the key would be as good as
// new, and an event is allowed when it does not push the TAT more than Per
// into the future. golang.org/x/time/rate's token bucket is the same
// algorithm, but it cannot give an event back exactly (Reservation.Cancel
// restores less once later events happened), which Undo needs; and GCRA's
// one number per key is what a shared store keeps too.
type Memory struct {
	limit   Limit
	maxKeys int
	now     func() time.Time

	mu  sync.Mutex
	tat map[string]time.Time
}

// NewMemory returns a Memory limiter remembering at most maxKeys keys. now
// is the clock (time.Now if nil).
func NewMemory(limit Limit, maxKeys int, now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{limit: limit, maxKeys: maxKeys, now: now, tat: make(map[string]time.Time)}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	tat, known := m.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(m.limit.interval())
	if wait := next.Sub(now) - m.limit.Per; wait > 0 {
		return false, wait, nil
	}
	if !known && len(m.tat) >= m.maxKeys {
		m.evict(now)
	}
	m.tat[key] = next
	return true, 0, nil
}

// Undo implements Limiter.
func (m *Memory) Undo(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tat, ok := m.tat[key]
	if !ok {
		return nil
	}
	if tat = tat.Add(-m.limit.interval()); tat.After(m.now()) {
		m.tat[key] = tat
	} else {
		delete(m.tat, key)
	}
	return nil
}

// Reset implements Limiter.
func (m *Memory) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tat, key)
	return nil
}

// Len is the number of keys remembered.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tat)
}

// evictSample is how many keys evict compares: enough that the key it
// forgets is almost surely among the closest to being as good as new, few
// enough that making room costs the same with a thousand keys or a million.
const evictSample = 16

// evict makes room for a key. Of a few keys taken at random (Go's map
// iteration starts at a random place), it forgets the first that is as good
// as new, or else the one closest to it. Forgetting a key can only allow
// more events for it, so when an attacker floods the limiter with keys (any
// email, any address), the limiter loses precision, never memory, and a key
// it is holding back (far from as good as new) is the last to go.
func (m *Memory) evict(now time.Time) {
	var victim string
	var victimTAT time.Time
	n := 0
	for k, tat := range m.tat {
		if !tat.After(now) {
			victim = k
			break
		}
		if n == 0 || tat.Before(victimTAT) {
			victim, victimTAT = k, tat
		}
		if n++; n == evictSample {
			break
		}
	}
	delete(m.tat, victim)
}
