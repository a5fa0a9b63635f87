package httpapi

// Tests of passkeys: both WebAuthn ceremonies, driven by a software
// authenticator that answers as a browser and a security key would.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
)

// device is an authenticator holding one passkey, in a browser on origin.
type device struct {
	t    *testing.T
	rp   virtualwebauthn.RelyingParty
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
	// noCounter makes it an authenticator that keeps no signature
	// counter (always 0), as synced passkeys do.
	noCounter bool
}

// newDevice returns an authenticator with a new key, used from the web
// app's pages: the relying party is the web app.
func newDevice(t *testing.T) *device {
	u, err := url.Parse(webOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return &device{
		t:    t,
		rp:   virtualwebauthn.RelyingParty{ID: u.Hostname(), Name: "test", Origin: webOrigin},
		auth: virtualwebauthn.NewAuthenticator(),
		cred: virtualwebauthn.NewCredentialWithImportedKey(virtualwebauthn.KeyTypeEC2, newDeviceKey(t)),
	}
}

// newDeviceKey returns a P-256 key (PKCS #8) whose coordinates have no
// leading zero byte: virtualwebauthn writes them without leading zeros,
// which a COSE key must have (one key in 128 would be refused).
func newDeviceKey(t *testing.T) []byte {
	for {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := key.PublicKey.ECDH()
		if err != nil {
			t.Fatal(err)
		}
		if point := pub.Bytes(); point[1] == 0 || point[33] == 0 { // 0x04 || X || Y
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
}

// start asks for a ceremony's options at path, as c.
func (d *device) start(c *client, path string) (ceremony, options string) {
	d.t.Helper()
	var out struct {
		Ceremony string          `json:"ceremony"`
		Options  json.RawMessage `json:"options"`
	}
	c.do("POST", path, map[string]any{}).want(d.t, http.StatusOK).decode(d.t, &out)
	if out.Ceremony == "" {
		d.t.Fatalf("%s: no ceremony", path)
	}
	return out.Ceremony, string(out.Options)
}

// register adds the device's passkey to c's account, named name, and
// returns the answer.
func (d *device) register(c *client, name string) *response {
	d.t.Helper()
	ceremony, options := d.start(c, "/api/auth/passkeys/register/options")
	opts, err := virtualwebauthn.ParseAttestationOptions(options)
	if err != nil {
		d.t.Fatal(err)
	}
	d.auth.Options.UserHandle = []byte(opts.UserID)
	answer := virtualwebauthn.CreateAttestationResponse(d.rp, d.auth, d.cred, *opts)
	r := c.do("POST", "/api/auth/passkeys/register", map[string]any{"ceremony": ceremony, "credential": json.RawMessage(answer), "name": name})
	if r.Code == http.StatusCreated {
		d.auth.AddCredential(d.cred)
	}
	return r
}

// assertion answers a sign-in's options, as c: the ceremony and the
// authenticator's answer. The authenticator's counter grows first, as a
// real one's does.
func (d *device) assertion(c *client) (ceremony, answer string) {
	d.t.Helper()
	ceremony, options := d.start(c, "/api/auth/passkeys/login/options")
	opts, err := virtualwebauthn.ParseAssertionOptions(options)
	if err != nil {
		d.t.Fatal(err)
	}
	if len(opts.AllowCredentials) != 0 {
		d.t.Fatalf("sign-in options name credentials: %v", opts.AllowCredentials)
	}
	if !d.noCounter {
		d.cred.Counter++
	}
	return ceremony, virtualwebauthn.CreateAssertionResponse(d.rp, d.auth, d.cred, *opts)
}

// signIn signs c in with the device's passkey.
func (d *device) signIn(c *client) *response {
	d.t.Helper()
	ceremony, answer := d.assertion(c)
	return c.do("POST", "/api/auth/passkeys/login", map[string]any{"ceremony": ceremony, "credential": json.RawMessage(answer)})
}

// wantSignIn checks how c's session signed in, as its list of sessions
// says.
func wantSignIn(t *testing.T, c *client, method, secondFactor string) {
	t.Helper()
	var list struct {
		Sessions []sessionJSON `json:"sessions"`
	}
	c.do("GET", "/api/auth/sessions", nil).want(t, http.StatusOK).decode(t, &list)
	for _, s := range list.Sessions {
		if s.Current {
			if s.Method != method || s.SecondFactor != secondFactor {
				t.Fatalf("signed in with %q + %q, want %q + %q", s.Method, s.SecondFactor, method, secondFactor)
			}
			return
		}
	}
	t.Fatalf("no current session in %+v", list.Sessions)
}

type passkeysResponse struct {
	Passkeys []passkeyJSON `json:"passkeys"`
}

func TestPasskeyRegisterAndSignIn(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	d := newDevice(t)

	var added struct {
		Passkey passkeyJSON `json:"passkey"`
	}
	d.register(c, "  Work   laptop ").want(t, http.StatusCreated).decode(t, &added)
	if added.Passkey.Name != "Work laptop" || added.Passkey.LastUsedAt != nil || !added.Passkey.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("added %+v", added.Passkey)
	}
	// The same authenticator is not added twice: the options exclude it.
	_, options := d.start(c, "/api/auth/passkeys/register/options")
	if opts, err := virtualwebauthn.ParseAttestationOptions(options); err != nil || len(opts.ExcludeCredentials) != 1 {
		t.Fatalf("exclude %v, %v", opts, err)
	}
	var raw struct {
		Options struct {
			AuthenticatorSelection struct {
				ResidentKey      string `json:"residentKey"`
				UserVerification string `json:"userVerification"`
			} `json:"authenticatorSelection"`
			User struct {
				Name string `json:"name"`
			} `json:"user"`
		} `json:"options"`
	}
	c.do("POST", "/api/auth/passkeys/register/options", map[string]any{}).want(t, http.StatusOK).decode(t, &raw)
	if sel := raw.Options.AuthenticatorSelection; sel.ResidentKey != "required" || sel.UserVerification != "required" || raw.Options.User.Name != email {
		t.Fatalf("creation options %+v", raw.Options)
	}

	b := e.client()
	var me userResponse
	d.signIn(b).want(t, http.StatusOK).decode(t, &me)
	if me.User.Email != email {
		t.Fatalf("signed in as %+v", me.User)
	}
	b.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
	wantSignIn(t, b, "passkey", "")
	e.clock.Advance(time.Minute)
	d.signIn(e.client()).want(t, http.StatusOK)

	var list passkeysResponse
	c.do("GET", "/api/auth/passkeys", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Passkeys) != 1 || list.Passkeys[0].LastUsedAt == nil || !list.Passkeys[0].LastUsedAt.Equal(e.clock.Now()) {
		t.Fatalf("passkeys %+v", list.Passkeys)
	}
	events := e.securityEvents(t)
	if len(events["passkey_added"]) != 1 || len(events["passkey_login"]) != 2 {
		t.Fatalf("events %v", events)
	}
}

// TestPasskeyTransports: the transports a browser reports with a new
// passkey go back to browsers in the next creation options, the ones
// WebAuthn defines only.
func TestPasskeyTransports(t *testing.T) {
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	d := newDevice(t)
	ceremony, options := d.start(c, "/api/auth/passkeys/register/options")
	opts, err := virtualwebauthn.ParseAttestationOptions(options)
	if err != nil {
		t.Fatal(err)
	}
	d.auth.Options.UserHandle = []byte(opts.UserID)
	var answer map[string]any
	if err := json.Unmarshal([]byte(virtualwebauthn.CreateAttestationResponse(d.rp, d.auth, d.cred, *opts)), &answer); err != nil {
		t.Fatal(err)
	}
	answer["response"].(map[string]any)["transports"] = []string{"usb", "teleport", "internal"}
	c.do("POST", "/api/auth/passkeys/register", map[string]any{"ceremony": ceremony, "credential": answer}).want(t, http.StatusCreated)

	var next struct {
		Options struct {
			ExcludeCredentials []struct {
				Transports []string `json:"transports"`
			} `json:"excludeCredentials"`
		} `json:"options"`
	}
	c.do("POST", "/api/auth/passkeys/register/options", map[string]any{}).want(t, http.StatusOK).decode(t, &next)
	if ex := next.Options.ExcludeCredentials; len(ex) != 1 || !slices.Equal(ex[0].Transports, []string{"usb", "internal"}) {
		t.Fatalf("excluded %+v", ex)
	}
}

// TestPasskeySkipsSecondFactor: a passkey is two factors in one (the device
// and the PIN or fingerprint that unlocks it), so a sign-in with it is
// complete where a password asks for a code.
func TestPasskeySkipsSecondFactor(t *testing.T) {
	e := newTestEnv(t, nil)
	c, email := e.signedIn()
	enableTOTP(t, e, c, testPassword)
	d := newDevice(t)
	d.register(c, "").want(t, http.StatusCreated)

	loginPending(t, e.client(), email)
	b := e.client()
	var me userResponse
	d.signIn(b).want(t, http.StatusOK).decode(t, &me)
	if me.User.Email != email {
		t.Fatalf("signed in as %+v", me.User)
	}
	b.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
}

// TestSyncedPasskey: a passkey kept by a password manager or a platform's
// keychain has no counter (0 every time), and signs in again and again.
func TestSyncedPasskey(t *testing.T) {
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	d := newDevice(t)
	d.noCounter = true
	var added struct {
		Passkey passkeyJSON `json:"passkey"`
	}
	d.register(c, "1Password\x00\u202e\n vault").want(t, http.StatusCreated).decode(t, &added)
	if added.Passkey.Name != "1Password vault" {
		t.Fatalf("name %q", added.Passkey.Name)
	}
	for range 3 {
		d.signIn(e.client()).want(t, http.StatusOK)
	}
}

// TestResetRemovesUnprovenPasskeys: someone registers with another's
// address and adds a passkey; the address's owner verifies it (the mail
// came to them) and resets the password. The passkey added before the
// address was proven goes; one added after it stays.
func TestResetRemovesUnprovenPasskeys(t *testing.T) {
	e := newTestEnv(t, nil)
	box := e.withMail()
	c, email := e.signedIn()
	squatter := newDevice(t)
	squatter.register(c, "").want(t, http.StatusCreated)
	_, verify := box.next(t).link(t, "/verify-email")
	e.client().do("POST", "/api/auth/email/verify", map[string]string{"token": verify}).want(t, http.StatusNoContent)
	owner := newDevice(t)
	owner.register(c, "").want(t, http.StatusCreated)

	token := e.resetLink(t, box, email)
	e.client().do("POST", "/api/auth/password/reset", map[string]string{"token": token, "password": "a brand new passphrase"}).want(t, http.StatusNoContent)
	squatter.signIn(e.client()).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	owner.signIn(e.client()).want(t, http.StatusOK)
}

func TestPasskeyRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	d := newDevice(t)
	d.register(c, "").want(t, http.StatusCreated)

	signIn := func(t *testing.T, d *device) {
		t.Helper()
		d.signIn(e.client()).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	}

	// Each change makes a new authenticator's passkey unacceptable, and
	// the registered one's answers too.
	for name, change := range map[string]func(*device){
		"another origin":        func(d *device) { d.rp.Origin = "https://evil.example" },
		"another relying party": func(d *device) { d.rp.ID = "evil.example" },
		"no user verification":  func(d *device) { d.auth.Options.UserNotVerified = true },
	} {
		t.Run(name, func(t *testing.T) {
			fresh := newDevice(t)
			change(fresh)
			fresh.register(c, "").wantError(t, http.StatusBadRequest, "invalid_passkey")
			registered := *d
			change(&registered)
			signIn(t, &registered)
		})
	}
	t.Run("unknown passkey", func(t *testing.T) {
		stranger := newDevice(t)
		stranger.auth.Options.UserHandle = d.auth.Options.UserHandle
		signIn(t, stranger)
	})
	t.Run("replayed answer", func(t *testing.T) {
		b := e.client()
		ceremony, answer := d.assertion(b)
		body := map[string]any{"ceremony": ceremony, "credential": json.RawMessage(answer)}
		b.do("POST", "/api/auth/passkeys/login", body).want(t, http.StatusOK)
		// The ceremony is used up; a new one has another challenge.
		e.client().do("POST", "/api/auth/passkeys/login", body).wantError(t, http.StatusUnauthorized, "invalid_credentials")
		fresh, _ := d.start(e.client(), "/api/auth/passkeys/login/options")
		body["ceremony"] = fresh
		e.client().do("POST", "/api/auth/passkeys/login", body).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	})
	t.Run("cloned authenticator", func(t *testing.T) {
		d.signIn(e.client()).want(t, http.StatusOK)
		clone := *d
		clone.cred.Counter -= 2 // the copy's counter lags: signIn adds one
		signIn(t, &clone)
		// The original's next count still works.
		d.signIn(e.client()).want(t, http.StatusOK)
	})
	t.Run("expired ceremony", func(t *testing.T) {
		b := e.client()
		ceremony, answer := d.assertion(b)
		e.clock.Advance(account.CeremonyTTL)
		b.do("POST", "/api/auth/passkeys/login", map[string]any{"ceremony": ceremony, "credential": json.RawMessage(answer)}).
			wantError(t, http.StatusUnauthorized, "invalid_credentials")
	})
	t.Run("a sign-in's ceremony does not register", func(t *testing.T) {
		other := newDevice(t)
		ceremony, _ := other.start(e.client(), "/api/auth/passkeys/login/options")
		c.do("POST", "/api/auth/passkeys/register", map[string]any{"ceremony": ceremony, "credential": json.RawMessage(`{}`)}).
			wantError(t, http.StatusBadRequest, "invalid_passkey")
	})
	t.Run("another user's ceremony", func(t *testing.T) {
		other := newDevice(t)
		victim, _ := e.signedIn()
		ceremony, options := other.start(victim, "/api/auth/passkeys/register/options")
		opts, err := virtualwebauthn.ParseAttestationOptions(options)
		if err != nil {
			t.Fatal(err)
		}
		answer := virtualwebauthn.CreateAttestationResponse(other.rp, other.auth, other.cred, *opts)
		c.do("POST", "/api/auth/passkeys/register", map[string]any{"ceremony": ceremony, "credential": json.RawMessage(answer)}).
			wantError(t, http.StatusBadRequest, "invalid_passkey")
	})
	t.Run("malformed", func(t *testing.T) {
		for _, body := range []string{`{}`, `{"ceremony":"x"}`, `{"ceremony":"x","credential":null}`, `{"ceremony":"x","credential":"x","name":"y"}`} {
			e.client().do("POST", "/api/auth/passkeys/login", body).want(t, http.StatusBadRequest)
		}
		ceremony, _ := d.start(e.client(), "/api/auth/passkeys/login/options")
		e.client().do("POST", "/api/auth/passkeys/login", map[string]any{"ceremony": ceremony, "credential": map[string]string{"id": "x"}}).
			wantError(t, http.StatusUnauthorized, "invalid_credentials")
		e.client().do("POST", "/api/auth/passkeys/register/options", map[string]any{}).wantError(t, http.StatusUnauthorized, "unauthenticated")
	})

	if n := len(e.securityEvents(t)["passkey_failed"]); n < 10 {
		t.Fatalf("%d passkey_failed events", n)
	}
}

func TestPasskeyRemove(t *testing.T) {
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	d := newDevice(t)
	var added struct {
		Passkey passkeyJSON `json:"passkey"`
	}
	d.register(c, "").want(t, http.StatusCreated).decode(t, &added)
	if added.Passkey.Name != "Passkey" {
		t.Fatalf("default name %q", added.Passkey.Name)
	}
	path := "/api/auth/passkeys/" + strconv.FormatInt(added.Passkey.ID, 10)

	other, _ := e.signedIn()
	other.do("DELETE", path, nil).wantError(t, http.StatusNotFound, "not_found")
	c.do("DELETE", "/api/auth/passkeys/x", nil).wantError(t, http.StatusNotFound, "not_found")

	// Without a password, the passkey is the account's way in.
	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	if err := e.store.SetPassword(context.Background(), me.User.ID, ""); err != nil {
		t.Fatal(err)
	}
	c.do("DELETE", path, nil).wantError(t, http.StatusConflict, "last_login_method")
	second := newDevice(t)
	second.register(c, "").want(t, http.StatusCreated)
	c.do("DELETE", path, nil).want(t, http.StatusNoContent)
	d.signIn(e.client()).wantError(t, http.StatusUnauthorized, "invalid_credentials")
	second.signIn(e.client()).want(t, http.StatusOK)

	var list passkeysResponse
	c.do("GET", "/api/auth/passkeys", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Passkeys) != 1 || list.Passkeys[0].ID == added.Passkey.ID {
		t.Fatalf("passkeys %+v", list.Passkeys)
	}
	if len(e.securityEvents(t)["passkey_removed"]) != 1 {
		t.Fatal("no passkey_removed event")
	}
}

func TestPasskeyRateLimit(t *testing.T) {
	e := newTestEnv(t, map[string]string{"RATE_LIMIT_PASSKEY": "2/1m"})
	b := e.client()
	for range 2 {
		b.do("POST", "/api/auth/passkeys/login/options", map[string]any{}).want(t, http.StatusOK)
	}
	b.do("POST", "/api/auth/passkeys/login/options", map[string]any{}).wantError(t, http.StatusTooManyRequests, "rate_limited")
	e.client().do("POST", "/api/auth/passkeys/login/options", map[string]any{}).want(t, http.StatusOK)
}

// TestPasskeysNeedADomain: with the web app at an IP address, which
// browsers refuse as a relying party, passkeys are off and say so.
func TestPasskeysNeedADomain(t *testing.T) {
	e := newTestEnv(t, map[string]string{"APP_ORIGINS": "http://127.0.0.1:3000"})
	if len(e.cfg.Warnings) == 0 || !strings.Contains(strings.Join(e.cfg.Warnings, "\n"), "WEBAUTHN_RP_ID") {
		t.Fatalf("warnings %q", e.cfg.Warnings)
	}
	b := e.client()
	b.origin = "http://127.0.0.1:3000"
	b.do("POST", "/api/auth/passkeys/login/options", map[string]any{}).wantError(t, http.StatusServiceUnavailable, "passkeys_unavailable")
}
