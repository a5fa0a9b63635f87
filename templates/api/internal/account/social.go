package account

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

var (
	// ErrAccountExists: a provider's account whose address has an account
	// here, but one of the two addresses is not verified, so they cannot be
	// told to be one person's. The user signs in with their password, then
	// connects the provider in the settings.
	ErrAccountExists = errors.New("an account with this email exists")
	// ErrIdentityTaken: the provider's account is another user's.
	ErrIdentityTaken = errors.New("the provider's account is another user's")
	// ErrLastLoginMethod: disconnecting the provider would leave the
	// account no way to sign in.
	ErrLastLoginMethod = errors.New("the account's last way to sign in")
	// ErrNoEmail: the provider gave no address the account could have.
	ErrNoEmail = errors.New("the provider gave no usable email")
)

// OAuthFlowTTL is how long a sign-in with a provider may take, from its
// start to its callback.
const OAuthFlowTTL = 10 * time.Minute

// ErrInvalidState: the callback's state is not a sign-in this API began
// for this browser and provider, or it was used or expired.
var ErrInvalidState = errors.New("invalid oauth state")

// StartOAuth begins a sign-in with p, counted against the client's limit
// (*RateLimited past it): it returns the provider's page to send the
// browser to, and the state, which only the browser that began may present
// at the callback (its cookie holds it). returnTo is where the web app
// goes afterwards; userID is the signed-in user to connect the provider's
// account to, 0 to sign in with it.
func (a *Accounts) StartOAuth(ctx context.Context, p oauth.Provider, returnTo string, userID int64, c Client) (authURL, state string, err error) {
	if err := a.count(ctx, c, counted{"oauth", a.limits.oauth, c.Key}); err != nil {
		return "", "", err
	}
	f := oauth.NewFlow()
	if authURL, err = p.AuthCodeURL(ctx, f); err != nil {
		return "", "", err
	}
	err = a.store.CreateOAuthFlow(ctx, store.OAuthFlow{
		StateHash: hashSecret(f.State), Provider: p.ID(), Verifier: f.Verifier, Nonce: f.Nonce,
		ReturnTo: returnTo, UserID: userID, ExpiresAt: a.now().Add(OAuthFlowTTL),
	})
	if err != nil {
		return "", "", err
	}
	return authURL, f.State, nil
}

// Finished is a sign-in with a provider that proved an identity.
type Finished struct {
	Identity oauth.Identity
	// ReturnTo and UserID are what StartOAuth was given.
	ReturnTo string
	UserID   int64
}

// FinishOAuth ends the sign-in with p of state, counted against the
// client's limit: ErrInvalidState if there is none (each state is used
// once). The provider redirected with code, or with refusal (its error,
// such as access_denied, when the user said no): then, or when code proves
// no identity, it fails with oauth.ErrFailed.
func (a *Accounts) FinishOAuth(ctx context.Context, p oauth.Provider, state, code, refusal string, c Client) (Finished, error) {
	if err := a.count(ctx, c, counted{"oauth", a.limits.oauth, c.Key}); err != nil {
		return Finished{}, err
	}
	f, err := a.store.ConsumeOAuthFlow(ctx, hashSecret(state), p.ID(), a.now())
	if errors.Is(err, store.ErrNotFound) {
		SecurityEvent(ctx, a.log, c.Addr, "oauth_invalid_state", slog.String("provider", p.ID()))
		return Finished{}, ErrInvalidState
	}
	if err != nil {
		return Finished{}, err
	}
	if refusal != "" {
		return Finished{}, fmt.Errorf("%w: %s answered %s", oauth.ErrFailed, p.Name(), refusal)
	}
	if code == "" {
		return Finished{}, fmt.Errorf("%w: no code", oauth.ErrFailed)
	}
	id, err := p.Identify(ctx, code, oauth.Flow{State: state, Verifier: f.Verifier, Nonce: f.Nonce})
	if err != nil {
		SecurityEvent(ctx, a.log, c.Addr, "oauth_failed", slog.String("provider", p.ID()), slog.String("reason", err.Error()))
		return Finished{}, err
	}
	return Finished{Identity: id, ReturnTo: f.ReturnTo, UserID: f.UserID}, nil
}

