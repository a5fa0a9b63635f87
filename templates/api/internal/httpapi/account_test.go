package httpapi

// Tests of the account lifecycle (verification, password reset and change,
// sessions, deletion): every mail goes through a real
// SMTP conversation with a server in this process (mailbox_test.go), and
// the tests follow the links that arrive.

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	apimail "github.com/scaffoldhq/scaffold/templates/api/internal/mail"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// resetLink asks for a reset mail for email and returns its token.
func (e *testEnv) resetLink(t *testing.T, box *mailbox, email string) string {
	t.Helper()
	e.client().do("POST", "/api/auth/password/forgot", map[string]string{"email": email}).want(t, http.StatusAccepted)
	m := box.next(t)
	if m.To != "<"+email+">" && m.To != email {
		t.Fatalf("reset mail to %q, want %s", m.To, email)
	}
	_, token := m.link(t, "/reset-password")
	return token
}

// drain waits until the outbox is empty: every mail sent or dropped.
func (e *testEnv) drain(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := e.store.PendingMails(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails still pending after 20 s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestForgotAndResetPassword(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	laptop, email := e.signedIn()
	box.next(t) // the verification mail of the registration
	phone := e.client()
	phone.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)

	// Known and unknown addresses get the same answer; only the known one
	// gets a mail.
	known := e.client().do("POST", "/api/auth/password/forgot", map[string]string{"email": strings.ToUpper(email)}).want(t, http.StatusAccepted)
	unknown := e.client().do("POST", "/api/auth/password/forgot", map[string]string{"email": "nobody@example.com"}).want(t, http.StatusAccepted)
	if known.Body.String() != unknown.Body.String() {
		t.Fatalf("answers differ: %s / %s", known.Body, unknown.Body)
	}
	m := box.next(t)
	e.drain(t)
	if n := box.count(); n != 2 {
		t.Fatalf("%d mails in all, want 2 (verification, one reset)", n)
	}
	if !strings.Contains(m.Subject, "Reset your password") {
		t.Errorf("subject %q", m.Subject)
	}
	link, token := m.link(t, "/reset-password")
	// scaffold:line if !strings.HasPrefix(link, "{{.Dev.WebOrigin}}/reset-password?token=") || len(token) < 22 {
	if !strings.HasPrefix(link, "http://localhost:3000/reset-password?token=") || len(token) < 22 {
		t.Fatalf("reset link %q", link)
	}

	// The new password follows the rules; a refusal does not use the link.
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": "short"}).
		wantError(t, http.StatusBadRequest, "validation_failed")
	const newPassword = "a brand new passphrase"
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": newPassword}).
		want(t, http.StatusNoContent)

	// Once only.
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": newPassword}).
		wantError(t, http.StatusBadRequest, "invalid_token")
	// Every session ended; the old password is refused, the new one works.
	laptop.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	phone.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	var u userResponse
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: newPassword}).want(t, http.StatusOK).decode(t, &u)
	if !u.User.EmailVerified {
		t.Error("a reset through the mail did not verify the address")
	}
	if strings.Contains(e.logs.String(), token) {
		t.Error("the reset token is in the logs")
	}
	if got := e.securityEvents(t)["password_reset"]; len(got) != 1 || got[0]["user_id"] != float64(u.User.ID) {
		t.Errorf("password_reset events: %v", got)
	}
}

func TestResetLinks(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	_, email := e.signedIn()
	box.next(t)

	for _, bad := range []string{"", "garbage", strings.Repeat("x", 1000), "a%00b"} {
		e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": bad, "password": "a brand new passphrase"}).
			wantError(t, http.StatusBadRequest, "invalid_token")
	}

	// Expired.
	token := e.resetLink(t, box, email)
	e.clock.Advance(e.cfg.PasswordResetTTL + time.Second)
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": "a brand new passphrase"}).
		wantError(t, http.StatusBadRequest, "invalid_token")

	// A newer link replaces an older one.
	older := e.resetLink(t, box, email)
	newer := e.resetLink(t, box, email)
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": older, "password": "a brand new passphrase"}).
		wantError(t, http.StatusBadRequest, "invalid_token")
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": newer, "password": "a brand new passphrase"}).
		want(t, http.StatusNoContent)

	// A verification link is not a reset link.
	c, _ := e.signedIn()
	_, verify := box.next(t).link(t, "/verify-email")
	c.do("POST", "/api/auth/password/reset", map[string]string{"token": verify, "password": "a brand new passphrase"}).
		wantError(t, http.StatusBadRequest, "invalid_token")
}

