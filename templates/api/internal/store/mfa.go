package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TOTP is an account's authenticator app secret.
type TOTP struct {
	UserID int64
	// Secret is the shared secret, base32.
	Secret string
	// Enabled is true once a code proved the app holds the secret.
	Enabled bool
	// LastStep is the time step of the last code accepted.
	LastStep int64
}

// PutTOTP stores secret as userID's new secret, not enabled, unless a
// secret is enabled already: then ErrMFAEnabled.
func (s *Store) PutTOTP(ctx context.Context, userID int64, secret string, now time.Time) error {
	res, err := s.q.ExecContext(ctx,
		`INSERT INTO totp_secrets (user_id, secret, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
		 WHERE totp_secrets.enabled_at IS NULL`,
		userID, secret, millis(now))
	if err != nil {
		return fmt.Errorf("put totp secret: %w", err)
	}
	if changedOne(res, "put totp secret") != nil {
		return ErrMFAEnabled
	}
	return nil
}

// ErrMFAEnabled: the account's TOTP is on already.
var ErrMFAEnabled = errors.New("two-factor authentication is on already")

// TOTPOf returns userID's secret, or ErrNotFound.
func (s *Store) TOTPOf(ctx context.Context, userID int64) (TOTP, error) {
	t := TOTP{UserID: userID}
	var enabled sql.NullInt64
	err := s.q.QueryRowContext(ctx, `SELECT secret, enabled_at, last_step FROM totp_secrets WHERE user_id = $1`, userID).
		Scan(&t.Secret, &enabled, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return TOTP{}, ErrNotFound
	}
	if err != nil {
		return TOTP{}, fmt.Errorf("select totp secret: %w", err)
	}
	t.Enabled = enabled.Valid
	return t, nil
}

// UseTOTPStep records that a code of time step was accepted for userID:
// false if a code of that step or a later one was accepted already, so that
// each code works once.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2 AND last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	return changedOne(res, "use totp step") == nil, nil
}

// EnableTOTP turns userID's secret on, if it is still secret: ErrNotFound
// if it is on already or was replaced meanwhile.
func (s *Store) EnableTOTP(ctx context.Context, userID int64, secret string, now time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE totp_secrets SET enabled_at = $1 WHERE user_id = $2 AND secret = $3 AND enabled_at IS NULL`, millis(now), userID, secret)
	if err != nil {
		return fmt.Errorf("enable totp: %w", err)
	}
	return changedOne(res, "enable totp")
}

// DeleteTOTP deletes userID's secret and recovery codes (run it in a
// transaction: see InTx).
func (s *Store) DeleteTOTP(ctx context.Context, userID int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete recovery codes: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, `DELETE FROM totp_secrets WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete totp secret: %w", err)
	}
	return nil
}

// ReplaceRecoveryCodes makes hashes userID's recovery codes, the old ones
// void (run it in a transaction: see InTx).
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete recovery codes: %w", err)
	}
	for _, h := range hashes {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO recovery_codes (code_hash, user_id) VALUES ($1, $2)`, h, userID); err != nil {
			return fmt.Errorf("insert recovery code: %w", err)
		}
	}
	return nil
}

// RecoveryCodesLeft counts userID's recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// UseRecoveryCode deletes userID's recovery code of hash: false if the
// user has none such.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE code_hash = $1 AND user_id = $2`, hash, userID)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return changedOne(res, "use recovery code") == nil, nil
}

// PendingSignIn is a sign-in waiting for its second factor.
type PendingSignIn struct {
	IDHash string
	UserID int64
	// Client is "browser" (a cookie holds the id) or "bearer" (an
	// mfa_token): an id works only where it was given.
	Client   string
	ReturnTo string
	// SignIn is how the first factor was proven ("password", a
	// provider's id).
	SignIn string
	// Attempts counts the attempts at a second factor.
	Attempts  int
	ExpiresAt time.Time
}

// CreatePendingSignIn stores p.
func (s *Store) CreatePendingSignIn(ctx context.Context, p PendingSignIn) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO mfa_pending (id_hash, user_id, client, return_to, sign_in, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.IDHash, p.UserID, p.Client, p.ReturnTo, p.SignIn, millis(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert pending sign-in: %w", err)
	}
	return nil
}

// AttemptPendingSignIn counts an attempt at completing the pending
// sign-in of idHash for client and returns it, if it has not expired at
// now and has had fewer than maxAttempts; else ErrNotFound. Counting and
// reading are one statement, so concurrent attempts cannot exceed the
// count; a successful one deletes the sign-in (DeletePendingSignIn).
func (s *Store) AttemptPendingSignIn(ctx context.Context, idHash, client string, maxAttempts int, now time.Time) (PendingSignIn, error) {
	p := PendingSignIn{IDHash: idHash, Client: client}
	var expires int64
	err := s.q.QueryRowContext(ctx,
		`UPDATE mfa_pending SET attempts = attempts + 1
		 WHERE id_hash = $1 AND client = $2 AND expires_at > $3 AND attempts < $4
		 RETURNING user_id, return_to, sign_in, attempts, expires_at`,
		idHash, client, millis(now), maxAttempts).Scan(&p.UserID, &p.ReturnTo, &p.SignIn, &p.Attempts, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return PendingSignIn{}, ErrNotFound
	}
	if err != nil {
		return PendingSignIn{}, fmt.Errorf("attempt pending sign-in: %w", err)
	}
	p.ExpiresAt = fromMillis(expires)
	return p, nil
}

// DeletePendingSignIns deletes every pending sign-in of userID.
func (s *Store) DeletePendingSignIns(ctx context.Context, userID int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM mfa_pending WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete pending sign-ins: %w", err)
	}
	return nil
}

// DeletePendingSignIn deletes the pending sign-in of idHash: ErrNotFound
// if there is none (another request finished it first).
func (s *Store) DeletePendingSignIn(ctx context.Context, idHash string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM mfa_pending WHERE id_hash = $1`, idHash)
	if err != nil {
		return fmt.Errorf("delete pending sign-in: %w", err)
	}
	return changedOne(res, "delete pending sign-in")
}
