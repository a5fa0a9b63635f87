package httpapi

// Tests of two-factor authentication: an authenticator app's codes (made
// here from the secret, as the app makes them), recovery codes, and the
// second step of every way to sign in.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// authenticator is the app a user set up: it makes the codes of a secret.
type authenticator struct {
	t      *testing.T
	e      *testEnv
	secret string
}

// code is the app's code at the env's clock, steps time steps away.
func (a authenticator) code(steps int) string {
	a.t.Helper()
	at := a.e.clock.Now().Add(time.Duration(steps) * 30 * time.Second)
	code, err := totp.GenerateCodeCustom(a.secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		a.t.Fatal(err)
	}
	return code
}

// nextStep moves the clock to the next time step: the codes change.
func (a authenticator) nextStep() { a.e.clock.Advance(30 * time.Second) }

// enableTOTP turns two-factor authentication on for c's account, whose
// password is password ("" for none), and returns the app and the
// recovery codes.
func enableTOTP(t *testing.T, e *testEnv, c *client, password string) (authenticator, []string) {
	t.Helper()
	var setup struct {
		Secret     string `json:"secret"`
		OtpauthURL string `json:"otpauth_url"`
	}
	c.do("POST", "/api/auth/mfa/totp/setup", map[string]string{"password": password}).want(t, http.StatusOK).decode(t, &setup)
	u, err := url.Parse(setup.OtpauthURL)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != setup.Secret || u.Query().Get("issuer") == "" {
		t.Fatalf("otpauth_url %q", setup.OtpauthURL)
	}
	app := authenticator{t: t, e: e, secret: setup.Secret}
	var enabled recoveryCodesJSON
	c.do("POST", "/api/auth/mfa/totp/enable", map[string]string{"code": app.code(0)}).want(t, http.StatusOK).decode(t, &enabled)
	if len(enabled.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes %q", enabled.RecoveryCodes)
	}
	app.nextStep() // the code that enabled it is used
	return app, enabled.RecoveryCodes
}

// loginPending signs in with a password and expects the second step.
func loginPending(t *testing.T, c *client, email string) {
	t.Helper()
	var out mfaRequired
	c.do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK).decode(t, &out)
	if !out.MFARequired || len(out.Methods) != 2 || out.MFAToken != "" {
		t.Fatalf("login with two-factor on: %+v", out)
	}
	c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
}

func TestTOTPSignIn(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()

	c.do("POST", "/api/auth/mfa/totp/setup", map[string]string{"password": "wrong password"}).wantError(t, http.StatusBadRequest, "validation_failed")
	c.do("POST", "/api/auth/mfa/totp/enable", map[string]string{"code": "123456"}).wantError(t, http.StatusConflict, "mfa_not_enabled")
	var setup struct {
		Secret string `json:"secret"`
	}
	c.do("POST", "/api/auth/mfa/totp/setup", map[string]string{"password": testPassword}).want(t, http.StatusOK).decode(t, &setup)
	// Set up, not on yet: signing in takes a password alone.
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK).decode(t, &userResponse{})
	wrong := authenticator{t: t, e: e, secret: "JBSWY3DPEHPK3PXP"}
	c.do("POST", "/api/auth/mfa/totp/enable", map[string]string{"code": wrong.code(0)}).wantError(t, http.StatusBadRequest, "invalid_code")

	app, recovery := enableTOTP(t, e, c, testPassword)
	var status mfaStatusJSON
	c.do("GET", "/api/auth/mfa", nil).want(t, http.StatusOK).decode(t, &status)
	if !status.TOTP || status.RecoveryCodes != 10 || !status.Password {
		t.Fatalf("status %+v", status)
	}
	c.do("POST", "/api/auth/mfa/totp/setup", map[string]string{"password": testPassword}).wantError(t, http.StatusConflict, "mfa_enabled")

	b := e.client()
	loginPending(t, b, email)
	b.do("POST", "/api/auth/login/mfa", map[string]string{"code": wrong.code(0)}).wantError(t, http.StatusUnauthorized, "invalid_code")
	var done callbackResult
	b.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).want(t, http.StatusOK).decode(t, &done)
	if done.User.Email != email {
		t.Fatalf("signed in as %+v", done.User)
	}
	b.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	wantSignIn(t, b, "password", "totp")
	if _, ok := b.cookies[e.srv.cookies.name(mfaCookie)]; ok {
		t.Fatal("the pending cookie outlived the sign-in")
	}

	// A code works once.
	r := e.client()
	loginPending(t, r, email)
	r.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).wantError(t, http.StatusUnauthorized, "invalid_code")
	app.nextStep()
	r.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).want(t, http.StatusOK)

	// So does a recovery code, typed any way.
	rc := e.client()
	loginPending(t, rc, email)
	rc.do("POST", "/api/auth/login/mfa", map[string]string{"recovery_code": " " + strings.ToUpper(recovery[0]) + " "}).want(t, http.StatusOK)
	wantSignIn(t, rc, "password", "recovery_code")
	again := e.client()
	loginPending(t, again, email)
	again.do("POST", "/api/auth/login/mfa", map[string]string{"recovery_code": recovery[0]}).wantError(t, http.StatusUnauthorized, "invalid_code")
	c.do("GET", "/api/auth/mfa", nil).want(t, http.StatusOK).decode(t, &status)
	if status.RecoveryCodes != 9 {
		t.Fatalf("recovery codes left: %d", status.RecoveryCodes)
	}

	// Without a pending sign-in there is nothing to complete.
	e.client().do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).wantError(t, http.StatusUnauthorized, "unauthenticated")
	e.client().do("POST", "/api/auth/login/mfa", map[string]string{}).wantError(t, http.StatusBadRequest, "validation_failed")

	events := e.securityEvents(t)
	for _, ev := range []string{"mfa_enabled", "mfa_failed", "recovery_code_used"} {
		if len(events[ev]) == 0 {
			t.Errorf("no %s event", ev)
		}
	}
}

