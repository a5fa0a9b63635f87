package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"app/internal/store"
)

// RefreshGrace is how long a rotated refresh token may still be presented.
// Two tabs (or a retried request) refreshing with the same token at once all
// get the same successor; a rotated token presented later than this is
// treated as stolen and its whole family is revoked.
const RefreshGrace = 30 * time.Second

// RefreshTokens are rotating refresh tokens. Every sign-in starts a family;
// every refresh exchanges the token for its successor.
//
// A successor is not random but HMAC(key, token): any request holding the
// token can recompute the same successor, so concurrent refreshes within
// the grace window agree on it without the database ever holding a token
// in the clear (it stores only hashes).
type RefreshTokens struct {
	store *store.Store
	ttl   time.Duration
	key   []byte
	now   func() time.Time
}

// NewRefreshTokens returns RefreshTokens valid for ttl after each rotation.
// The successor key is derived from the signing key, so it is as stable and
// as secret as that.
func NewRefreshTokens(st *store.Store, signingKey ed25519.PrivateKey, ttl time.Duration, now func() time.Time) *RefreshTokens {
	key, err := hkdf.Key(sha256.New, signingKey.Seed(), nil, "refresh token successor", 32)
	if err != nil {
		panic(err) // only for a length sha256 cannot produce
	}
	return &RefreshTokens{store: st, ttl: ttl, key: key, now: now}
}

// Issued is a refresh token handed to a client.
type Issued struct {
	Token     string
	FamilyID  string
	UserID    int64
	ExpiresAt time.Time
}

// TTL is the lifetime of a refresh token.
func (r *RefreshTokens) TTL() time.Duration { return r.ttl }

// Issue starts a new family for userID.
func (r *RefreshTokens) Issue(ctx context.Context, userID int64) (Issued, error) {
	token := newToken()
	now := r.now()
	it := Issued{Token: token, FamilyID: newToken(), UserID: userID, ExpiresAt: now.Add(r.ttl)}
	err := r.store.InsertRefreshToken(ctx, store.RefreshToken{
		TokenHash: hashToken(token), FamilyID: it.FamilyID, UserID: userID, CreatedAt: now, ExpiresAt: it.ExpiresAt,
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
	if !now.Before(rt.ExpiresAt) {
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
		if err := r.store.DeleteRefreshFamily(ctx, rt.FamilyID); err != nil {
			return Issued{}, err
		}
		return Issued{}, ErrInvalidToken
	}
	next := Issued{Token: r.successor(token), FamilyID: rt.FamilyID, UserID: rt.UserID, ExpiresAt: now.Add(r.ttl)}
	err = r.store.InsertRefreshToken(ctx, store.RefreshToken{
		TokenHash: hashToken(next.Token), FamilyID: rt.FamilyID, UserID: rt.UserID, CreatedAt: now, ExpiresAt: next.ExpiresAt,
	})
	if err != nil {
		return Issued{}, err
	}
	return next, nil
}

// Revoke ends the family of token; an unknown token is not an error.
func (r *RefreshTokens) Revoke(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	rt, err := r.store.RefreshToken(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.store.DeleteRefreshFamily(ctx, rt.FamilyID)
}

// RevokeFamily ends a family by id.
func (r *RefreshTokens) RevokeFamily(ctx context.Context, familyID string) error {
	return r.store.DeleteRefreshFamily(ctx, familyID)
}

// RevokeAll ends every family of userID.
func (r *RefreshTokens) RevokeAll(ctx context.Context, userID int64) error {
	return r.store.DeleteUserRefreshTokens(ctx, userID)
}

func (r *RefreshTokens) successor(token string) string {
	mac := hmac.New(sha256.New, r.key)
	mac.Write([]byte(token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