// TestForgotIsLimited: a client asks for a few mails an hour; an address
// gets a few an hour whoever asks, silently.
func TestForgotIsLimited(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	_, email := e.signedIn()
	box.next(t)
	limit := config.DefaultLimits.Mail.Events
	forgot := func(ip, email string) *response {
		c := e.client()
		c.ip = ip
		return c.do("POST", "/api/auth/password/forgot", map[string]string{"email": email})
	}
	for range limit {
		forgot("203.0.113.60", e.newEmail()).want(t, http.StatusAccepted)
	}
	forgot("203.0.113.60", email).wantError(t, http.StatusTooManyRequests, "rate_limited")

	before := box.count()
	for i := range limit + 3 {
		forgot("198.51.100."+strconv.Itoa(i+1), email).want(t, http.StatusAccepted)
	}
	e.drain(t)
	if got := box.count() - before; got != limit {
		t.Fatalf("%d reset mails to one address from several clients, want %d", got, limit)
	}
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t, nil)
	laptop, email := e.signedIn()
	phone := e.client()
	phone.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)
	const newPassword = "a brand new passphrase"

	change := func(current, next string) *response {
		return laptop.do("POST", "/api/auth/password/change", map[string]string{"current_password": current, "new_password": next})
	}
	var body errorBody
	change("wrong password!", newPassword).wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
	if body.Error.Fields["current_password"] == "" {
		t.Errorf("no message for current_password: %+v", body)
	}
	body = errorBody{}
	change(testPassword, "password1234").wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
	if body.Error.Fields["new_password"] == "" {
		t.Errorf("no message for new_password: %+v", body)
	}
	e.client().do("POST", "/api/auth/password/change", map[string]string{"current_password": testPassword, "new_password": newPassword}).
		wantError(t, http.StatusUnauthorized, "unauthenticated")

	change(testPassword, newPassword).want(t, http.StatusNoContent)
	// This session stays; every other one ends.
	laptop.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	phone.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: newPassword}).want(t, http.StatusOK)
	if len(e.securityEvents(t)["password_changed"]) != 1 {
		t.Error("no password_changed event")
	}

	// Guessing the current password is limited like signing in.
	for range config.DefaultLimits.LoginAccountClient.Events {
		change("wrong password!", "another new passphrase").want(t, http.StatusBadRequest)
	}
	change(newPassword, "another new passphrase").wantError(t, http.StatusTooManyRequests, "rate_limited")
}

func TestVerifyEmail(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	c, email := e.signedIn()
	m := box.next(t)
	if !strings.Contains(m.Subject, "Confirm your email") || (m.To != "<"+email+">" && m.To != email) {
		t.Fatalf("verification mail %q to %q", m.Subject, m.To)
	}
	_, token := m.link(t, "/verify-email")

	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	if me.User.EmailVerified {
		t.Fatal("verified before following the link")
	}
	// The link works signed out, in another browser, once.
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": token}).want(t, http.StatusNoContent)
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": token}).wantError(t, http.StatusBadRequest, "invalid_token")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": "garbage"}).wantError(t, http.StatusBadRequest, "invalid_token")
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	if !me.User.EmailVerified {
		t.Fatal("not verified after following the link")
	}
	// Verified: a resend sends nothing.
	c.do("POST", "/api/auth/email/verify/resend", nil).want(t, http.StatusAccepted)
	e.drain(t)
	if n := box.count(); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
}

func TestResendVerification(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	c, _ := e.signedIn()
	_, first := box.next(t).link(t, "/verify-email")
	e.client().do("POST", "/api/auth/email/verify/resend", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	c.do("POST", "/api/auth/email/verify/resend", nil).want(t, http.StatusAccepted)
	_, second := box.next(t).link(t, "/verify-email")
	if first == second {
		t.Fatal("the resent link is the same")
	}
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": first}).wantError(t, http.StatusBadRequest, "invalid_token")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": second}).want(t, http.StatusNoContent)
}

func TestRequireVerifiedEmail(t *testing.T) {
	e := newTestEnv(t, map[string]string{"REQUIRE_VERIFIED_EMAIL": "true"})
	box := e.withMail()
	c, _ := e.signedIn()
	c.do("POST", "/api/notes", map[string]string{"title": "too early"}).wantError(t, http.StatusForbidden, "email_unverified")
	c.do("GET", "/api/notes", nil).want(t, http.StatusOK) // reading is fine
	_, token := box.next(t).link(t, "/verify-email")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": token}).want(t, http.StatusNoContent)
	c.do("POST", "/api/notes", map[string]string{"title": "now"}).want(t, http.StatusCreated)
}

// sessionsOf lists a client's sessions.
func sessionsOf(t *testing.T, c *client) []sessionJSON {
	t.Helper()
	var list struct{ Sessions []sessionJSON }
	c.do("GET", "/api/auth/sessions", nil).want(t, http.StatusOK).decode(t, &list)
	return list.Sessions
}

