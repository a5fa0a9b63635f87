package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
)

type limiters struct {
	loginAccountClient, loginClient, loginAccount, register ratelimit.Limiter
	// mailClient counts the mails a client asks for; mailAccount those
	// asked for one address, so that nobody can flood an inbox.
	mailClient, mailAccount ratelimit.Limiter
	// oauth counts the steps of sign-ins with a provider from a client.
	oauth ratelimit.Limiter
	// passkey counts the passkey ceremonies a client begins.
	passkey ratelimit.Limiter
}

func newLimiters(l config.Limits, newLimiter func(name string, l ratelimit.Limit) ratelimit.Limiter) limiters {
	return limiters{
		loginAccountClient: newLimiter("login_account_client", l.LoginAccountClient),
		loginClient:        newLimiter("login_client", l.LoginClient),
		loginAccount:       newLimiter("login_account", l.LoginAccount),
		register:           newLimiter("register", l.Register),
		mailClient:         newLimiter("mail_client", l.Mail),
		mailAccount:        newLimiter("mail_account", l.Mail),
		oauth:              newLimiter("oauth", l.OAuth),
		passkey:            newLimiter("passkey", l.Passkey),
	}
}

// counted is one event counted under one limit: the limiter and the key.
type counted struct {
	name    string // for logs: which limit
	limiter ratelimit.Limiter
	key     string
}

// countAll counts one event under each limit, all or none: when one has no
// room, the events already counted are given back, and countAll returns
// that limit and how long until it has room.
func countAll(ctx context.Context, events ...counted) (refused *counted, retryAfter time.Duration, err error) {
	for i, e := range events {
		ok, wait, err := e.limiter.Allow(ctx, e.key)
		if err == nil && ok {
			continue
		}
		if undoErr := undoAll(ctx, events[:i]...); err == nil {
			err = undoErr
		}
		if err != nil {
			return nil, 0, err
		}
		return &events[i], wait, nil
	}
	return nil, 0, nil
}

// undoAll gives back one event under each limit.
func undoAll(ctx context.Context, events ...counted) error {
	for _, e := range events {
		if err := e.limiter.Undo(ctx, e.key); err != nil {
			return err
		}
	}
	return nil
}

// signInEvents are the limits a sign-in attempt for email from client
// counts against. email is "" when it is not even a valid address: then
// only the client's limit applies.
func (a *Accounts) signInEvents(email, client string) []counted {
	if email == "" {
		return []counted{
			{"login_client", a.limits.loginClient, client},
		}
	}
	acct := accountKey(email)
	return []counted{
		{"login_account_client", a.limits.loginAccountClient, acct + "|" + client},
		{"login_client", a.limits.loginClient, client},
		{"login_account", a.limits.loginAccount, acct},
	}
}

// accountKey stands for an email in limiter keys, so that no limiter (nor a
// shared store behind one) holds users' addresses.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(email))
	return hex.EncodeToString(sum[:16])
}

// count counts one event under each limit, as countAll does. Past a limit
// it logs the refusal and returns *RateLimited.
func (a *Accounts) count(ctx context.Context, c Client, events ...counted) error {
	refused, wait, err := countAll(ctx, events...)
	if err != nil {
		return err
	}
	if refused != nil {
		SecurityEvent(ctx, a.log, c.Addr, "rate_limited", slog.String("limit", refused.name))
		return &RateLimited{Limit: refused.name, Wait: wait}
	}
	return nil
}

// forgiveSignIn undoes a successful sign-in's events: the (account, client)
// count is cleared, the others get this attempt back.
func (a *Accounts) forgiveSignIn(ctx context.Context, events []counted) error {
	for _, e := range events {
		var err error
		if e.limiter == a.limits.loginAccountClient {
			err = e.limiter.Reset(ctx, e.key)
		} else {
			err = e.limiter.Undo(ctx, e.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
