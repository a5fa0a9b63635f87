package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// Compose turns an outbox job into the message to send, or nil when there
// is nothing to send any more (a reset asked for an address nobody has, an
// email verified meanwhile).
type Compose func(ctx context.Context, job store.MailJob) (*Message, error)

// Worker drains the outbox: it claims due jobs, composes and sends them, and
// deletes them once sent. A failed send is retried with exponential backoff
// (10 s, 20 s, 40 s … at most an hour apart) until MaxAttempts, then given
// up and logged as an error. Jobs are claimed with a lease in the database,
// so several instances of the API can run a worker each, and a job a
// crashed instance held is taken again when its lease runs out. A mail is
// sent at least once: after a crash between sending and deleting, twice.
type Worker struct {
	Store   *store.Store
	Sender  Sender
	Compose Compose
	Logger  *slog.Logger
	Now     func() time.Time

	// Poll is how often the worker looks for due jobs without being woken
	// (retries, other instances' jobs).
	Poll time.Duration

	wake chan struct{}
}

const (
	// MaxAttempts before a mail is given up: about five hours of retries.
	MaxAttempts = 12
	// lease is how long a claimed job is the worker's; sendTimeout keeps a
	// send well inside it.
	lease       = 2 * time.Minute
	sendTimeout = time.Minute
)

// Wake tells the worker a job was queued, so that it need not wait for its
// next poll. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// NewWorker returns a Worker polling every poll.
func NewWorker(st *store.Store, sender Sender, compose Compose, log *slog.Logger, poll time.Duration) *Worker {
	return &Worker{Store: st, Sender: sender, Compose: compose, Logger: log, Now: time.Now, Poll: poll, wake: make(chan struct{}, 1)}
}

// Run works until ctx is cancelled.
func (w *Worker) Run(ctx context.Context) {
	ticker := time.NewTicker(w.Poll)
	defer ticker.Stop()
	for {
		for w.RunOnce(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-w.wake:
		}
	}
}

// RunOnce handles one due job, and reports whether there was one.
func (w *Worker) RunOnce(ctx context.Context) bool {
	now := w.Now()
	job, ok, err := w.Store.ClaimMail(ctx, now, lease)
	if err != nil {
		if ctx.Err() == nil {
			w.Logger.ErrorContext(ctx, "mail outbox: claim", "err", err)
		}
		return false
	}
	if !ok {
		return false
	}
	sendErr := w.handle(ctx, job)
	switch {
	case sendErr == nil:
		err = w.Store.DeleteMail(ctx, job.ID)
	case ctx.Err() != nil:
		// Shutting down: the lease runs out and the job is taken again.
		return false
	case errors.Is(sendErr, ErrPermanent) || job.Attempts >= MaxAttempts:
		if err = w.Store.FailMail(ctx, job.ID, now, sendErr.Error()); err == nil {
			w.Logger.ErrorContext(ctx, "mail given up", "id", job.ID, "kind", job.Kind, "attempts", job.Attempts, "err", sendErr)
		}
	default:
		// Logged once the retry is recorded, so that the log never promises
		// a retry time that a crash in between made wrong (the job then
		// waits for its lease to run out).
		wait := backoff(job.Attempts)
		if err = w.Store.RetryMail(ctx, job.ID, now.Add(wait), sendErr.Error()); err == nil {
			w.Logger.WarnContext(ctx, "mail not sent; will retry", "id", job.ID, "kind", job.Kind, "attempt", job.Attempts, "retry_in", wait.String(), "err", sendErr)
		}
	}
	if err != nil && ctx.Err() == nil {
		w.Logger.ErrorContext(ctx, "mail outbox: update", "id", job.ID, "err", err, "send_err", sendErr)
	}
	return true
}

func (w *Worker) handle(ctx context.Context, job store.MailJob) error {
	m, err := w.Compose(ctx, job)
	if err != nil || m == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := w.Sender.Send(ctx, *m); err != nil {
		return err
	}
	w.Logger.InfoContext(ctx, "mail sent", "id", job.ID, "kind", job.Kind)
	return nil
}

// backoff is the wait before attempt n+1: 10 s doubling, at most an hour.
func backoff(attempt int) time.Duration {
	d := 10 * time.Second
	for range attempt - 1 {
		if d *= 2; d >= time.Hour {
			return time.Hour
		}
	}
	return d
}