func TestSessionsListAndRevoke(t *testing.T) {
	e := newTestEnv(t, nil)
	laptop, email := e.signedIn()
	phone := e.client()
	phone.header.Set("User-Agent", "Phone Browser/1.0\x00\x1b[31m")
	phone.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)
	other, _ := e.signedIn()

	list := sessionsOf(t, laptop)
	if len(list) != 2 {
		t.Fatalf("%d sessions, want 2: %+v", len(list), list)
	}
	var phoneID string
	for _, s := range list {
		if s.ID == "" || s.CreatedAt.IsZero() || s.LastSeenAt.IsZero() {
			t.Errorf("incomplete session %+v", s)
		}
		if s.UserAgent == "Phone Browser/1.0[31m" {
			phoneID = s.ID
			if s.Current {
				t.Error("the phone's session is marked current for the laptop")
			}
		} else if !s.Current {
			t.Errorf("the laptop's session is not marked current: %+v", s)
		}
	}
	if phoneID == "" {
		t.Fatalf("no session with the phone's user agent (control characters removed): %+v", list)
	}
	body := laptop.do("GET", "/api/auth/sessions", nil).Body.String()
	for _, v := range phone.cookies {
		if strings.Contains(body, v) {
			t.Fatal("the list shows a session's cookie value")
		}
	}

	// Another user's session is no business of this one: 404, like an
	// unknown id.
	other.do("DELETE", "/api/auth/sessions/"+phoneID, nil).wantError(t, http.StatusNotFound, "not_found")
	laptop.do("DELETE", "/api/auth/sessions/nope", nil).wantError(t, http.StatusNotFound, "not_found")
	phone.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)

	laptop.do("DELETE", "/api/auth/sessions/"+phoneID, nil).want(t, http.StatusNoContent)
	phone.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	laptop.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	if list := sessionsOf(t, laptop); len(list) != 1 || !list[0].Current {
		t.Fatalf("after revoking the phone: %+v", list)
	}
	laptop.do("DELETE", "/api/auth/sessions/"+phoneID, nil).wantError(t, http.StatusNotFound, "not_found")

	// Revoking the current session signs this browser out.
	own := sessionsOf(t, laptop)[0].ID
	r := laptop.do("DELETE", "/api/auth/sessions/"+own, nil).want(t, http.StatusNoContent)
	if len(r.Header().Values("Set-Cookie")) == 0 {
		t.Error("revoking the current session cleared no cookie")
	}
	laptop.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
}

// scaffold:if .BearerTokens

// TestSessionsOfBearerClients: refresh token families are listed too, and
// revoking one ends its access tokens at once, not when they expire.
func TestSessionsOfBearerClients(t *testing.T) {
	e := newTestEnv(t, nil)
	browser, email := e.signedIn()
	cli := e.tokenPair(email)
	list := sessionsOf(t, browser)
	var cliID string
	for _, s := range list {
		if strings.HasPrefix(s.ID, familyIDPrefix) && !s.Current {
			cliID = s.ID
		}
	}
	if cliID == "" {
		t.Fatalf("the bearer client's family is not listed: %+v", list)
	}
	if own := sessionsOf(t, e.bearerClient(cli.AccessToken)); !containsCurrent(own, cliID) {
		t.Fatalf("the bearer client does not see its own family as current: %+v", own)
	}
	browser.do("DELETE", "/api/auth/sessions/"+cliID, nil).want(t, http.StatusNoContent)
	e.bearerClient(cli.AccessToken).do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	e.refreshPair(cli.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
}

func containsCurrent(list []sessionJSON, id string) bool {
	for _, s := range list {
		if s.ID == id && s.Current {
			return true
		}
	}
	return false
}

// scaffold:end

func TestDeleteAccount(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	other, _ := e.signedIn()
	c.do("POST", "/api/notes", map[string]string{"title": "mine"}).want(t, http.StatusCreated)
	other.do("POST", "/api/notes", map[string]string{"title": "theirs"}).want(t, http.StatusCreated)
	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	elsewhere := e.client()
	elsewhere.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)

	var body errorBody
	c.do("DELETE", "/api/auth/account", map[string]string{"password": "wrong password!"}).
		wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
	if body.Error.Fields["password"] == "" {
		t.Errorf("no message for password: %+v", body)
	}
	c.do("DELETE", "/api/auth/account", map[string]string{}).wantError(t, http.StatusBadRequest, "validation_failed")
	e.client().do("DELETE", "/api/auth/account", map[string]string{"password": testPassword}).wantError(t, http.StatusUnauthorized, "unauthenticated")

	r := c.do("DELETE", "/api/auth/account", map[string]string{"password": testPassword}).want(t, http.StatusNoContent)
	for _, sc := range r.Header().Values("Set-Cookie") {
		if !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("cookie not cleared: %s", sc)
		}
	}
	c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	elsewhere.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).wantError(t, http.StatusUnauthorized, "invalid_credentials")

	// Every row of the user is gone; the other user is untouched.
	ctx := context.Background()
	if _, err := e.store.UserByID(ctx, me.User.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the user is still there: %v", err)
	}
	if page, err := e.store.Notes(ctx, me.User.ID, 0, 10); err != nil || len(page.Notes) != 0 {
		t.Fatalf("%d notes of the deleted user remain (%v)", len(page.Notes), err)
	}
	var list struct{ Notes []noteJSON }
	other.do("GET", "/api/notes", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Notes) != 1 {
		t.Fatalf("the other user has %d notes", len(list.Notes))
	}
	if len(e.securityEvents(t)["account_deleted"]) != 1 {
		t.Error("no account_deleted event")
	}
	// The address is free again.
	e.client().do("POST", "/api/auth/register", credentials{Email: email, Password: testPassword}).want(t, http.StatusCreated)
}

