package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// CeremonyTTL is how long a passkey registration or sign-in may take, from
// its options to its answer.
const CeremonyTTL = 5 * time.Minute

const (
	// maxPasskeyName bounds a passkey's name, in characters.
	maxPasskeyName = 64
	// defaultPasskeyName names a passkey added without a name.
	defaultPasskeyName = "Passkey"
)

var (
	// ErrInvalidCeremony: the ceremony is not one this API began (for this
	// user), or it was used or expired.
	ErrInvalidCeremony = errors.New("invalid passkey ceremony")
	// ErrInvalidPasskey: the authenticator's answer proves nothing: not for
	// this relying party or origin, not of the challenge, without user
	// verification, of an unknown passkey, or with a counter that did not
	// grow (a copied authenticator).
	ErrInvalidPasskey = errors.New("invalid passkey")
	// ErrPasskeysOff: the configuration names no relying party passkeys
	// could be made for (see config.WebAuthn).
	ErrPasskeysOff = errors.New("passkeys are off")
)

// newRelyingParty returns the relying party of w, named name in the
// authenticators' prompts.
func newRelyingParty(w config.WebAuthn, name string) (*webauthn.WebAuthn, error) {
	if w.RPID == "" {
		return nil, errors.New("no relying party: set WEBAUTHN_RP_ID to the web app's domain")
	}
	return webauthn.New(&webauthn.Config{
		RPID:          w.RPID,
		RPDisplayName: name,
		RPOrigins:     w.Origins,
		// The browser gives up after CeremonyTTL; the ceremony's row in
		// the database, which expires then, is what the answer is held to.
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
		},
	})
}

// passkeysOn returns ErrPasskeysOff, with why, if there is no relying
// party.
func (a *Accounts) passkeysOn() error {
	if a.relyingParty == nil {
		return fmt.Errorf("%w: %w", ErrPasskeysOff, a.rpErr)
	}
	return nil
}

// passkeyUser is a user as go-webauthn sees one.
type passkeyUser struct {
	verified    bool
	handle      []byte
	email       string
	credentials []webauthn.Credential
	// rows are the passkeys of credentials, in the same order.
	rows []store.Passkey
}

func (u *passkeyUser) WebAuthnID() []byte                         { return u.handle }
func (u *passkeyUser) WebAuthnName() string                       { return u.email }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.email }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.credentials }

// loadPasskeyUser returns userID with its handle (made now if the user has
// none) and its passkeys.
func (a *Accounts) loadPasskeyUser(ctx context.Context, userID int64) (*passkeyUser, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	handle, err := a.store.WebAuthnHandle(ctx, userID, base64.RawURLEncoding.EncodeToString(randomBytes(32)))
	if err != nil {
		return nil, err
	}
	pu := &passkeyUser{email: u.Email, verified: u.EmailVerified}
	if pu.handle, err = base64.RawURLEncoding.DecodeString(handle); err != nil {
		return nil, fmt.Errorf("user %d: webauthn handle: %w", userID, err)
	}
	if pu.rows, err = a.store.Passkeys(ctx, userID); err != nil {
		return nil, err
	}
	for _, p := range pu.rows {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(p.Credential), &c); err != nil {
			return nil, fmt.Errorf("passkey %d: %w", p.ID, err)
		}
		pu.credentials = append(pu.credentials, c)
	}
	return pu, nil
}

// Passkeys returns userID's passkeys, oldest first.
func (a *Accounts) Passkeys(ctx context.Context, userID int64) ([]store.Passkey, error) {
	return a.store.Passkeys(ctx, userID)
}

// BeginPasskeyRegistration begins adding a passkey to userID: the options
// for the browser's navigator.credentials.create, and the ceremony id that
// FinishPasskeyRegistration takes with the answer. The passkey must be
// discoverable (it names the account, so signing in asks for no address)
// and verify its user (a PIN, a fingerprint); the user's passkeys are
// excluded, so an authenticator is not added twice.
func (a *Accounts) BeginPasskeyRegistration(ctx context.Context, userID int64, c Client) (string, *protocol.PublicKeyCredentialCreationOptions, error) {
	if err := a.passkeysOn(); err != nil {
		return "", nil, err
	}
	if err := a.count(ctx, c, counted{"passkey", a.limits.passkey, c.Key}); err != nil {
		return "", nil, err
	}
	u, err := a.loadPasskeyUser(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, len(u.credentials))
	for i, cred := range u.credentials {
		exclude[i] = cred.Descriptor()
		exclude[i].Transport = knownTransports(exclude[i].Transport)
	}
	requireResidentKey := true
	creation, session, err := a.relyingParty.BeginRegistration(u,
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			RequireResidentKey: &requireResidentKey,
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			UserVerification:   protocol.VerificationRequired,
		}),
		webauthn.WithExclusions(exclude),
	)
	if err != nil {
		return "", nil, err
	}
	id, err := a.createCeremony(ctx, "register", userID, session)
	if err != nil {
		return "", nil, err
	}
	return id, &creation.Response, nil
}

