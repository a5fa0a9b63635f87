package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// appName names this app in authenticator apps and passkey prompts.
// scaffold:line const appName = "{{.Name}}"
const appName = "myapp"

const (
	// PendingSignInTTL is how long a sign-in waits for its second factor.
	PendingSignInTTL = 5 * time.Minute
	// maxCodeAttempts is how many codes a pending sign-in takes.
	maxCodeAttempts = 5
	// recoveryCodeCount recovery codes are made at a time.
	recoveryCodeCount = 10
)

// totpOptions are RFC 6238's defaults, which every authenticator app
// reads: 6 digits, 30-second steps, HMAC-SHA1.
var totpOptions = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var (
	// ErrInvalidCode: the code is not the authenticator's (or was used),
	// or the recovery code is not one of the account's.
	ErrInvalidCode = errors.New("invalid code")
	// ErrNoPendingSignIn: there is no sign-in waiting for a second factor
	// (it expired, was finished, or had too many wrong codes).
	ErrNoPendingSignIn = errors.New("no pending sign-in")
	// ErrTOTPNotSetUp: the code is for an authenticator the account has
	// not set up, or not turned on.
	ErrTOTPNotSetUp = errors.New("no authenticator set up")
)

// MFAStatus is what the settings show of an account's second factor.
type MFAStatus struct {
	// TOTP is true when an authenticator app's code is asked at sign-in.
	TOTP bool
	// RecoveryCodes counts the recovery codes left.
	RecoveryCodes int
}

// MFA returns userID's second factor.
func (a *Accounts) MFA(ctx context.Context, userID int64) (MFAStatus, error) {
	t, err := a.store.TOTPOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !t.Enabled) {
		return MFAStatus{}, nil
	}
	if err != nil {
		return MFAStatus{}, err
	}
	n, err := a.store.RecoveryCodesLeft(ctx, userID)
	return MFAStatus{TOTP: true, RecoveryCodes: n}, err
}

// SetupTOTP makes a new authenticator secret for userID, who confirms with
// their password if the account has one (see Confirm): it returns the
// secret and its otpauth:// URL, for a QR code. Nothing changes for
// signing in until EnableTOTP; store.ErrMFAEnabled if it is on already.
func (a *Accounts) SetupTOTP(ctx context.Context, userID int64, password string, c Client) (secret, url string, err error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return "", "", err
	}
	if u.PasswordHash != "" {
		if _, err := a.Confirm(ctx, userID, password, c); err != nil {
			return "", "", err
		}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: appName, AccountName: u.Email})
	if err != nil {
		return "", "", err
	}
	if err := a.store.PutTOTP(ctx, userID, key.Secret(), a.now()); err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// EnableTOTP turns on the secret SetupTOTP made, once code shows the
// authenticator has it, and returns the recovery codes (shown once: only
// their hashes are kept).
func (a *Accounts) EnableTOTP(ctx context.Context, userID int64, code string, c Client) ([]string, error) {
	t, err := a.store.TOTPOf(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrTOTPNotSetUp
	case err != nil:
		return nil, err
	case t.Enabled:
		return nil, store.ErrMFAEnabled
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := a.checkSecondFactor(ctx, u, code, "", c); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = a.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.EnableTOTP(ctx, userID, t.Secret, a.now()); err != nil {
			return err
		}
		return tx.ReplaceRecoveryCodes(ctx, userID, hashes)
	})
	if errors.Is(err, store.ErrNotFound) {
		// Set up again meanwhile (another tab), or turned on there.
		return nil, ErrTOTPNotSetUp
	}
	if err != nil {
		return nil, err
	}
	SecurityEvent(ctx, a.log, c.Addr, "mfa_enabled", slog.Int64("user_id", userID))
	return codes, nil
}

// DisableTOTP turns the second factor off, confirmed with a code or a
// recovery code: the secret and the recovery codes are deleted.
func (a *Accounts) DisableTOTP(ctx context.Context, userID int64, code, recoveryCode string, c Client) error {
	u, err := a.enabledUser(ctx, userID)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(ctx, u, code, recoveryCode, c); err != nil {
		return err
	}
	if err := a.store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteTOTP(ctx, userID) }); err != nil {
		return err
	}
	SecurityEvent(ctx, a.log, c.Addr, "mfa_disabled", slog.Int64("user_id", userID))
	return nil
}

