// scaffold:file or .SQLite .Redis .BearerTokens
// Package cache keeps recently read rows in this process's memory, so that
// the request every page makes (who is signed in?) does not wait on the
// database each time.
//
// A Cache never answers with data older than a write this process has
// made: every write calls Forget after it, and a value read before a Forget
// is not kept (each Forget moves a generation on, and Get keeps only what it
// loaded within one generation). Other processes' writes are not seen
// unless something calls Forget for them: the API caches only what it alone
// writes, or what Redis tells every instance to forget (see
// internal/redisstore).
package cache

import (
	"sync"
	"time"
)

// Cache maps keys to values loaded from elsewhere, each kept until it
// expires or is forgotten, at most max of them (see New). The zero value is not
// usable: call New.
type Cache[K comparable, V any] struct {
	max int
	now func() time.Time

	mu      sync.RWMutex
	items   map[K]item[V]
	gen     uint64 // moved on by every Forget
	stopped bool   // while true, Get loads every time and keeps nothing
}

type item[V any] struct {
	value   V
	expires time.Time
}

// New returns an empty Cache of at most max values; now is the clock.
func New[K comparable, V any](max int, now func() time.Time) *Cache[K, V] {
	return &Cache[K, V]{max: max, now: now, items: make(map[K]item[V])}
}

// Get returns the value of key: the kept one if it has not expired,
// otherwise what load returns, which is kept until the time load gives
// unless a Forget ran meanwhile. Errors are never kept.
func (c *Cache[K, V]) Get(key K, load func() (V, time.Time, error)) (V, error) {
	now := c.now()
	c.mu.RLock()
	it, ok := c.items[key]
	gen, stopped := c.gen, c.stopped
	c.mu.RUnlock()
	if ok && now.Before(it.expires) {
		return it.value, nil
	}
	v, expires, err := load()
	if err != nil || stopped || !now.Before(expires) {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.stopped {
		return v, nil // a Forget ran while v was loaded: v may be stale
	}
	if len(c.items) >= c.max {
		c.evict(now)
	}
	c.items[key] = item[V]{value: v, expires: expires}
	return v, nil
}

// evict makes room: it drops what has expired, and everything if that
// leaves the cache more than nine tenths full, so that the next inserts do
// not each scan it again. c.mu is held.
func (c *Cache[K, V]) evict(now time.Time) {
	for k, it := range c.items {
		if !now.Before(it.expires) {
			delete(c.items, k)
		}
	}
	if len(c.items) > c.max*9/10 {
		clear(c.items)
	}
}

// Forget drops key, after its row was written.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, key)
	c.gen++
}

// ForgetFunc drops every value for which match is true.
func (c *Cache[K, V]) ForgetFunc(match func(K, V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, it := range c.items {
		if match(k, it.value) {
			delete(c.items, k)
		}
	}
	c.gen++
}

// Stop drops everything and keeps nothing until Start: for while this
// process cannot learn of other processes' writes.
func (c *Cache[K, V]) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.items)
	c.gen++
	c.stopped = true
}

// Start undoes Stop.
func (c *Cache[K, V]) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = false
}