// FinishPasskeyRegistration adds the passkey of credential, the browser's
// answer (JSON) to the options of ceremony, to userID, named name (or
// defaultPasskeyName). ErrInvalidCeremony if the ceremony is not userID's
// or was used or expired; ErrInvalidPasskey if the answer proves nothing.
func (a *Accounts) FinishPasskeyRegistration(ctx context.Context, userID int64, ceremony string, credential []byte, name string, c Client) (store.Passkey, error) {
	if err := a.passkeysOn(); err != nil {
		return store.Passkey{}, err
	}
	session, err := a.consumeCeremony(ctx, ceremony, "register", userID)
	if err != nil {
		return store.Passkey{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return store.Passkey{}, a.passkeyRefused(ctx, c, userID, err)
	}
	u, err := a.loadPasskeyUser(ctx, userID)
	if err != nil {
		return store.Passkey{}, err
	}
	cred, err := a.relyingParty.CreateCredential(u, session, parsed)
	if err != nil {
		return store.Passkey{}, a.passkeyRefused(ctx, c, userID, err)
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return store.Passkey{}, err
	}
	p, err := a.store.CreatePasskey(ctx, store.Passkey{
		UserID: userID, CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), Name: passkeyName(name),
		Credential: string(data), SignCount: cred.Authenticator.SignCount, Unproven: !u.verified, CreatedAt: a.now(),
	})
	if err != nil {
		return store.Passkey{}, err
	}
	SecurityEvent(ctx, a.log, c.Addr, "passkey_added", slog.Int64("user_id", userID), slog.Int64("passkey_id", p.ID))
	return p, nil
}

// passkeyName is name as a passkey's name: printable characters only,
// spaces collapsed, at most maxPasskeyName characters, defaultPasskeyName
// if nothing is left.
func passkeyName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) || unicode.IsSpace(r) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(name, ""))
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > maxPasskeyName {
		name = string(r[:maxPasskeyName])
	}
	if name == "" {
		return defaultPasskeyName
	}
	return name
}

// BeginPasskeySignIn begins a sign-in with a passkey, counted against the
// client's limit: the options for navigator.credentials.get, which name no
// account (the authenticator offers the passkeys it holds for this site),
// and the ceremony id that FinishPasskeySignIn takes with the answer.
func (a *Accounts) BeginPasskeySignIn(ctx context.Context, c Client) (string, *protocol.PublicKeyCredentialRequestOptions, error) {
	if err := a.passkeysOn(); err != nil {
		return "", nil, err
	}
	if err := a.count(ctx, c, counted{"passkey", a.limits.passkey, c.Key}); err != nil {
		return "", nil, err
	}
	assertion, session, err := a.relyingParty.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return "", nil, err
	}
	id, err := a.createCeremony(ctx, "login", 0, session)
	if err != nil {
		return "", nil, err
	}
	return id, &assertion.Response, nil
}

// FinishPasskeySignIn returns the user whose passkey signed credential,
// the browser's answer (JSON) to the options of ceremony. A passkey is two
// factors in one (the device, and the PIN or fingerprint that unlocks it),
// so the sign-in is complete: no second factor is asked. A failure is
// counted as a failed sign-in from the client: ErrInvalidCeremony,
// ErrInvalidPasskey.
func (a *Accounts) FinishPasskeySignIn(ctx context.Context, ceremony string, credential []byte, c Client) (store.User, error) {
	if err := a.passkeysOn(); err != nil {
		return store.User{}, err
	}
	events := a.signInEvents("", c.Key)
	if err := a.count(ctx, c, events...); err != nil {
		return store.User{}, err
	}
	u, err := a.finishPasskeySignIn(ctx, ceremony, credential, c)
	if err != nil {
		if !errors.Is(err, ErrInvalidCeremony) && !errors.Is(err, ErrInvalidPasskey) {
			// Not the client's failure: its attempt is given back.
			err = errors.Join(err, undoAll(ctx, events...))
		}
		return store.User{}, err
	}
	SecurityEvent(ctx, a.log, c.Addr, "passkey_login", slog.Int64("user_id", u.ID))
	// The ceremony ended: it no longer holds a row, and a client whose
	// users sign in often is not limited for it.
	events = append(events, counted{"passkey", a.limits.passkey, c.Key})
	return u, a.forgiveSignIn(ctx, events)
}

