// scaffold:file .BearerTokens
package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// RefreshGrace is how long a rotated refresh token may still be presented.
// Two tabs (or a retried request) refreshing with the same token at once all
// get the same successor; a rotated token presented later than this is
// treated as stolen and its whole family is revoked.
// scaffold:line const RefreshGrace = {{.Lifetimes.RefreshGrace.Go}}
const RefreshGrace = 30 * time.Second

// RefreshTokens are rotating refresh tokens. Every sign-in starts a family;
// every refresh exchanges the token for its successor. A token unused for
// the TTL expires; a family ends its lifetime after sign-in however often
// it rotates, as a browser session does, and the user signs in again.
//
// A successor is not random but HMAC(key, token): any request holding the
// token can recompute the same successor, so concurrent refreshes within
// the grace window agree on it without the database ever holding a token
// in the clear (it stores only hashes).
//
// Ending a family also ends its access tokens, which otherwise stay valid
// until they expire: the family is remembered as revoked (Revocations) for
// as long as an access token of it can live, and Revoked tells the requests
// that carry one.
type RefreshTokens struct {
	store       *store.Store
	revocations Revocations
	ttl         time.Duration
	lifetime    time.Duration
	accessTTL   time.Duration
	key         []byte
	now         func() time.Time
}

// scaffold:if .Redis
// Revocations remember revoked families until a time: this process's
// memory (NewMemoryRevocations), or Redis (redisstore.Revocations), which
// every instance of the API shares.
// scaffold:else if .SQLite
// ~// Revocations remember revoked families until a time: this process's
// ~// memory (NewMemoryRevocations).
// scaffold:else
// ~// Revocations tell revoked families: the database (StoreRevocations),
// ~// which every instance of the API shares.
// scaffold:end
type Revocations interface {
	Revoke(ctx context.Context, familyID string, until time.Time) error
	Revoked(ctx context.Context, familyID string) (bool, error)
}

// RefreshConfig are the lifetimes of refresh tokens: TTL after each
// rotation, Lifetime of a family after sign-in, AccessTTL of the access
// tokens issued with them; and where revocations are remembered.
type RefreshConfig struct {
	TTL, Lifetime, AccessTTL time.Duration
	Revocations              Revocations
}

// NewRefreshTokens returns RefreshTokens. The successor key is derived from
// the signing key, so it is as stable and as secret as that.
func NewRefreshTokens(st *store.Store, signingKey ed25519.PrivateKey, c RefreshConfig, now func() time.Time) *RefreshTokens {
	key, err := hkdf.Key(sha256.New, signingKey.Seed(), nil, "refresh token successor", 32)
	if err != nil {
		panic(err) // only for a length sha256 cannot produce
	}
	return &RefreshTokens{store: st, revocations: c.Revocations, ttl: c.TTL, lifetime: c.Lifetime, accessTTL: c.AccessTTL, key: key, now: now}
}

// ReuseError is returned by Rotate for a rotated token presented after the
// grace window: someone kept a copy, and the family has been revoked. It
// is an ErrInvalidToken.
type ReuseError struct {
	UserID int64
}

func (e *ReuseError) Error() string        { return "refresh token reused; family revoked" }
func (e *ReuseError) Is(target error) bool { return target == ErrInvalidToken }

// Issued is a refresh token handed to a client.
type Issued struct {
	Token     string
	FamilyID  string
	UserID    int64
	ExpiresAt time.Time
}

// scaffold:if .BrowserJWT
//~// TTL is the lifetime of a refresh token.
//~func (r *RefreshTokens) TTL() time.Duration { return r.ttl }
// scaffold:end