func TestTOTPWindow(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	app, _ := enableTOTP(t, e, c, testPassword)
	for _, tt := range []struct {
		steps int
		ok    bool
	}{{-2, false}, {2, false}, {-1, true}, {1, true}} {
		app.nextStep()
		app.nextStep()
		app.nextStep()
		b := e.client()
		loginPending(t, b, email)
		r := b.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(tt.steps)})
		if (r.Code == http.StatusOK) != tt.ok {
			t.Errorf("a code %d steps away: %d %s", tt.steps, r.Code, r.Body)
		}
	}
}

func TestWrongCodesEndThePendingSignIn(t *testing.T) {
	e := newTestEnv(t, map[string]string{"RATE_LIMIT_LOGIN_ACCOUNT_CLIENT": "100/15m"})
	c, email := e.signedIn()
	app, _ := enableTOTP(t, e, c, testPassword)
	b := e.client()
	loginPending(t, b, email)
	for range 5 {
		b.do("POST", "/api/auth/login/mfa", map[string]string{"code": "000000"}).wantError(t, http.StatusUnauthorized, "invalid_code")
	}
	b.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).wantError(t, http.StatusUnauthorized, "unauthenticated")
	b.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")

	// Wrong codes count against the sign-in limits, like wrong passwords.
	limited := newTestEnv(t, map[string]string{"RATE_LIMIT_LOGIN_ACCOUNT_CLIENT": "3/15m"})
	lc, lemail := limited.signedIn()
	enableTOTP(t, limited, lc, testPassword)
	x := limited.client()
	var last *response
	for range 3 {
		loginPending(t, x, lemail)
		for range 2 {
			last = x.do("POST", "/api/auth/login/mfa", map[string]string{"code": "000000"})
		}
	}
	last.wantError(t, http.StatusTooManyRequests, "rate_limited")
}

func TestDisableAndNewRecoveryCodes(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	app, recovery := enableTOTP(t, e, c, testPassword)

	var fresh recoveryCodesJSON
	c.do("POST", "/api/auth/mfa/recovery-codes", map[string]string{"code": app.code(0)}).want(t, http.StatusOK).decode(t, &fresh)
	app.nextStep()
	if len(fresh.RecoveryCodes) != 10 || fresh.RecoveryCodes[0] == recovery[0] {
		t.Fatalf("new codes %q", fresh.RecoveryCodes)
	}
	c.do("DELETE", "/api/auth/mfa/totp", map[string]string{"recovery_code": recovery[1]}).wantError(t, http.StatusBadRequest, "invalid_code")
	c.do("DELETE", "/api/auth/mfa/totp", map[string]string{"recovery_code": fresh.RecoveryCodes[1]}).want(t, http.StatusNoContent)
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK).decode(t, &userResponse{})
	c.do("DELETE", "/api/auth/mfa/totp", map[string]string{"code": app.code(0)}).wantError(t, http.StatusConflict, "mfa_not_enabled")
	if len(e.securityEvents(t)["mfa_disabled"]) != 1 {
		t.Fatal("no mfa_disabled event")
	}
}

