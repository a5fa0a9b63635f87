// Package auth holds the security-sensitive parts of signing in: password
// scaffold:line // hashing{{if .BrowserSessions}}, server-side sessions{{end}}{{if .BearerTokens}}, access JWTs and rotating refresh tokens{{end}}.
// hashing, server-side sessions, access JWTs and rotating refresh tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of Argon2id.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2Params are OWASP's recommendation for Argon2id: 19 MiB of
// memory, 2 iterations, 1 thread. Production always uses them.
var DefaultArgon2Params = Argon2Params{Memory: 19456, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrBusy is returned when more hashes are waiting for a slot than the
// Hasher lets wait: the caller should answer at once (503) rather than queue.
var ErrBusy = errors.New("too many password hashes waiting")

// Hasher hashes and verifies passwords. At most concurrency hashes run at
// once, so a burst of sign-ins cannot exhaust memory (each hash holds Memory
// KiB while it runs), and at most maxWaiting wait for a slot, so the burst
// cannot make everybody else's sign-in wait without bound either.
type Hasher struct {
	params     Argon2Params
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	dummy      string
}

// NewHasher returns a Hasher running at most concurrency hashes at once,
// with at most maxWaiting more waiting for a slot.
func NewHasher(params Argon2Params, concurrency, maxWaiting int) *Hasher {
	h := &Hasher{params: params, slots: make(chan struct{}, max(concurrency, 1)), maxWaiting: int64(max(maxWaiting, 0))}
	h.dummy = h.encode(rand.Text(), randomSalt())
	return h
}

// Hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(password, randomSalt()), nil
}

// Verify reports whether password matches the PHC string encoded, in
// constant time.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// VerifyDummy spends the time of a real Verify and always fails: it runs for
// an unknown email so that the response time does not tell which emails
// are registered.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, password, h.dummy)
	return err
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if h.waiting.Add(1) > h.maxWaiting {
		h.waiting.Add(-1)
		return ErrBusy
	}
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) encode(password string, salt []byte) string {
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errBadHash = errors.New("password hash is not an argon2id PHC string")

func decodePHC(s string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	// Bound the cost a stored hash can ask for.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 || p.Threads > 16 {
		return p, nil, nil, errBadHash
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

func randomSalt() []byte {
	salt := make([]byte, saltLen)
	rand.Read(salt) // never returns an error; it crashes the program if the OS cannot supply randomness
	return salt
}
