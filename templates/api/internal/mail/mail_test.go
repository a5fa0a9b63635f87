package mail

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestLogRedacts: in production the log transport prints no token; in
// development it prints the whole link, ready to click.
func TestLogRedacts(t *testing.T) {
	const token = "Zm9vYmFyLXNlY3JldC10b2tlbg"
	m := Message{To: "a@example.com", Subject: "Reset your password", Link: "https://app.example.com/reset-password?token=" + token}
	for _, redact := range []bool{false, true} {
		var buf bytes.Buffer
		l := Log{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Redact: redact}
		if err := l.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if got := strings.Contains(out, token); got == redact {
			t.Errorf("Redact %v: token in the log = %v:\n%s", redact, got, out)
		}
		if !strings.Contains(out, "https://app.example.com/reset-password") || !strings.Contains(out, "a@example.com") {
			t.Errorf("Redact %v: the log does not say which mail:\n%s", redact, out)
		}
	}
	for link, want := range map[string]string{
		"https://app.example.com/verify-email?token=x":  "https://app.example.com/verify-email?[redacted]",
		"https://app.example.com/reset#token=x":         "https://app.example.com/reset?[redacted]",
		"https://user:secret@app.example.com/reset?t=x": "https://app.example.com/reset?[redacted]",
		"https://app.example.com/settings":              "https://app.example.com/settings",
		"%zz":                                           "[redacted]",
	} {
		if got := redact(link); got != want {
			t.Errorf("redact(%q) = %q, want %q", link, got, want)
		}
	}
}