// Issue starts a new family for userID, signed in from userAgent as signIn
// says (see store.Session.SignIn).
func (r *RefreshTokens) Issue(ctx context.Context, userID int64, userAgent, signIn string) (Issued, error) {
	token := newToken()
	now := r.now()
	familyEnds := now.Add(r.lifetime)
	it := Issued{Token: token, FamilyID: newToken(), UserID: userID, ExpiresAt: earliest(now.Add(r.ttl), familyEnds)}
	err := r.store.InsertRefreshToken(ctx, store.RefreshToken{
		TokenHash: hashToken(token), FamilyID: it.FamilyID, UserID: userID, CreatedAt: now, ExpiresAt: it.ExpiresAt,
		FamilyCreatedAt: now, FamilyExpiresAt: familyEnds, UserAgent: userAgent, SignIn: signIn,
	})
	if err != nil {
		return Issued{}, err
	}
	return it, nil
}

// Rotate exchanges token for its successor, or returns ErrInvalidToken.
func (r *RefreshTokens) Rotate(ctx context.Context, token string) (Issued, error) {
	if token == "" {
		return Issued{}, ErrInvalidToken
	}
	hash := hashToken(token)
	rt, err := r.store.RefreshToken(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Issued{}, ErrInvalidToken
	}
	if err != nil {
		return Issued{}, err
	}
	now := r.now()
	if !now.Before(rt.ExpiresAt) || !now.Before(rt.FamilyExpiresAt) {
		return Issued{}, ErrInvalidToken
	}
	if rt.RotatedAt.IsZero() {
		won, err := r.store.MarkRotated(ctx, hash, now)
		if err != nil {
			return Issued{}, err
		}
		if won {
			rt.RotatedAt = now
		} else if rt, err = r.store.RefreshToken(ctx, hash); errors.Is(err, store.ErrNotFound) {
			return Issued{}, ErrInvalidToken // the family was revoked meanwhile
		} else if err != nil {
			return Issued{}, err
		}
	}
	if now.Sub(rt.RotatedAt) > RefreshGrace {
		// A token rotated a while ago is back: someone kept a copy. Which
		// of the two holders is the user cannot be told, so both lose.
		if err := r.RevokeFamily(ctx, rt.FamilyID); err != nil {
			return Issued{}, err
		}
		return Issued{}, &ReuseError{UserID: rt.UserID}
	}
	// The successor lives the TTL from now, but never past the family's
	// end. Concurrent rotations in the grace window insert the same
	// successor (its hash is the key); the first insert wins.
	next := Issued{Token: r.successor(token), FamilyID: rt.FamilyID, UserID: rt.UserID, ExpiresAt: earliest(now.Add(r.ttl), rt.FamilyExpiresAt)}
	err = r.store.InsertRefreshToken(ctx, store.RefreshToken{
		TokenHash: hashToken(next.Token), FamilyID: rt.FamilyID, UserID: rt.UserID, CreatedAt: now, ExpiresAt: next.ExpiresAt,
		FamilyCreatedAt: rt.FamilyCreatedAt, FamilyExpiresAt: rt.FamilyExpiresAt, UserAgent: rt.UserAgent, SignIn: rt.SignIn,
	})
	if err != nil {
		return Issued{}, err
	}
	return next, nil
}

// scaffold:if .BrowserJWT
//~// Revoke ends the family of token; an unknown token is not an error.
//~func (r *RefreshTokens) Revoke(ctx context.Context, token string) error {
//~	if token == "" {
//~		return nil
//~	}
//~	rt, err := r.store.RefreshToken(ctx, hashToken(token))
//~	if errors.Is(err, store.ErrNotFound) {
//~		return nil
//~	}
//~	if err != nil {
//~		return err
//~	}
//~	return r.RevokeFamily(ctx, rt.FamilyID)
//~}
// scaffold:end

// RevokeFamily ends a family by id, its access tokens included.
//
// Here and below, a family is marked revoked before its tokens are deleted:
// if the mark cannot be written (Redis unreachable), nothing has changed
// and the request can be retried. The other order would leave the access
// tokens of a deleted family working.
func (r *RefreshTokens) RevokeFamily(ctx context.Context, familyID string) error {
	if err := r.markRevoked(ctx, familyID); err != nil {
		return err
	}
	return r.store.DeleteRefreshFamily(ctx, familyID)
}

