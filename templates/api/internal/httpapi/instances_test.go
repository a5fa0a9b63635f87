// scaffold:file .Postgres
package httpapi

import (
	"net/http"
	"testing"
)

// on returns the same browser talking to instance e, as a load balancer
// would send it: the cookies are shared.
func (c *client) on(e *testEnv) *client {
	other := *c
	other.env = e
	return &other
}

// scaffold:if .Redis
// soon waits until cond holds: the other instances hear of a change
// through Redis, within milliseconds.
func soon(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, cond)
}

// scaffold:else
//~// soon checks that cond holds at once: without Redis, no instance keeps
//~// users or sessions in memory, so what one changes, the others see on the
//~// next request.
//~func soon(t *testing.T, what string, cond func() bool) {
//~	t.Helper()
//~	if !cond() {
//~		t.Fatalf("not at once: %s", what)
//~	}
//~}
// scaffold:end

// scaffold:if .Redis
// TestInstancesForgetTogether: each instance keeps users and sessions
// (and revocations) in memory, yet what one instance changes or ends, the
// other stops answering from memory at once.
// scaffold:else if .BearerTokens
// ~// TestInstancesForgetTogether: what one instance changes or ends (a
// ~// verified address, every session and token family of a user), the other
// ~// sees on the next request.
// scaffold:else
// ~// TestInstancesForgetTogether: what one instance changes or ends (a
// ~// verified address, every session of a user), the other sees on the next
// ~// request.
// scaffold:end
func TestInstancesForgetTogether(t *testing.T) {
	a := newTestEnv(t, nil)
	b := a.instance()
	// scaffold:if .Redis
	waitFor(t, "both instances to listen on the bus", func() bool { return a.bus.Listening() && b.bus.Listening() })
	// scaffold:end
	box := a.withMail()

	laptop, email := a.signedIn()
	_, verify := box.next(t).link(t, "/verify-email")
	verified := func() bool {
		var me userResponse
		laptop.on(b).do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
		return me.User.EmailVerified
	}
	if verified() { // b now keeps the user and the session
		t.Fatal("verified before the link was opened")
	}
	a.client().do("POST", "/api/auth/email/verify", map[string]string{"token": verify}).want(t, http.StatusNoContent)
	soon(t, "instance b to see the address verified", verified)

	phone := b.client()
	phone.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK)
	phone.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	phone.on(a).do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	laptop.do("POST", "/api/auth/logout-all", nil).want(t, http.StatusNoContent)
	soon(t, "both instances to refuse the phone", func() bool {
		return phone.do("GET", "/api/auth/me", nil).Code == http.StatusUnauthorized &&
			phone.on(a).do("GET", "/api/auth/me", nil).Code == http.StatusUnauthorized
	})
}
