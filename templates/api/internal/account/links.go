package account

import (
	"context"
	"errors"
	"log/slog"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// RequestPasswordReset queues a reset mail for email (normalized). Only
// the address is recorded, the same way whoever asks, so that neither the
// answer nor its timing says whether an account uses it; the mail worker
// looks the account up and mails a link if there is one.
func (a *Accounts) RequestPasswordReset(ctx context.Context, email string, c Client) error {
	return a.queueMail(ctx, c, store.MailPasswordReset, 0, email)
}

// ResendVerification mails userID a new link that verifies their address;
// false, and no mail, if it is verified already.
func (a *Accounts) ResendVerification(ctx context.Context, userID int64, c Client) (bool, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil || u.EmailVerified {
		return false, err
	}
	return true, a.queueMail(ctx, c, store.MailVerifyEmail, u.ID, u.Email)
}

// queueMail queues a mail of kind to the address email (of userID, if
// known), counted against the client's limit (*RateLimited past it) and
// the address's. Past the address's own limit it gets no more mail,
// silently: telling would say nothing about the account, but the inbox is
// spared.
func (a *Accounts) queueMail(ctx context.Context, c Client, kind string, userID int64, email string) error {
	if err := a.count(ctx, c, counted{"mail_client", a.limits.mailClient, c.Key}); err != nil {
		return err
	}
	ok, _, err := a.limits.mailAccount.Allow(ctx, accountKey(email))
	if err != nil || !ok {
		return err
	}
	if err := a.store.EnqueueMail(ctx, kind, userID, email, a.now()); err != nil {
		return err
	}
	a.wakeMail()
	return nil
}

// VerifyEmail marks the address of the account a verification link's token
// names verified: auth.ErrInvalidLink if the link is invalid, used or
// expired, or the account is gone.
func (a *Accounts) VerifyEmail(ctx context.Context, token string) error {
	userID, err := a.links.Consume(ctx, token, auth.PurposeEmailVerify)
	if err == nil {
		err = a.store.SetEmailVerified(ctx, userID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return auth.ErrInvalidLink
	}
	return err
}

// ResetPassword sets password (acceptable: CheckNewPassword) for the
// account a reset link's token names (auth.ErrInvalidLink if none), and
// marks its address verified: the mail reached its owner. It ends every
// session and refresh token family of the user: whoever knew the old
// password is signed out. Two-factor authentication stays on, unless the
// address had never been verified: then the account's identities and
// authenticator, attached by someone who may not own the address, go.
func (a *Accounts) ResetPassword(ctx context.Context, token, password string, c Client) error {
	// The token is checked before the (costly) hash, and used up after it,
	// so that a busy server does not waste the user's link.
	userID, err := a.links.Check(ctx, token, auth.PurposePasswordReset)
	if err != nil {
		return err
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	// Everyone is signed out before the link is used up: if that fails
	// (such as Redis being unreachable), nothing changed and the link still
	// works when the user tries again.
	if err := a.SignOutEverywhere(ctx, userID, Keep{}); err != nil {
		return err
	}
	if consumed, err := a.links.Consume(ctx, token, auth.PurposePasswordReset); err != nil {
		return err
	} else if consumed != userID {
		return auth.ErrInvalidLink
	}
	err = a.store.InTx(ctx, func(tx *store.Store) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if !u.EmailVerified {
			// Nobody had proved the address before this mail reached its
			// owner: whoever made the account may not own it, so what they
			// attached (a provider's account, an authenticator app) goes.
			if err := tx.DeleteIdentities(ctx, userID); err != nil {
				return err
			}
			if err := tx.DeleteTOTP(ctx, userID); err != nil {
				return err
			}
		}
		// So do the passkeys added before the address was verified, even
		// if it is now: the owner may have clicked the verification link
		// of an account someone else made in their name.
		if err := tx.DeleteUnprovenPasskeys(ctx, userID); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, userID, hash); err != nil {
			return err
		}
		return tx.SetEmailVerified(ctx, userID)
	})
	if err == nil {
		// And again, now that the old password no longer works: a sign-in
		// with it since the first time must not outlive the reset.
		err = a.SignOutEverywhere(ctx, userID, Keep{})
	}
	if err != nil {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "password_reset", slog.Int64("user_id", userID))
	return nil
}
