package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Passkey is a WebAuthn credential that signs its user in.
type Passkey struct {
	ID     int64
	UserID int64
	// CredentialID is the authenticator's id of the credential, base64url.
	CredentialID string
	Name         string
	// Credential is the public key and what the authenticator said of
	// itself, as JSON: only the account package reads it.
	Credential string
	// SignCount is the authenticator's signature counter at the last
	// sign-in (0 if it keeps none).
	SignCount uint32
	// Unproven is true for a passkey added while the account's address
	// was not verified.
	Unproven   bool
	CreatedAt  time.Time
	LastUsedAt time.Time // zero if never used
}

// ErrPasskeyTaken is returned by CreatePasskey for a credential id stored
// already.
var ErrPasskeyTaken = errors.New("passkey already registered")

// WebAuthnHandle returns the user handle of userID, making it from
// newHandle the first time.
func (s *Store) WebAuthnHandle(ctx context.Context, userID int64, newHandle string) (string, error) {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO webauthn_users (user_id, handle) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, userID, newHandle)
	if err != nil {
		return "", fmt.Errorf("insert webauthn user: %w", err)
	}
	var handle string
	if err := s.q.QueryRowContext(ctx, `SELECT handle FROM webauthn_users WHERE user_id = $1`, userID).Scan(&handle); err != nil {
		return "", fmt.Errorf("select webauthn user: %w", err)
	}
	return handle, nil
}

// UserByWebAuthnHandle returns the id of the user whose handle is handle,
// or ErrNotFound.
func (s *Store) UserByWebAuthnHandle(ctx context.Context, handle string) (int64, error) {
	var userID int64
	err := s.q.QueryRowContext(ctx, `SELECT user_id FROM webauthn_users WHERE handle = $1`, handle).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("select webauthn user: %w", err)
	}
	return userID, nil
}

// CreatePasskey stores p and returns it with its ID; ErrPasskeyTaken if
// its credential id is stored already.
func (s *Store) CreatePasskey(ctx context.Context, p Passkey) (Passkey, error) {
	err := s.q.QueryRowContext(ctx,
		`INSERT INTO passkeys (user_id, credential_id, name, credential, sign_count, unproven, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (credential_id) DO NOTHING RETURNING id`,
		p.UserID, p.CredentialID, p.Name, p.Credential, int64(p.SignCount), p.Unproven, millis(p.CreatedAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return Passkey{}, ErrPasskeyTaken
	}
	if err != nil {
		return Passkey{}, fmt.Errorf("insert passkey: %w", err)
	}
	p.CreatedAt = fromMillis(millis(p.CreatedAt))
	return p, nil
}

const passkeyColumns = `id, user_id, credential_id, name, credential, sign_count, unproven, created_at, last_used_at`

// Passkeys returns the user's passkeys, oldest first.
func (s *Store) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	return s.passkeys(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = $1 ORDER BY id`, userID)
}

func (s *Store) passkeys(ctx context.Context, query string, args ...any) ([]Passkey, error) {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("select passkeys: %w", err)
	}
	defer rows.Close()
	var list []Passkey
	for rows.Next() {
		var p Passkey
		var count, created int64
		var used sql.NullInt64
		if err := rows.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.Name, &p.Credential, &count, &p.Unproven, &created, &used); err != nil {
			return nil, fmt.Errorf("select passkeys: %w", err)
		}
		p.SignCount, p.CreatedAt = uint32(count), fromMillis(created)
		if used.Valid {
			p.LastUsedAt = fromMillis(used.Int64)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select passkeys: %w", err)
	}
	return list, nil
}

// UsePasskey records a sign-in with passkey id at now: its counter becomes
// signCount and its credential (flags) credential. The counter must grow,
// unless the authenticator keeps none (both 0): else it returns false and
// changes nothing, as for a copy of the authenticator. Reading and writing
// the counter are one statement, so of two sign-ins with one count only
// one passes.
func (s *Store) UsePasskey(ctx context.Context, id int64, signCount uint32, credential string, now time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx,
		`UPDATE passkeys SET sign_count = $1, credential = $2, last_used_at = $3
		 WHERE id = $4 AND (sign_count < $1 OR (sign_count = 0 AND $1 = 0))`,
		int64(signCount), credential, millis(now), id)
	if err != nil {
		return false, fmt.Errorf("use passkey: %w", err)
	}
	return changedOne(res, "use passkey") == nil, nil
}

// DeletePasskey deletes the user's passkey id; ErrNotFound if the user
// has none of that id.
func (s *Store) DeletePasskey(ctx context.Context, userID, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete passkey: %w", err)
	}
	return changedOne(res, "delete passkey")
}

// DeleteUnprovenPasskeys deletes the passkeys of userID added while its
// address was not verified.
func (s *Store) DeleteUnprovenPasskeys(ctx context.Context, userID int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM passkeys WHERE user_id = $1 AND unproven`, userID); err != nil {
		return fmt.Errorf("delete passkeys: %w", err)
	}
	return nil
}

// Ceremony is a WebAuthn registration or sign-in between its options and
// its answer.
type Ceremony struct {
	// IDHash is the SHA-256 of the ceremony's id, in hex.
	IDHash string
	// Kind is "register" or "login".
	Kind string
	// UserID is the user adding a passkey, 0 for a sign-in.
	UserID int64
	// Data is what the answer is checked against, as JSON.
	Data      string
	ExpiresAt time.Time
}

// CreateCeremony stores c.
func (s *Store) CreateCeremony(ctx context.Context, c Ceremony) error {
	var userID sql.NullInt64
	if c.UserID != 0 {
		userID = sql.NullInt64{Int64: c.UserID, Valid: true}
	}
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO webauthn_ceremonies (id_hash, kind, user_id, data, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		c.IDHash, c.Kind, userID, c.Data, millis(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert webauthn ceremony: %w", err)
	}
	return nil
}

// ConsumeCeremony deletes the ceremony whose id hash is idHash and returns
// it, if it is of kind and has not expired at now; else ErrNotFound.
// Deleting and reading are one statement, so an answer is checked once.
func (s *Store) ConsumeCeremony(ctx context.Context, idHash, kind string, now time.Time) (Ceremony, error) {
	c := Ceremony{IDHash: idHash}
	var userID sql.NullInt64
	var expires int64
	err := s.q.QueryRowContext(ctx,
		`DELETE FROM webauthn_ceremonies WHERE id_hash = $1 RETURNING kind, user_id, data, expires_at`, idHash).
		Scan(&c.Kind, &userID, &c.Data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Ceremony{}, ErrNotFound
	}
	if err != nil {
		return Ceremony{}, fmt.Errorf("consume webauthn ceremony: %w", err)
	}
	c.UserID, c.ExpiresAt = userID.Int64, fromMillis(expires)
	if c.Kind != kind || !now.Before(c.ExpiresAt) {
		return Ceremony{}, ErrNotFound
	}
	return c, nil
}