// SignInWithProvider returns the user that provider's account id signs in:
//
//   - the user it is connected to, if any;
//   - else the user of the same address, which it is connected to, when
//     both the provider and this API know the address to be verified;
//     ErrAccountExists if either does not;
//   - else a new user, without a password (the forgot-password mail sets
//     one), whose address is verified if the provider says so; if not, the
//     mail that verifies it is queued.
func (a *Accounts) SignInWithProvider(ctx context.Context, provider string, id oauth.Identity, c Client) (store.User, error) {
	u, linked, created, err := a.signInWithProvider(ctx, provider, id)
	if errors.Is(err, store.ErrEmailTaken) || errors.Is(err, store.ErrIdentityTaken) {
		// A sign-in of the same person, or a registration, won the race:
		// this one finds what it made.
		u, linked, created, err = a.signInWithProvider(ctx, provider, id)
	}
	if err != nil {
		if errors.Is(err, ErrAccountExists) {
			SecurityEvent(ctx, a.log, c.Addr, "oauth_account_exists", slog.String("provider", provider), slog.Int64("user_id", u.ID))
		}
		return store.User{}, err
	}
	if created && !u.EmailVerified {
		a.wakeMail()
	}
	if linked {
		SecurityEvent(ctx, a.log, c.Addr, "identity_linked", slog.String("provider", provider), slog.Int64("user_id", u.ID))
	}
	SecurityEvent(ctx, a.log, c.Addr, "oauth_login", slog.String("provider", provider), slog.Int64("user_id", u.ID))
	return u, nil
}

// signInWithProvider is SignInWithProvider in one transaction: linked
// when the identity was connected to an existing user, created when the
// user is new.
func (a *Accounts) signInWithProvider(ctx context.Context, provider string, id oauth.Identity) (u store.User, linked, created bool, err error) {
	err = a.store.InTx(ctx, func(tx *store.Store) error {
		identity, err := tx.IdentityBySubject(ctx, provider, id.Subject)
		if err == nil {
			u, err = tx.UserByID(ctx, identity.UserID)
			return err
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		email, msg := NormalizeEmail(id.Email)
		if msg != "" {
			return ErrNoEmail
		}
		u, err = tx.UserByEmail(ctx, email)
		switch {
		case err == nil:
			if !id.EmailVerified || !u.EmailVerified {
				return ErrAccountExists
			}
			linked = true
		case errors.Is(err, store.ErrNotFound):
			if u, err = a.createProviderUser(ctx, tx, email, id.EmailVerified); err != nil {
				return err
			}
			created = true
		default:
			return err
		}
		_, err = tx.CreateIdentity(ctx, store.Identity{UserID: u.ID, Provider: provider, Subject: id.Subject, Email: email, CreatedAt: a.now()})
		return err
	})
	return u, linked, created, err
}

// createProviderUser creates the user of a provider's account, in tx.
func (a *Accounts) createProviderUser(ctx context.Context, tx *store.Store, email string, verified bool) (store.User, error) {
	now := a.now()
	u, err := tx.CreateUser(ctx, email, "", now)
	if err != nil {
		return store.User{}, err
	}
	if verified {
		u.EmailVerified = true
		return u, tx.SetEmailVerified(ctx, u.ID)
	}
	return u, tx.EnqueueMail(ctx, store.MailVerifyEmail, u.ID, "", now)
}

// Connect connects provider's account id to userID, who is signed in:
// ErrIdentityTaken if it is another user's; nothing changes if it is
// userID's already.
func (a *Accounts) Connect(ctx context.Context, userID int64, provider string, id oauth.Identity, c Client) (store.User, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, err
	}
	email, _ := NormalizeEmail(id.Email)
	_, err = a.store.CreateIdentity(ctx, store.Identity{UserID: userID, Provider: provider, Subject: id.Subject, Email: email, CreatedAt: a.now()})
	if errors.Is(err, store.ErrIdentityTaken) {
		identity, ierr := a.store.IdentityBySubject(ctx, provider, id.Subject)
		if ierr != nil {
			return store.User{}, ierr
		}
		if identity.UserID == userID {
			return u, nil
		}
		SecurityEvent(ctx, a.log, c.Addr, "identity_taken", slog.String("provider", provider), slog.Int64("user_id", userID))
		return store.User{}, ErrIdentityTaken
	}
	if err != nil {
		return store.User{}, err
	}
	SecurityEvent(ctx, a.log, c.Addr, "identity_linked", slog.String("provider", provider), slog.Int64("user_id", userID))
	return u, nil
}

// Disconnect deletes userID's identity identityID: store.ErrNotFound if
// the user has none of that id, ErrLastLoginMethod if the account has no
// password, no other identity and no passkey.
func (a *Accounts) Disconnect(ctx context.Context, userID, identityID int64, c Client) error {
	var provider string
	err := a.store.InTx(ctx, func(tx *store.Store) error {
		// Two disconnects at once must not each leave the other's as the
		// last way to sign in.
		if err := tx.LockUser(ctx, userID); err != nil {
			return err
		}
		ids, err := tx.Identities(ctx, userID)
		if err != nil {
			return err
		}
		found := false
		for _, id := range ids {
			if id.ID == identityID {
				found, provider = true, id.Provider
			}
		}
		if !found {
			return store.ErrNotFound
		}
		if methods, err := signInMethods(ctx, tx, userID); err != nil || methods == 1 {
			return cmp.Or(err, ErrLastLoginMethod)
		}
		return tx.DeleteIdentity(ctx, userID, identityID)
	})
	if err != nil {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "identity_unlinked", slog.String("provider", provider), slog.Int64("user_id", userID))
	return nil
}
