package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Composer writes the mails of the outbox's jobs: the link each carries, to
// a page of the web app, holds a one-time token made only when the mail is
// composed, so that no token waits in the outbox.
type Composer struct {
	Store *store.Store
	Links *auth.OneTimeTokens
	// App names the app in mails; AppURL is the web app's origin.
	App, AppURL string
	// EmailVerifyTTL and PasswordResetTTL are how long the links work.
	EmailVerifyTTL, PasswordResetTTL time.Duration
}

// Compose implements the Worker's Compose: it returns nil when there is
// nothing to send any more (nobody has the address, the account is gone,
// the address was verified meanwhile).
func (c *Composer) Compose(ctx context.Context, job store.MailJob) (*Message, error) {
	var (
		u        store.User
		err      error
		purpose  string
		template string
		page     string
		ttl      time.Duration
	)
	switch job.Kind {
	case store.MailVerifyEmail:
		u, err = c.Store.UserByID(ctx, job.UserID)
		purpose, template, page, ttl = auth.PurposeEmailVerify, "verify", "/verify-email", c.EmailVerifyTTL
	case store.MailPasswordReset:
		u, err = c.Store.UserByEmail(ctx, job.Email)
		purpose, template, page, ttl = auth.PurposePasswordReset, "reset", "/reset-password", c.PasswordResetTTL
	default:
		return nil, fmt.Errorf("%w: unknown kind of mail %q", ErrPermanent, job.Kind)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if job.Kind == store.MailVerifyEmail && u.EmailVerified {
		return nil, nil
	}
	token, err := c.Links.Issue(ctx, u.ID, purpose, ttl)
	if err != nil {
		return nil, err
	}
	link := c.AppURL + page + "?" + url.Values{"token": {token}}.Encode()
	m, err := Render(template, u.Email, Data{App: c.App, Link: link, Valid: inWords(ttl)})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	return &m, nil
}

// inWords says a duration as a mail would: "30 minutes", "2 days".
func inWords(d time.Duration) string {
	n, unit := int64(d/time.Minute), "minute"
	switch {
	case d%(24*time.Hour) == 0:
		n, unit = int64(d/(24*time.Hour)), "day"
	case d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
