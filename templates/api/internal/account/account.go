// Package account is what can happen to an account, whatever way a request
// comes in: registering, proving a password, the mailed links (verifying
// the address, resetting the password), changing the password, deleting
// the account, signing out everywhere. Each rule lives here once: what is
// counted against which rate limit, when a password hash is computed, what
// ends when a password changes. The HTTP handlers call it; it knows nothing
// of HTTP.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// PasswordHasher hashes and checks passwords: *auth.Hasher, which bounds
// how many hashes run and wait at once (auth.ErrBusy beyond that).
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, password, encoded string) (bool, error)
	VerifyDummy(ctx context.Context, password string) error
}

// Accounts carries out what happens to accounts. It is safe for concurrent
// use.
type Accounts struct {
	store    *store.Store
	hasher   PasswordHasher
	links    *auth.OneTimeTokens
	limits   limiters
	log      *slog.Logger
	now      func() time.Time
	wakeMail func()
	// relyingParty runs the passkey ceremonies; nil, with rpErr, when the
	// configuration has none.
	relyingParty *webauthn.WebAuthn
	rpErr        error
	// scaffold:if .BrowserSessions

	sessions *auth.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens

	refresh *auth.RefreshTokens
	// scaffold:end
}

// Deps are what Accounts is built from.
type Deps struct {
	Store  *store.Store
	Hasher PasswordHasher
	Links  *auth.OneTimeTokens
	// Limits are the rate limits; NewLimiter makes the limiter of each,
	// by name.
	Limits     config.Limits
	NewLimiter func(name string, l ratelimit.Limit) ratelimit.Limiter
	// Log gets the security events.
	Log *slog.Logger
	Now func() time.Time
	// WakeMail tells the mail worker a mail was queued.
	WakeMail func()
	// WebAuthn is the relying party of passkeys.
	WebAuthn config.WebAuthn
	// scaffold:if .BrowserSessions

	Sessions *auth.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens

	Refresh *auth.RefreshTokens
	// scaffold:end
}

// New returns Accounts.
func New(d Deps) *Accounts {
	a := &Accounts{
		store:    d.Store,
		hasher:   d.Hasher,
		links:    d.Links,
		limits:   newLimiters(d.Limits, d.NewLimiter),
		log:      d.Log,
		now:      d.Now,
		wakeMail: d.WakeMail,
	}
	a.relyingParty, a.rpErr = newRelyingParty(d.WebAuthn, appName)
	// scaffold:if .BrowserSessions
	a.sessions = d.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens
	a.refresh = d.Refresh
	// scaffold:end
	return a
}

// Client is who asks: Key is what its rate limits count under (its
// address, or for IPv6 its /64), Addr how the log names it.
type Client struct {
	Key, Addr string
}

// Keep names the credentials of the caller that signing out everywhere
// spares ("" for none).
type Keep struct {
	// scaffold:if .BrowserSessions
	// SessionID is the id of a browser session.
	SessionID string
	// scaffold:end
	// scaffold:if .Hybrid

	// scaffold:end
	// scaffold:if .BearerTokens
	// FamilyID is the id of a refresh token family.
	FamilyID string
	// scaffold:end
}

// ErrWrongPassword: the password does not prove the account (or there is
// no such account).
var ErrWrongPassword = errors.New("wrong password")

// RateLimited is returned past a rate limit: the attempt was not made.
type RateLimited struct {
	// Limit names the limit; Wait is how long until it has room again.
	Limit string
	Wait  time.Duration
}

func (e *RateLimited) Error() string {
	return fmt.Sprintf("rate limit %s reached; room again in %s", e.Limit, e.Wait)
}

// SecurityEvent logs what an operator watches for (failed sign-ins,
// limits reached, stolen refresh tokens, sign-outs everywhere) at WARN,
// with the client's address and whatever attrs say (the user id where
// known); never a password, token or cookie.
func SecurityEvent(ctx context.Context, log *slog.Logger, client, event string, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("event", event), slog.String("client", client)}, attrs...)
	log.LogAttrs(ctx, slog.LevelWarn, "security event", attrs...)
}

// SignOutEverywhere ends every session and refresh token family (and its
// access tokens) of userID but keep's, and every sign-in waiting for a
// second factor.
func (a *Accounts) SignOutEverywhere(ctx context.Context, userID int64, keep Keep) error {
	// A sign-in waiting for its second factor ends too: its first factor
	// may be the password that is being replaced.
	if err := a.store.DeletePendingSignIns(ctx, userID); err != nil {
		return err
	}
	// scaffold:if .BrowserSessions
	if err := a.sessions.RevokeAll(ctx, userID, keep.SessionID); err != nil {
		return err
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	if err := a.refresh.RevokeAll(ctx, userID, keep.FamilyID); err != nil {
		return err
	}
	// scaffold:end
	return nil
}

// Delete deletes userID's account, confirmed with their password, and
// every row of theirs: store.ErrNotFound if it is gone already.
func (a *Accounts) Delete(ctx context.Context, userID int64, password string, c Client) error {
	u, err := a.Confirm(ctx, userID, password, c)
	if err != nil {
		return err
	}
	// Ending the sessions first also ends access tokens still in flight;
	// deleting the user takes every other row with it.
	err = a.SignOutEverywhere(ctx, u.ID, Keep{})
	if err == nil {
		err = a.store.DeleteUser(ctx, u.ID)
	}
	// scaffold:if .BrowserSessions
	if err == nil {
		// A session begun meanwhile went with the user's row: forget it.
		err = a.sessions.RevokeAll(ctx, u.ID, "")
	}
	// scaffold:end
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "account_deleted", slog.Int64("user_id", u.ID))
	return nil
}
