package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	apimail "github.com/scaffoldhq/scaffold/templates/api/internal/mail"
)

// mailbox is a real SMTP server in the test process (emersion/go-smtp): the
// API's mails go through a real SMTP conversation, and tests read what
// arrived.
type mailbox struct {
	t    testing.TB
	addr string // host:port

	mu       sync.Mutex
	received []received
	arrived  chan struct{} // signalled at each message
}

// received is one message, decoded.
type received struct {
	To      string
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html part
}

// newMailbox starts an SMTP server on a free loopback port until the test
// ends.
func newMailbox(t testing.TB) *mailbox {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{t: t, addr: ln.Addr().String(), arrived: make(chan struct{}, 100)}
	box.serve(t, ln)
	return box
}

func (b *mailbox) serve(t testing.TB, ln net.Listener) *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{box: b}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// downListener is a mail server that is down while down is set: it
// hangs up on every connection before the greeting, as a load balancer
// does whose mail servers are all down. The address stays the test's
// throughout, so no other process can take it while the server is down.
type downListener struct {
	net.Listener
	down atomic.Bool
}

func (l *downListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || !l.down.Load() {
			return c, err
		}
		c.Close()
	}
}

// url is the SMTP_URL of the mailbox.
func (b *mailbox) url() string { return "smtp://" + b.addr }

type smtpSession struct {
	box *mailbox
	to  []string
}

func (s *smtpSession) Reset()        { s.to = nil }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := decodeMessage(raw)
	if err != nil {
		s.box.t.Errorf("the API sent a message that does not parse: %v\n%s", err, raw)
		return err
	}
	s.box.mu.Lock()
	s.box.received = append(s.box.received, m)
	s.box.mu.Unlock()
	s.box.arrived <- struct{}{}
	return nil
}

// decodeMessage parses a MIME message into its text and HTML parts,
// undoing their transfer encodings.
func decodeMessage(raw []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	var dec mime.WordDecoder
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	out := received{To: msg.Header.Get("To"), Subject: subject}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return received{}, err
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		return received{}, fmt.Errorf("want a multipart message with text and HTML parts, got %s", mediaType)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return received{}, err
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(part)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			return received{}, err
		}
		switch t, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); t {
		case "text/plain":
			out.Text = string(data)
		case "text/html":
			out.HTML = string(data)
		}
	}
	if out.Text == "" || out.HTML == "" {
		return received{}, fmt.Errorf("a part is missing: text %d bytes, HTML %d bytes", len(out.Text), len(out.HTML))
	}
	return out, nil
}

// next waits for the next message to arrive and returns it.
func (b *mailbox) next(t testing.TB) received {
	t.Helper()
	select {
	case <-b.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("no mail arrived within 20 s")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.received[len(b.received)-1]
}

// count is the number of messages received so far.
func (b *mailbox) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.received)
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+`)

// link returns the link of a mail to page (such as "/reset-password") and
// its token, checking that the text and HTML parts agree.
func (m received) link(t testing.TB, page string) (link, token string) {
	t.Helper()
	text := linkRE.FindString(m.Text)
	if text == "" || !strings.Contains(text, page+"?token=") {
		t.Fatalf("no %s link in the text part:\n%s", page, m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+strings.ReplaceAll(text, "&", "&amp;")+`"`) {
		t.Fatalf("the HTML part does not link to %s:\n%s", text, m.HTML)
	}
	_, token, _ = strings.Cut(text, "?token=")
	return text, token
}

// mailWorker runs the API's outbox worker, sending to box, until the test
// ends. Sending goes through the real SMTP sender (wneessen/go-mail).
func (e *testEnv) mailWorker(box *mailbox) *apimail.Worker {
	e.t.Helper()
	// scaffold:line sender, err := apimail.NewSMTP(box.url(), "{{.Name}} <no-reply@example.com>", apimail.SMTPOptions{})
	sender, err := apimail.NewSMTP(box.url(), "myapp <no-reply@example.com>", apimail.SMTPOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	composer := &apimail.Composer{
		Store: e.store, Links: &auth.OneTimeTokens{Store: e.store, Now: e.clock.Now},
		// scaffold:line App: "{{.Name}}", AppURL: e.cfg.Mail.AppURL,
		App: "myapp", AppURL: e.cfg.Mail.AppURL,
		EmailVerifyTTL: e.cfg.EmailVerifyTTL, PasswordResetTTL: e.cfg.PasswordResetTTL,
	}
	w := apimail.NewWorker(e.store, sender, composer.Compose, e.srv.log, 50*time.Millisecond)
	w.Now = e.clock.Now
	e.wake = w.Wake
	return w
}

// withMail starts the mail worker against a test SMTP server and returns
// the mailbox. Call it before any request.
func (e *testEnv) withMail() *mailbox {
	e.t.Helper()
	box := newMailbox(e.t)
	w := e.mailWorker(box)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
	return box
}
