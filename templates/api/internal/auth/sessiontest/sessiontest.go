// scaffold:file .BrowserSessions
// Package sessiontest holds the tests every store of browser sessions
// passes.
package sessiontest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Run tests auth.Sessions on sessions, with st holding the users.
func Run(t *testing.T, st *store.Store, sessions auth.SessionStore) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &auth.Sessions{Store: sessions, IdleTimeout: time.Hour, Lifetime: 3 * time.Hour, Now: func() time.Time { return now }}
	u, _ := st.CreateUser(ctx, "a@example.com", "h", now)

	id, _, err := s.Create(ctx, u.ID, "Test/1.0", "passkey")
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(raw) < 16 {
		t.Fatalf("session id %q is not at least 128 random bits", id)
	}

	// Only a hash of the id is stored.
	if _, err := sessions.Session(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("the session id itself is a key of the sessions table")
	}
	sum := sha256.Sum256([]byte(id))
	if _, err := sessions.Session(ctx, hex.EncodeToString(sum[:])); err != nil {
		t.Fatalf("no session stored under SHA-256(id): %v", err)
	}

	if got, err := s.Get(ctx, id); err != nil || got.UserID != u.ID || got.UserAgent != "Test/1.0" || got.SignIn != "passkey" || got.PublicID == "" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := s.Get(ctx, id+"x"); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("unknown id: %v", err)
	}

	// Activity every 50 minutes keeps the session past the idle timeout,
	// but not past its lifetime.
	for range 3 {
		now = now.Add(50 * time.Minute)
		if _, err := s.Get(ctx, id); err != nil {
			t.Fatalf("active session ended early: %v", err)
		}
	}
	now = now.Add(50 * time.Minute) // 3h20m after sign-in
	if _, err := s.Get(ctx, id); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("session outlived its lifetime: %v", err)
	}

	// Idle timeout.
	id2, _, _ := s.Create(ctx, u.ID, "Test/1.0", "passkey")
	now = now.Add(time.Hour)
	if _, err := s.Get(ctx, id2); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("idle session still valid: %v", err)
	}

	// Revoke and RevokeAll.
	id3, _, _ := s.Create(ctx, u.ID, "Test/1.0", "passkey")
	id4, _, _ := s.Create(ctx, u.ID, "Test/1.0", "passkey")
	if err := s.Revoke(ctx, id3); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id3); !errors.Is(err, auth.ErrNoSession) {
		t.Fatal("revoked session still valid")
	}
	id5, _, _ := s.Create(ctx, u.ID, "", "password")
	if err := s.RevokeAll(ctx, u.ID, id5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id4); !errors.Is(err, auth.ErrNoSession) {
		t.Fatal("session valid after RevokeAll")
	}
	if _, err := s.Get(ctx, id5); err != nil {
		t.Fatalf("the session RevokeAll keeps ended: %v", err)
	}
	if err := s.RevokeAll(ctx, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id5); !errors.Is(err, auth.ErrNoSession) {
		t.Fatal("session valid after RevokeAll of every session")
	}
}