// TestMailSurvivesAnOutage: with the SMTP server down, requests still
// succeed, and the mail goes out once it is back.
func TestMailSurvivesAnOutage(t *testing.T) {
	e := newTestEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &downListener{Listener: ln}
	server.down.Store(true)
	box := &mailbox{t: t, addr: ln.Addr().String(), arrived: make(chan struct{}, 10)}
	box.serve(t, server)
	w := e.mailWorker(box)
	e.wake = nil // the test drives the worker by hand

	_, email := e.signedIn()
	e.client().do("POST", "/api/auth/password/forgot", map[string]string{"email": email}).want(t, http.StatusAccepted)
	ctx := context.Background()
	for range 2 {
		if !w.RunOnce(ctx) {
			t.Fatal("no mail to try")
		}
	}
	if n, _ := e.store.PendingMails(ctx); n != 2 {
		t.Fatalf("%d mails pending after failed sends, want 2", n)
	}
	if w.RunOnce(ctx) {
		t.Fatal("a failed mail was retried at once, without backoff")
	}

	// The server comes back; after the backoff, both mails go out.
	server.down.Store(false)
	e.clock.Advance(time.Minute)
	for w.RunOnce(ctx) {
	}
	if n := box.count(); n != 2 {
		t.Fatalf("%d mails delivered after the outage, want 2", n)
	}
	if n, _ := e.store.PendingMails(ctx); n != 0 {
		t.Fatalf("%d mails still pending", n)
	}
}

// TestMailOfACrashedWorker: a mail queued, or claimed, by an API that died
// is sent by the next one, once the dead one's lease has run out.
func TestMailOfACrashedWorker(t *testing.T) {
	e := newTestEnv(t, nil)
	box := newMailbox(t)
	w := e.mailWorker(box)
	e.wake = nil

	_, email := e.signedIn() // queued: the verification mail
	ctx := context.Background()
	// A worker claims it and dies before sending.
	if _, ok, err := e.store.ClaimMail(ctx, e.clock.Now(), 2*time.Minute); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if w.RunOnce(ctx) {
		t.Fatal("a claimed mail was taken again within its lease")
	}
	e.clock.Advance(2*time.Minute + time.Second)
	if !w.RunOnce(ctx) {
		t.Fatal("the crashed worker's mail was not taken again")
	}
	if m := box.next(t); m.To != "<"+email+">" && m.To != email {
		t.Fatalf("mail to %q", m.To)
	}
}

// TestSMTPNeedsTLS: a mail server reached over the network must offer
// STARTTLS, or nothing is sent in the clear; one on this machine need not.
func TestSMTPNeedsTLS(t *testing.T) {
	box := newMailbox(t) // no STARTTLS
	toBox := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, box.addr)
	}
	_, port, _ := net.SplitHostPort(box.addr)
	remote, err := apimail.NewSMTP("smtp://mail.example.com:"+port, "a <a@example.com>", apimail.SMTPOptions{Dial: toBox, TLSConfig: &tls.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	msg := apimail.Message{To: "b@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}
	if err := remote.Send(context.Background(), msg); err == nil {
		t.Fatal("a mail went to a remote server without TLS")
	}
	local, err := apimail.NewSMTP(box.url(), "a <a@example.com>", apimail.SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Send(context.Background(), msg); err != nil {
		t.Fatalf("to a server on this machine: %v", err)
	}
	box.next(t)
}