// RegenerateRecoveryCodes replaces the recovery codes, confirmed with a
// code: the old ones stop working.
func (a *Accounts) RegenerateRecoveryCodes(ctx context.Context, userID int64, code string, c Client) ([]string, error) {
	u, err := a.enabledUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := a.checkSecondFactor(ctx, u, code, "", c); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = a.store.InTx(ctx, func(tx *store.Store) error { return tx.ReplaceRecoveryCodes(ctx, userID, hashes) })
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// enabledUser returns userID, whose second factor must be on:
// ErrTOTPNotSetUp if it is not.
func (a *Accounts) enabledUser(ctx context.Context, userID int64) (store.User, error) {
	status, err := a.MFA(ctx, userID)
	if err != nil {
		return store.User{}, err
	}
	if !status.TOTP {
		return store.User{}, ErrTOTPNotSetUp
	}
	return a.store.UserByID(ctx, userID)
}

// BeginSignIn decides whether the sign-in of userID, whose first factor
// (signIn: "password", a provider's id) is proven, is complete: "" if it
// is; else the id of a pending sign-in (PendingSignInTTL) that
// FinishSignIn completes with a second factor. client is "browser" or
// "bearer": the id works only for the same. returnTo is kept for the end.
func (a *Accounts) BeginSignIn(ctx context.Context, userID int64, signIn, client, returnTo string) (string, error) {
	status, err := a.MFA(ctx, userID)
	if err != nil || !status.TOTP {
		return "", err
	}
	id := rand.Text() + rand.Text()
	err = a.store.CreatePendingSignIn(ctx, store.PendingSignIn{
		IDHash: hashSecret(id), UserID: userID, Client: client, ReturnTo: returnTo, SignIn: signIn, ExpiresAt: a.now().Add(PendingSignInTTL),
	})
	return id, err
}

// SignedIn is a sign-in completed with its second factor.
type SignedIn struct {
	User store.User
	// ReturnTo is what BeginSignIn was given.
	ReturnTo string
	// SignIn is how: the first factor's, then "+totp" or "+recovery_code".
	SignIn string
}

// FinishSignIn completes the pending sign-in id of client with a code
// from the authenticator, or a recovery code. A wrong code is
// ErrInvalidCode, counted against the sign-in limits like a wrong
// password. A pending sign-in takes maxCodeAttempts attempts; after them,
// or once it expired or was finished, it is ErrNoPendingSignIn.
func (a *Accounts) FinishSignIn(ctx context.Context, id, client, code, recoveryCode string, c Client) (SignedIn, error) {
	if id == "" {
		return SignedIn{}, ErrNoPendingSignIn
	}
	p, err := a.store.AttemptPendingSignIn(ctx, hashSecret(id), client, maxCodeAttempts, a.now())
	if errors.Is(err, store.ErrNotFound) {
		return SignedIn{}, ErrNoPendingSignIn
	}
	if err != nil {
		return SignedIn{}, err
	}
	u, err := a.store.UserByID(ctx, p.UserID)
	if err != nil {
		return SignedIn{}, err
	}
	if err := a.checkSecondFactor(ctx, u, code, recoveryCode, c); err != nil {
		return SignedIn{}, err
	}
	if err := a.store.DeletePendingSignIn(ctx, p.IDHash); errors.Is(err, store.ErrNotFound) {
		return SignedIn{}, ErrNoPendingSignIn
	} else if err != nil {
		return SignedIn{}, err
	}
	second := "+totp"
	if recoveryCode != "" {
		second = "+recovery_code"
	}
	return SignedIn{User: u, ReturnTo: p.ReturnTo, SignIn: p.SignIn + second}, nil
}

// checkSecondFactor checks a code of u's authenticator (or, if
// recoveryCode is set, one of u's recovery codes, which it uses up), as one
// attempt under the sign-in limits: *RateLimited past them, ErrInvalidCode
// for a wrong code, logged. A right one gives the attempt back.
func (a *Accounts) checkSecondFactor(ctx context.Context, u store.User, code, recoveryCode string, c Client) error {
	events := a.signInEvents(u.Email, c.Key)
	for i, e := range events {
		if e.limiter == a.limits.loginAccountClient {
			// Wrong codes from this client add up apart from wrong
			// passwords: a right password does not clear them.
			events[i].key += "|code"
		}
	}
	if err := a.count(ctx, c, events...); err != nil {
		return err
	}
	ok, err := a.secondFactorMatches(ctx, u.ID, code, recoveryCode)
	if err != nil {
		return errors.Join(err, undoAll(ctx, events...))
	}
	if !ok {
		SecurityEvent(ctx, a.log, c.Addr, "mfa_failed", slog.Int64("user_id", u.ID))
		return ErrInvalidCode
	}
	if recoveryCode != "" {
		SecurityEvent(ctx, a.log, c.Addr, "recovery_code_used", slog.Int64("user_id", u.ID))
	}
	return a.forgiveSignIn(ctx, events)
}

func (a *Accounts) secondFactorMatches(ctx context.Context, userID int64, code, recoveryCode string) (bool, error) {
	if recoveryCode != "" {
		return a.store.UseRecoveryCode(ctx, userID, hashSecret(normalizeRecoveryCode(recoveryCode)))
	}
	t, err := a.store.TOTPOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	step, ok := totpStep(t.Secret, strings.ReplaceAll(strings.TrimSpace(code), " ", ""), a.now())
	if !ok {
		return false, nil
	}
	// A code works once: its step must be later than the last accepted.
	return a.store.UseTOTPStep(ctx, userID, step)
}

// totpStep returns the time step whose code code is, within one step of
// now either way (a clock a little off, a code typed as it changed).
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != int(totpOptions.Digits) {
		return 0, false
	}
	period := int64(totpOptions.Period)
	step := now.Unix() / period
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*period, 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// recoveryEncoding writes recovery codes in lower-case base32, without the
// letters and digits people confuse (no 0, 1, 8, 9: the standard alphabet
// has only 2 to 7).
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCodes returns recoveryCodeCount codes of 80 random bits,
// written xxxx-xxxx-xxxx-xxxx, and their hashes.
func newRecoveryCodes() (codes, hashes []string) {
	for range recoveryCodeCount {
		b := make([]byte, 10)
		rand.Read(b)
		s := recoveryEncoding.EncodeToString(b)
		codes = append(codes, s[0:4]+"-"+s[4:8]+"-"+s[8:12]+"-"+s[12:16])
		hashes = append(hashes, hashSecret(s))
	}
	return codes, hashes
}

// normalizeRecoveryCode reads a recovery code as typed: any case, with or
// without its dashes and spaces.
func normalizeRecoveryCode(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
}

// hashSecret is how a random secret (a pending sign-in's id, a recovery
// code, an OAuth state) is known in the database.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