// RevokeUserFamily ends userID's family familyID; ErrInvalidToken if the
// user has no such family.
func (r *RefreshTokens) RevokeUserFamily(ctx context.Context, userID int64, familyID string) error {
	families, err := r.store.UserFamilyIDs(ctx, userID, "")
	if err != nil {
		return err
	}
	if !slices.Contains(families, familyID) {
		return ErrInvalidToken // not theirs: nothing is marked
	}
	if err := r.markRevoked(ctx, familyID); err != nil {
		return err
	}
	if err := r.store.DeleteUserRefreshFamily(ctx, userID, familyID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// RevokeAll ends every family of userID but keep ("": every one).
func (r *RefreshTokens) RevokeAll(ctx context.Context, userID int64, keep string) error {
	families, err := r.store.UserFamilyIDs(ctx, userID, keep)
	if err != nil {
		return err
	}
	for _, f := range families {
		if err := r.markRevoked(ctx, f); err != nil {
			return err
		}
	}
	deleted, err := r.store.DeleteUserRefreshTokens(ctx, userID, keep)
	if err != nil {
		return err
	}
	// A sign-in between the two steps made a family that was not marked.
	for _, f := range deleted {
		if !slices.Contains(families, f) {
			if err := r.markRevoked(ctx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// Families lists userID's signed-in clients of this kind, the most recently
// used first.
func (r *RefreshTokens) Families(ctx context.Context, userID int64) ([]store.Family, error) {
	return r.store.UserFamilies(ctx, userID, r.now())
}

// Revoked reports whether familyID was revoked while access tokens issued
// with it may still be valid.
func (r *RefreshTokens) Revoked(ctx context.Context, familyID string) (bool, error) {
	return r.revocations.Revoked(ctx, familyID)
}

func (r *RefreshTokens) markRevoked(ctx context.Context, familyID string) error {
	return r.revocations.Revoke(ctx, familyID, r.now().Add(r.accessTTL))
}

// scaffold:if and .Postgres (not .Redis)
//~// StoreRevocations know a family is revoked when its refresh tokens are
//~// gone from the database, which every instance of the API shares: ending a
//~// family deletes them, so there is nothing else to remember. It costs one
//~// indexed query per request that carries an access token.
//~type StoreRevocations struct{ Store *store.Store }
//~
//~// Revoke implements Revocations: deleting the family's tokens, which
//~// follows, is what revokes it.
//~func (StoreRevocations) Revoke(context.Context, string, time.Time) error { return nil }
//~
//~// Revoked implements Revocations.
//~func (r StoreRevocations) Revoked(ctx context.Context, familyID string) (bool, error) {
//~	live, err := r.Store.RefreshFamilyExists(ctx, familyID)
//~	return !live, err
//~}
// scaffold:end

// scaffold:if or .SQLite .Redis
// MemoryRevocations remember revoked families in this process: another
// instance of the API learns of a revocation only when the family's access
// tokens expire (at most ACCESS_TOKEN_TTL).
type MemoryRevocations struct {
	now func() time.Time

	mu      sync.Mutex
	revoked map[string]time.Time // family → until when its access tokens live
}

// NewMemoryRevocations returns MemoryRevocations on the clock now.
func NewMemoryRevocations(now func() time.Time) *MemoryRevocations {
	return &MemoryRevocations{now: now, revoked: map[string]time.Time{}}
}

// Revoke implements Revocations.
func (m *MemoryRevocations) Revoke(_ context.Context, familyID string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for f, u := range m.revoked {
		if !now.Before(u) {
			delete(m.revoked, f)
		}
	}
	m.revoked[familyID] = until
	return nil
}

// Revoked implements Revocations.
func (m *MemoryRevocations) Revoked(_ context.Context, familyID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	until, ok := m.revoked[familyID]
	return ok && m.now().Before(until), nil
}

// scaffold:end

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (r *RefreshTokens) successor(token string) string {
	mac := hmac.New(sha256.New, r.key)
	mac.Write([]byte(token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
