package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Identity is a provider's account connected to a user: signing in with it
// signs the user in.
type Identity struct {
	ID     int64
	UserID int64
	// Provider is the provider's id ("github", "google", "oidc"), Subject
	// its id of the account, which never changes.
	Provider, Subject string
	// Email is the address the provider gave when the identity was
	// connected.
	Email     string
	CreatedAt time.Time
}

// ErrIdentityTaken is returned by CreateIdentity for a (provider, subject)
// connected to a user already.
var ErrIdentityTaken = errors.New("identity already connected")

// CreateIdentity connects id to id.UserID and returns it with its ID;
// ErrIdentityTaken if the provider's account is connected already.
func (s *Store) CreateIdentity(ctx context.Context, id Identity) (Identity, error) {
	err := s.q.QueryRowContext(ctx,
		`INSERT INTO identities (user_id, provider, subject, email, created_at) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (provider, subject) DO NOTHING RETURNING id`,
		id.UserID, id.Provider, id.Subject, id.Email, millis(id.CreatedAt)).Scan(&id.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return Identity{}, ErrIdentityTaken
	}
	if err != nil {
		return Identity{}, fmt.Errorf("insert identity: %w", err)
	}
	id.CreatedAt = fromMillis(millis(id.CreatedAt))
	return id, nil
}

const identityColumns = `id, user_id, provider, subject, email, created_at`

// IdentityBySubject returns the identity of the provider's account
// subject, or ErrNotFound.
func (s *Store) IdentityBySubject(ctx context.Context, provider, subject string) (Identity, error) {
	ids, err := s.identities(ctx, `SELECT `+identityColumns+` FROM identities WHERE provider = $1 AND subject = $2`, provider, subject)
	if err != nil {
		return Identity{}, err
	}
	if len(ids) == 0 {
		return Identity{}, ErrNotFound
	}
	return ids[0], nil
}

// Identities returns the user's identities, oldest first.
func (s *Store) Identities(ctx context.Context, userID int64) ([]Identity, error) {
	return s.identities(ctx, `SELECT `+identityColumns+` FROM identities WHERE user_id = $1 ORDER BY id`, userID)
}

func (s *Store) identities(ctx context.Context, query string, args ...any) ([]Identity, error) {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("select identities: %w", err)
	}
	defer rows.Close()
	var ids []Identity
	for rows.Next() {
		var id Identity
		var created int64
		if err := rows.Scan(&id.ID, &id.UserID, &id.Provider, &id.Subject, &id.Email, &created); err != nil {
			return nil, fmt.Errorf("select identities: %w", err)
		}
		id.CreatedAt = fromMillis(created)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select identities: %w", err)
	}
	return ids, nil
}

// DeleteIdentity deletes the user's identity id; ErrNotFound if the user
// has none of that id.
func (s *Store) DeleteIdentity(ctx context.Context, userID, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM identities WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete identity: %w", err)
	}
	return changedOne(res, "delete identity")
}

// DeleteIdentities deletes every identity of userID.
func (s *Store) DeleteIdentities(ctx context.Context, userID int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM identities WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete identities: %w", err)
	}
	return nil
}

// LockUser makes the transaction it runs in (see InTx) wait for any other
// that changes userID's row or locked it, until it ends: decisions about
// the account in both are then taken one after the other.
func (s *Store) LockUser(ctx context.Context, userID int64) error {
	res, err := s.q.ExecContext(ctx, `UPDATE users SET email = email WHERE id = $1`, userID)
	if err != nil {
		return fmt.Errorf("lock user: %w", err)
	}
	return changedOne(res, "lock user")
}

// OAuthFlow is a sign-in with a provider between its start and its
// callback.
type OAuthFlow struct {
	// StateHash is the SHA-256 of the state, in hex.
	StateHash string
	Provider  string
	// Verifier is the PKCE code verifier; Nonce goes in the ID token.
	Verifier, Nonce string
	// ReturnTo is where the web app goes afterwards ("" for its default).
	ReturnTo string
	// UserID is the user the provider's account is to be connected to, 0
	// for a sign-in.
	UserID    int64
	ExpiresAt time.Time
}

// CreateOAuthFlow stores f.
func (s *Store) CreateOAuthFlow(ctx context.Context, f OAuthFlow) error {
	var userID sql.NullInt64
	if f.UserID != 0 {
		userID = sql.NullInt64{Int64: f.UserID, Valid: true}
	}
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO oauth_flows (state_hash, provider, verifier, nonce, return_to, user_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.StateHash, f.Provider, f.Verifier, f.Nonce, f.ReturnTo, userID, millis(f.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert oauth flow: %w", err)
	}
	return nil
}

// ConsumeOAuthFlow deletes the flow whose state hash is stateHash and
// returns it, if it is provider's and has not expired at now; else
// ErrNotFound. Deleting and reading are one statement, so of two callbacks
// with one state exactly one gets the flow.
func (s *Store) ConsumeOAuthFlow(ctx context.Context, stateHash, provider string, now time.Time) (OAuthFlow, error) {
	f := OAuthFlow{StateHash: stateHash}
	var userID sql.NullInt64
	var expires int64
	err := s.q.QueryRowContext(ctx,
		`DELETE FROM oauth_flows WHERE state_hash = $1 RETURNING provider, verifier, nonce, return_to, user_id, expires_at`, stateHash).
		Scan(&f.Provider, &f.Verifier, &f.Nonce, &f.ReturnTo, &userID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthFlow{}, ErrNotFound
	}
	if err != nil {
		return OAuthFlow{}, fmt.Errorf("consume oauth flow: %w", err)
	}
	f.UserID, f.ExpiresAt = userID.Int64, fromMillis(expires)
	if f.Provider != provider || !now.Before(f.ExpiresAt) {
		return OAuthFlow{}, ErrNotFound
	}
	return f, nil
}
