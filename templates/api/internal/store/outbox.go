package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The kinds of mail the outbox holds.
const (
	MailVerifyEmail   = "verify_email"   // to UserID: a link that verifies their email
	MailPasswordReset = "password_reset" // to whoever has Email, if anyone: a reset link
)

// MailJob is a mail waiting in the outbox. It says what the mail is about,
// never holds a token: the worker makes one when it sends.
type MailJob struct {
	ID   int64
	Kind string
	// UserID is the recipient (verify_email); Email the address a reset
	// was asked for (password_reset), which may belong to nobody.
	UserID   int64
	Email    string
	Attempts int
}

// EnqueueMail adds a job, due at once. Call it in the transaction that
// causes the mail (InTx), so that one never happens without the other.
func (s *Store) EnqueueMail(ctx context.Context, kind string, userID int64, email string, now time.Time) error {
	var uid sql.NullInt64
	if userID != 0 {
		uid = sql.NullInt64{Int64: userID, Valid: true}
	}
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO outbox (kind, user_id, email, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)`,
		kind, uid, email, millis(now))
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	return nil
}

// ClaimMail takes the oldest due job for lease: until then no other worker
// (in this process or another) takes it. A worker that dies holding a job
// lets its lease run out, and the job is taken again. ok is false when no
// job is due.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration) (job MailJob, ok bool, err error) {
	var uid sql.NullInt64
	err = s.q.QueryRowContext(ctx, `
		UPDATE outbox SET locked_until = $1, attempts = attempts + 1
		WHERE id = (
			SELECT id FROM outbox
			WHERE failed_at IS NULL AND next_attempt_at <= $2 AND locked_until <= $2
			ORDER BY next_attempt_at, id LIMIT 1`+skipLocked+`
		)
		RETURNING id, kind, user_id, email, attempts`, millis(now.Add(lease)), millis(now)).
		Scan(&job.ID, &job.Kind, &uid, &job.Email, &job.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return MailJob{}, false, nil
	}
	if err != nil {
		return MailJob{}, false, fmt.Errorf("claim mail: %w", err)
	}
	job.UserID = uid.Int64
	return job, true, nil
}

// DeleteMail removes a job that is done: sent, or with nothing to send.
func (s *Store) DeleteMail(ctx context.Context, id int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM outbox WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete mail: %w", err)
	}
	return nil
}

// RetryMail makes a job due again at next, recording why it failed.
func (s *Store) RetryMail(ctx context.Context, id int64, next time.Time, why string) error {
	_, err := s.q.ExecContext(ctx,
		`UPDATE outbox SET next_attempt_at = $1, locked_until = 0, last_error = $2 WHERE id = $3`, millis(next), why, id)
	if err != nil {
		return fmt.Errorf("retry mail: %w", err)
	}
	return nil
}

// FailMail gives up on a job. The row stays, with failed_at and the last
// error, for an operator to look at.
func (s *Store) FailMail(ctx context.Context, id int64, now time.Time, why string) error {
	_, err := s.q.ExecContext(ctx,
		`UPDATE outbox SET failed_at = $1, locked_until = 0, last_error = $2 WHERE id = $3`, millis(now), why, id)
	if err != nil {
		return fmt.Errorf("fail mail: %w", err)
	}
	return nil
}

// PendingMails counts the jobs not yet sent nor given up.
func (s *Store) PendingMails(ctx context.Context) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE failed_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mails: %w", err)
	}
	return n, nil
}