func TestPasswordResetKeepsTheSecondFactor(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	c, email := e.signedIn()
	_, verify := box.next(t).link(t, "/verify-email")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": verify}).want(t, http.StatusNoContent)
	enableTOTP(t, e, c, testPassword)
	token := e.resetLink(t, box, email)
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": "a brand new passphrase"}).want(t, http.StatusNoContent)
	var out mfaRequired
	e.client().do("POST", "/api/auth/login", credentials{Email: email, Password: "a brand new passphrase"}).want(t, http.StatusOK).decode(t, &out)
	if !out.MFARequired {
		t.Fatalf("after a reset: %+v", out)
	}
}

// TestResetOfAnUnprovenAddress: someone signs up with a provider that
// does not vouch for the address, and turns on two-factor authentication.
// The address's owner resets the password from the mail: what the other
// attached goes, and the provider's account no longer signs in.
func TestResetOfAnUnprovenAddress(t *testing.T) {
	e, gh := githubEnv(t, nil, ghAccount(1, "squatter", "owner@example.com", false))
	box := e.withMail()
	s := e.client()
	s.finishOAuth("github", gh.SignIn(t, s.startOAuth(t, "github", nil).String(), "squatter", false)).want(t, http.StatusOK)
	box.next(t) // the verification mail, to the owner
	app, _ := enableTOTP(t, e, s, "")

	// A sign-in waiting for its code ends with the reset too.
	waiting := e.client()
	var out mfaRequired
	waiting.finishOAuth("github", gh.SignIn(t, waiting.startOAuth(t, "github", nil).String(), "squatter", false)).want(t, http.StatusOK).decode(t, &out)
	if !out.MFARequired {
		t.Fatalf("provider sign-in: %+v", out)
	}

	token := e.resetLink(t, box, "owner@example.com")
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": testPassword}).want(t, http.StatusNoContent)
	waiting.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).wantError(t, http.StatusUnauthorized, "unauthenticated")
	s.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")

	// The owner signs in with the password alone.
	e.client().do("POST", "/api/auth/login", credentials{Email: "owner@example.com", Password: testPassword}).want(t, http.StatusOK).decode(t, &userResponse{})
	again := e.client()
	again.finishOAuth("github", gh.SignIn(t, again.startOAuth(t, "github", nil).String(), "squatter", false)).wantError(t, http.StatusConflict, "account_exists")
}

func TestProviderSignInAsksForTheSecondFactor(t *testing.T) {
	e, iss := oidcEnv(t, alice)
	c := e.client()
	c.finishOAuth("oidc", iss.SignIn(t, c.startOAuth(t, "oidc", nil).String(), "alice", alice.Password)).want(t, http.StatusOK)
	// The account has no password: setting up needs none.
	app, _ := enableTOTP(t, e, c, "")

	b := e.client()
	var out mfaRequired
	b.finishOAuth("oidc", iss.SignIn(t, b.startOAuth(t, "oidc", map[string]string{"return_to": "/settings"}).String(), "alice", alice.Password)).
		want(t, http.StatusOK).decode(t, &out)
	if !out.MFARequired {
		t.Fatalf("provider sign-in with two-factor on: %+v", out)
	}
	b.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	var done callbackResult
	b.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).want(t, http.StatusOK).decode(t, &done)
	if done.User.Email != alice.Email || done.ReturnTo != "/settings" {
		t.Fatalf("after the code: %+v", done)
	}
	wantSignIn(t, b, "oidc", "totp")
}

// scaffold:if .BearerTokens

func TestTokenAsksForTheSecondFactor(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	app, _ := enableTOTP(t, e, c, testPassword)

	var out mfaRequired
	e.client().do("POST", "/api/auth/token", credentials{Email: email, Password: testPassword}).want(t, http.StatusOK).decode(t, &out)
	if !out.MFARequired || out.MFAToken == "" {
		t.Fatalf("token with two-factor on: %+v", out)
	}
	// The browser's endpoint does not take a bearer client's pending sign-in.
	b := e.client()
	b.cookies[e.srv.cookies.name(mfaCookie)] = out.MFAToken
	b.do("POST", "/api/auth/login/mfa", map[string]string{"code": app.code(0)}).wantError(t, http.StatusUnauthorized, "unauthenticated")

	e.client().do("POST", "/api/auth/token/mfa", map[string]string{"mfa_token": out.MFAToken, "code": "000000"}).wantError(t, http.StatusUnauthorized, "invalid_code")
	var tokens tokenResponse
	e.client().do("POST", "/api/auth/token/mfa", map[string]string{"mfa_token": out.MFAToken, "code": app.code(0)}).want(t, http.StatusOK).decode(t, &tokens)
	if tokens.AccessToken == "" || tokens.RefreshToken == "" {
		t.Fatalf("tokens %+v", tokens)
	}
}

// scaffold:end