func (a *Accounts) finishPasskeySignIn(ctx context.Context, ceremony string, credential []byte, c Client) (store.User, error) {
	session, err := a.consumeCeremony(ctx, ceremony, "login", 0)
	if err != nil {
		return store.User{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return store.User{}, a.passkeyRefused(ctx, c, 0, err)
	}
	var owner *passkeyUser
	var userID int64
	var storeErr error // the database's failure, not the answer's
	findOwner := func(rawID, userHandle []byte) (webauthn.User, error) {
		id, err := a.store.UserByWebAuthnHandle(ctx, base64.RawURLEncoding.EncodeToString(userHandle))
		if err == nil {
			owner, err = a.loadPasskeyUser(ctx, id)
		}
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				storeErr = err
			}
			return nil, err
		}
		userID = id
		return owner, nil
	}
	cred, err := a.relyingParty.ValidateDiscoverableLogin(findOwner, session, parsed)
	if storeErr != nil {
		return store.User{}, storeErr
	}
	if err != nil {
		return store.User{}, a.passkeyRefused(ctx, c, userID, err)
	}
	var row store.Passkey
	for i, known := range owner.credentials {
		if string(known.ID) == string(cred.ID) {
			row = owner.rows[i]
		}
	}
	if cred.Authenticator.CloneWarning {
		return store.User{}, a.passkeyRefused(ctx, c, userID, errors.New("the signature counter did not grow: a copy of the authenticator"))
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return store.User{}, err
	}
	ok, err := a.store.UsePasskey(ctx, row.ID, cred.Authenticator.SignCount, string(data), a.now())
	if err != nil {
		return store.User{}, err
	}
	if !ok {
		// Another sign-in with the same count got there first.
		return store.User{}, a.passkeyRefused(ctx, c, userID, errors.New("the signature counter did not grow: a copy of the authenticator"))
	}
	return a.store.UserByID(ctx, userID)
}

// passkeyRefused logs why an authenticator's answer was refused and
// returns ErrInvalidPasskey.
func (a *Accounts) passkeyRefused(ctx context.Context, c Client, userID int64, err error) error {
	reason := err.Error()
	var perr *protocol.Error
	if errors.As(err, &perr) && perr.DevInfo != "" {
		reason = perr.Details + ": " + perr.DevInfo
	} else if errors.As(err, &perr) {
		reason = perr.Details
	}
	attrs := []slog.Attr{slog.String("reason", reason)}
	if userID != 0 {
		attrs = append(attrs, slog.Int64("user_id", userID))
	}
	SecurityEvent(ctx, a.log, c.Addr, "passkey_failed", attrs...)
	return ErrInvalidPasskey
}

// RemovePasskey deletes userID's passkey passkeyID: store.ErrNotFound if
// the user has none of that id, ErrLastLoginMethod if it is the account's
// last way to sign in.
func (a *Accounts) RemovePasskey(ctx context.Context, userID, passkeyID int64, c Client) error {
	err := a.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockUser(ctx, userID); err != nil {
			return err
		}
		methods, err := signInMethods(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := tx.DeletePasskey(ctx, userID, passkeyID); err != nil {
			return err
		}
		if methods == 1 {
			return ErrLastLoginMethod
		}
		return nil
	})
	if err != nil {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "passkey_removed", slog.Int64("user_id", userID), slog.Int64("passkey_id", passkeyID))
	return nil
}

// signInMethods counts userID's ways to sign in, in tx: its password, its
// identities and its passkeys.
func signInMethods(ctx context.Context, tx *store.Store, userID int64) (int, error) {
	u, err := tx.UserByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	ids, err := tx.Identities(ctx, userID)
	if err != nil {
		return 0, err
	}
	keys, err := tx.Passkeys(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := len(ids) + len(keys)
	if u.PasswordHash != "" {
		n++
	}
	return n, nil
}

// createCeremony stores session as a ceremony of kind for userID (0 for a
// sign-in) and returns its id.
func (a *Accounts) createCeremony(ctx context.Context, kind string, userID int64, session *webauthn.SessionData) (string, error) {
	data, err := json.Marshal(session)
	if err != nil {
		return "", err
	}
	id := rand.Text() + rand.Text()
	err = a.store.CreateCeremony(ctx, store.Ceremony{
		IDHash: hashSecret(id), Kind: kind, UserID: userID, Data: string(data), ExpiresAt: a.now().Add(CeremonyTTL),
	})
	return id, err
}

// consumeCeremony uses up the ceremony id of kind and userID and returns
// what its answer is checked against: ErrInvalidCeremony if there is none.
func (a *Accounts) consumeCeremony(ctx context.Context, id, kind string, userID int64) (webauthn.SessionData, error) {
	if id == "" {
		return webauthn.SessionData{}, ErrInvalidCeremony
	}
	c, err := a.store.ConsumeCeremony(ctx, hashSecret(id), kind, a.now())
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.UserID != userID) {
		return webauthn.SessionData{}, ErrInvalidCeremony
	}
	if err != nil {
		return webauthn.SessionData{}, err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal([]byte(c.Data), &session); err != nil {
		return webauthn.SessionData{}, fmt.Errorf("webauthn ceremony: %w", err)
	}
	return session, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// transports are those WebAuthn defines for reaching an authenticator.
var transports = []protocol.AuthenticatorTransport{protocol.USB, protocol.NFC, protocol.BLE, protocol.SmartCard, protocol.Hybrid, protocol.Internal}

// knownTransports keeps the transports among ts that WebAuthn defines. The
// browser reports them when a passkey is added, unchecked, and they go back
// to browsers in later options: a value no client knows is dropped rather
// than echoed.
func knownTransports(ts []protocol.AuthenticatorTransport) []protocol.AuthenticatorTransport {
	return slices.DeleteFunc(slices.Clone(ts), func(t protocol.AuthenticatorTransport) bool {
		return !slices.Contains(transports, t)
	})
}
