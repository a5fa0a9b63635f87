package account

import (
	"context"
	"errors"
	"log/slog"
	"unicode/utf8"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Register creates the account of email (normalized: NormalizeEmail) with
// password (acceptable: CheckNewPassword), and queues the mail that
// verifies the address. Every registration costs a password hash, so it is
// counted first: *RateLimited past the limit. store.ErrEmailTaken if the
// address has an account.
func (a *Accounts) Register(ctx context.Context, email, password string, c Client) (store.User, error) {
	event := counted{"register", a.limits.register, c.Key}
	if err := a.count(ctx, c, event); err != nil {
		return store.User{}, err
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		// The registration did not happen: it does not count.
		return store.User{}, errors.Join(err, undoAll(ctx, event))
	}
	// The account and the mail that verifies it are written together: a
	// crash cannot leave an account whose mail never goes out.
	var u store.User
	err = a.store.InTx(ctx, func(tx *store.Store) error {
		now := a.now()
		var err error
		if u, err = tx.CreateUser(ctx, email, hash, now); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, store.MailVerifyEmail, u.ID, "", now)
	})
	if err != nil {
		return store.User{}, err
	}
	a.wakeMail()
	return u, nil
}

// SignIn returns the user whose address is email and whose password is
// password: ErrWrongPassword, the same for an unknown address and a wrong
// password, or as verifyPassword fails. email is "" when what the client
// sent is not an address anyone could register: nothing is looked up then.
func (a *Accounts) SignIn(ctx context.Context, email, password string, c Client) (store.User, error) {
	lookup := func() (store.User, error) { return a.store.UserByEmail(ctx, email) }
	if email == "" {
		lookup = nil
	}
	return a.verifyPassword(ctx, c, a.signInEvents(email, c.Key), password, lookup)
}

// Confirm checks that password is userID's, counted like a sign-in (so
// that a stolen session cannot guess it faster): ErrWrongPassword if it is
// not, store.ErrNotFound if the account is gone.
func (a *Accounts) Confirm(ctx context.Context, userID int64, password string, c Client) (store.User, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, err
	}
	return a.verifyPassword(ctx, c, a.signInEvents(u.Email, c.Key), password, func() (store.User, error) { return u, nil })
}

// verifyPassword checks that password is the one of the account lookup
// finds (store.ErrNotFound: none; nil: none can match), as one attempt
// under the limits of events. The attempt is counted before the password is
// hashed, so that a burst of concurrent guesses is cut off like a sequence:
// *RateLimited past a limit. An unknown account costs the hash of a known
// one, so that the time taken tells nothing. A wrong password is logged and
// fails with ErrWrongPassword; a right one gives the attempt back
// (forgiveSignIn). When no password could be checked (auth.ErrBusy, an
// error), the attempt does not count.
func (a *Accounts) verifyPassword(ctx context.Context, c Client, events []counted, password string, lookup func() (store.User, error)) (store.User, error) {
	if err := a.count(ctx, c, events...); err != nil {
		return store.User{}, err
	}
	var u store.User
	var ok bool
	var err error
	if lookup != nil && utf8.RuneCountInString(password) <= maxPasswordLen {
		u, err = lookup()
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = a.hasher.VerifyDummy(ctx, password)
		case err == nil && u.PasswordHash == "":
			// The account has no password (it signs in with a provider):
			// none matches, in the time a wrong one takes.
			err = a.hasher.VerifyDummy(ctx, password)
		case err == nil:
			ok, err = a.hasher.Verify(ctx, password, u.PasswordHash)
		}
	}
	if err != nil {
		return store.User{}, errors.Join(err, undoAll(ctx, events...))
	}
	if !ok {
		var attrs []slog.Attr
		if u.ID != 0 {
			attrs = append(attrs, slog.Int64("user_id", u.ID))
		}
		SecurityEvent(ctx, a.log, c.Addr, "login_failed", attrs...)
		return store.User{}, ErrWrongPassword
	}
	// Signing in clears this account's failures from this client and gives
	// the attempt back to the wider limits: only failures count.
	if err := a.forgiveSignIn(ctx, events); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// ChangePassword sets newPassword (acceptable: CheckNewPassword) for
// userID, who proves current (see Confirm). Every other session and refresh
// token family ends; keep's stay.
func (a *Accounts) ChangePassword(ctx context.Context, userID int64, current, newPassword string, keep Keep, c Client) error {
	u, err := a.Confirm(ctx, userID, current, c)
	if err != nil {
		return err
	}
	hash, err := a.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	// The others are signed out before the password changes, so that a
	// failure (such as Redis being unreachable) changes nothing, and again
	// after it, for a sign-in with the old password in between.
	err = a.SignOutEverywhere(ctx, u.ID, keep)
	if err == nil {
		err = a.store.SetPassword(ctx, u.ID, hash)
	}
	if err == nil {
		err = a.SignOutEverywhere(ctx, u.ID, keep)
	}
	if err != nil {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "password_changed", slog.Int64("user_id", u.ID))
	return nil
}
