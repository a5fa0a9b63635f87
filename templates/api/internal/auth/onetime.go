package auth

import (
	"context"
	"errors"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// What a one-time token proves.
const (
	PurposePasswordReset = "password_reset"
	PurposeEmailVerify   = "email_verify"
)

// ErrInvalidLink is returned for a mailed token that is unknown, used,
// expired or meant for something else.
var ErrInvalidLink = errors.New("invalid or expired link")

// OneTimeTokens are the tokens mailed in links: 256 random bits, stored
// hashed, good once, until they expire; a new one for a user replaces the
// old one with the same purpose.
type OneTimeTokens struct {
	Store *store.Store
	Now   func() time.Time
}

// Issue makes a token proving purpose for userID, valid for ttl.
func (o *OneTimeTokens) Issue(ctx context.Context, userID int64, purpose string, ttl time.Duration) (string, error) {
	token := newToken()
	now := o.Now()
	err := o.Store.ReplaceUserToken(ctx, store.UserToken{
		TokenHash: hashToken(token), UserID: userID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Check returns the user token was issued to, or ErrInvalidLink, without
// using it up.
func (o *OneTimeTokens) Check(ctx context.Context, token, purpose string) (int64, error) {
	return o.redeem(ctx, token, purpose, o.Store.UserTokenUser)
}

// Consume uses up token and returns the user it was issued to, or
// ErrInvalidLink.
func (o *OneTimeTokens) Consume(ctx context.Context, token, purpose string) (int64, error) {
	return o.redeem(ctx, token, purpose, o.Store.ConsumeUserToken)
}

// redeem asks find, a lookup of the store, for the user of token: a token
// of the wrong shape is refused unread, and one the store does not know,
// or knows as used or expired, is ErrInvalidLink.
func (o *OneTimeTokens) redeem(ctx context.Context, token, purpose string, find func(ctx context.Context, tokenHash, purpose string, now time.Time) (int64, error)) (int64, error) {
	if token == "" || len(token) > 100 {
		return 0, ErrInvalidLink
	}
	userID, err := find(ctx, hashToken(token), purpose, o.Now())
	if errors.Is(err, store.ErrNotFound) {
		return 0, ErrInvalidLink
	}
	return userID, err
}
