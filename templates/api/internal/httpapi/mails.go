package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/mail"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// appName is how mails name the app.
// scaffold:line const appName = "{{.Name}}"
const appName = "myapp"

// ComposeMail turns an outbox job into its message: it makes the one-time
// token the mail's link carries (only now, so that no token waits in the
// outbox), or returns nil when there is nothing to send any more.
func (s *Server) ComposeMail(ctx context.Context, job store.MailJob) (*mail.Message, error) {
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
		u, err = s.store.UserByID(ctx, job.UserID)
		purpose, template, page, ttl = auth.PurposeEmailVerify, "verify", "/verify-email", s.cfg.EmailVerifyTTL
	case store.MailPasswordReset:
		u, err = s.store.UserByEmail(ctx, job.Email)
		purpose, template, page, ttl = auth.PurposePasswordReset, "reset", "/reset-password", s.cfg.PasswordResetTTL
	default:
		return nil, fmt.Errorf("%w: unknown kind of mail %q", mail.ErrPermanent, job.Kind)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // nobody has the address, or the account is gone
	}
	if err != nil {
		return nil, err
	}
	if job.Kind == store.MailVerifyEmail && u.EmailVerified {
		return nil, nil
	}
	token, err := s.links.Issue(ctx, u.ID, purpose, ttl)
	if err != nil {
		return nil, err
	}
	link := s.cfg.Mail.AppURL + page + "?" + url.Values{"token": {token}}.Encode()
	m, err := mail.Render(template, u.Email, mail.Data{App: appName, Link: link, Valid: inWords(ttl)})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", mail.ErrPermanent, err)
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
