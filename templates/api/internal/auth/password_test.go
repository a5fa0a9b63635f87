package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testParams make hashing cheap in tests that are not about its cost.
var testParams = Argon2Params{Memory: 64, Time: 1, Threads: 1}

// TestProductionParameters checks the parameters production uses and that
// a real hash carries them: OWASP's Argon2id m=19456 KiB, t=2, p=1.
func TestProductionParameters(t *testing.T) {
	if DefaultArgon2Params != (Argon2Params{Memory: 19456, Time: 2, Threads: 1}) {
		t.Fatalf("DefaultArgon2Params = %+v", DefaultArgon2Params)
	}
	h := NewHasher(DefaultArgon2Params, 1, 1)
	hash, err := h.Hash(context.Background(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string with the production parameters", hash)
	}
	if ok, err := h.Verify(context.Background(), "correct horse", hash); !ok || err != nil {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(testParams, 2, 2)
	hash, err := h.Hash(ctx, "pässwörd-ünicode")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := h.Hash(ctx, "pässwörd-ünicode"); again == hash {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if ok, err := h.Verify(ctx, "pässwörd-ünicode", hash); !ok || err != nil {
		t.Fatalf("right password: %v, %v", ok, err)
	}
	if ok, err := h.Verify(ctx, "pässwörd-unicode", hash); ok || err != nil {
		t.Fatalf("wrong password: %v, %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if ok, err := h.Verify(ctx, "x", bad); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
	if err := h.VerifyDummy(ctx, "anything"); err != nil {
		t.Fatal(err)
	}
}

// TestHashingIsBounded checks that no more hashes run at once than the
// Hasher allows.
func TestHashingIsBounded(t *testing.T) {
	h := NewHasher(testParams, 2, 100)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Fatalf("%d hashes ran at once, want at most 2", peak.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	if _, err := h.Hash(ctx, "password"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with every slot taken and a cancelled context: %v, want context.Canceled", err)
	}
}

// TestWaitingIsBounded checks that once maxWaiting hashes wait for a slot,
// the next is refused at once with ErrBusy instead of joining the queue.
func TestWaitingIsBounded(t *testing.T) {
	h := NewHasher(testParams, 1, 2)
	h.slots <- struct{}{} // the one slot is busy
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiters := make(chan error, 2)
	for range 2 {
		go func() { waiters <- h.acquire(ctx) }()
	}
	for h.waiting.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	// A deadline, so that a Hasher that queues without bound fails here
	// instead of hanging the test.
	deadline, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if _, err := h.Hash(deadline, "password"); !errors.Is(err, ErrBusy) {
		t.Fatalf("third waiter: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("ErrBusy took %s: it must not wait", d)
	}
	// The waiters get the slot in turn once it is released.
	h.release()
	if err := <-waiters; err != nil {
		t.Fatal(err)
	}
	h.release()
	if err := <-waiters; err != nil {
		t.Fatal(err)
	}
	h.release()
	if _, err := h.Hash(context.Background(), "password"); err != nil {
		t.Fatalf("after the queue drained: %v", err)
	}
}

func TestCommonPasswords(t *testing.T) {
	if n := len(sortedCommonPasswords()); n < 10_000 {
		t.Fatalf("%d common passwords, want at least 10,000", n)
	}
	for _, p := range []string{"password", "123456", "password1234", "Password1234", "PASSWORDPASSWORD", "1qaz2wsx3edc", "qwertyuiop123"} {
		if !IsCommonPassword(p) {
			t.Errorf("%q is not common", p)
		}
	}
	for _, p := range []string{"correct horse battery", "", "password12345678x", "vQ7#tzk!Lm2@"} {
		if IsCommonPassword(p) {
			t.Errorf("%q is common", p)
		}
	}
}
