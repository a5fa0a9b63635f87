package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

// refusingSender fails every send, as an SMTP server that is down does;
// during, if set, runs first.
type refusingSender struct{ during func() }

func (s refusingSender) Send(context.Context, Message) error {
	if s.during != nil {
		s.during()
	}
	return errors.New("dial tcp 127.0.0.1:25: connection refused")
}

// TestRetryIsLoggedOnceRecorded: the log says a mail will be retried only
// after the outbox has recorded when, so it never promises a retry that a
// crash in between made wrong (the job then waits for its lease). When the
// record fails, here because the database went away during the send, the
// log says that instead, with the send's error.
func TestRetryIsLoggedOnceRecorded(t *testing.T) {
	for name, lost := range map[string]bool{"recorded": false, "database lost": true} {
		t.Run(name, func(t *testing.T) {
			st := storetest.Open(t)
			ctx := context.Background()
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			if err := st.EnqueueMail(ctx, store.MailPasswordReset, 0, "a@example.com", now); err != nil {
				t.Fatal(err)
			}
			sender := refusingSender{}
			if lost {
				sender.during = func() { st.Close() }
			}
			compose := func(context.Context, store.MailJob) (*Message, error) {
				return &Message{To: "a@example.com", Subject: "Reset your password"}, nil
			}
			var logs bytes.Buffer
			w := NewWorker(st, sender, compose, slog.New(slog.NewJSONHandler(&logs, nil)), time.Minute)
			w.Now = func() time.Time { return now }

			if !w.RunOnce(ctx) {
				t.Fatal("the queued mail was not tried")
			}
			out := logs.String()
			if promised := strings.Contains(out, "will retry"); promised == lost {
				t.Errorf("a retry logged: %v, want %v:\n%s", promised, !lost, out)
			}
			if lost {
				if !strings.Contains(out, "mail outbox: update") || !strings.Contains(out, "connection refused") {
					t.Errorf("the failed record is not logged with the send's error:\n%s", out)
				}
				return
			}
			// Recorded: due again after the backoff, not before.
			retry := now.Add(backoff(1))
			if _, ok, err := st.ClaimMail(ctx, retry.Add(-time.Second), time.Minute); err != nil || ok {
				t.Fatalf("claimed %v (%v) before the retry time", ok, err)
			}
			if _, ok, err := st.ClaimMail(ctx, retry, time.Minute); err != nil || !ok {
				t.Fatalf("not due %v (%v) at the retry time", ok, err)
			}
		})
	}
}
