// Package mail sends the API's mails (email verification, password reset):
// the transports (SMTP, or the log in development), the messages, rendered
// from embedded templates, and the worker that drains the outbox table.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one mail to send.
type Message struct {
	To      string
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html part
	// Link is the mail's one action (verify, reset): what the log
	// transport prints, so that a developer can click it.
	Link string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrPermanent marks a failure that retrying will not fix, such as a
// recipient the server refuses.
var ErrPermanent = errors.New("permanent failure")

// SMTP sends through an SMTP server, with wneessen/go-mail.
type SMTP struct {
	from   string
	client *gomail.Client
}

// SMTPOptions are for tests: a TLS configuration (the CA of a test server),
// and a dialer that reaches a test server under another name.
type SMTPOptions struct {
	TLSConfig *tls.Config
	Dial      func(ctx context.Context, network, address string) (net.Conn, error)
}

// NewSMTP returns a Sender for SMTP_URL, such as
// smtp://user:pass@smtp.example.com:587 (STARTTLS, required unless the host
// is this machine) or smtps://user:pass@smtp.example.com:465 (TLS from the
// first byte). from is MAIL_FROM.
func NewSMTP(rawURL, from string, o SMTPOptions) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("not a URL")
	}
	host := u.Hostname()
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		policy := gomail.TLSMandatory
		if IsLoopback(host) {
			// A relay on this machine (Mailpit, a local MTA) rarely
			// speaks TLS, and nothing crosses a network.
			policy = gomail.TLSOpportunistic
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("the scheme must be smtp (STARTTLS) or smtps (TLS)")
	}
	if host == "" {
		return nil, fmt.Errorf("no host")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		password, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(password))
	}
	if o.TLSConfig != nil {
		tc := o.TLSConfig.Clone()
		tc.ServerName = host
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if o.Dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(o.Dial))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, err
	}
	return &SMTP{from: from, client: client}, nil
}

// IsLoopback reports whether host is this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("%w: MAIL_FROM: %v", ErrPermanent, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("%w: recipient: %v", ErrPermanent, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	err := s.client.DialAndSendWithContext(ctx, msg)
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) && !sendErr.IsTemp() && sendErr.Reason == gomail.ErrSMTPRcptTo {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	return err
}

// Log "sends" by logging: the mail's link is printed on a line of its own,
// ready to click, like Django's console backend. With Redact (production)
// the link's query and fragment, where the token is, are left out: logs
// travel to other systems and people, and a working reset link in a log is
// an account takeover.
type Log struct {
	Logger *slog.Logger
	Redact bool
}

// Send implements Sender.
func (l Log) Send(ctx context.Context, m Message) error {
	link := m.Link
	if l.Redact {
		link = redact(link)
	}
	l.Logger.InfoContext(ctx, "mail (printed, not sent: set SMTP_URL to send)", "to", m.To, "subject", m.Subject, "link", link)
	return nil
}

// redact returns link without what may hold a secret: its query, fragment
// and user information.
func redact(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "[redacted]"
	}
	if u.RawQuery == "" && u.Fragment == "" && u.User == nil {
		return link
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment = nil, "", "", ""
	return u.String() + "?[redacted]"
}
