package prompt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// lineReader gives one line per Read, as a terminal in canonical mode does:
// huh reads each question through a scanner of its own, which would swallow
// the following answers from a reader that returns everything at once.
type lineReader struct{ lines []string }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0])
	r.lines[0] = r.lines[0][n:]
	if r.lines[0] == "" {
		r.lines = r.lines[1:]
	}
	return n, nil
}

// The accessible mode reads plain lines, so the real huh form can be driven
// without a terminal.
func TestHuhAccessible(t *testing.T) {
	module, auth := "myapp", "session"
	questions := []Question{
		{Title: "Module", Validate: project.ValidateModule, Value: &module},
		{Title: "Auth", Choices: project.AuthChoices, Value: &auth},
	}
	var out bytes.Buffer
	// An empty line takes the default module; "3" picks hybrid.
	h := Huh{In: &lineReader{lines: []string{"\n", "3\n"}}, Out: &out, Accessible: true}
	if err := h.Ask(context.Background(), questions); err != nil {
		t.Fatalf("Ask: %v\n%s", err, out.String())
	}
	if module != "myapp" || auth != "hybrid" {
		t.Errorf("module %q, auth %q; want myapp, hybrid", module, auth)
	}
	for _, want := range []string{"Module [myapp]", "3. hybrid: session cookie for the browser"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("prompt lacks %q:\n%s", want, out.String())
		}
	}
}

func TestHuhAccessibleRetriesInvalidInput(t *testing.T) {
	module := ""
	var out bytes.Buffer
	h := Huh{In: &lineReader{lines: []string{"not a module\n", "github.com/acme/shop\n"}}, Out: &out, Accessible: true}
	err := h.Ask(context.Background(), []Question{{Title: "Module", Validate: project.ValidateModule, Value: &module}})
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	if module != "github.com/acme/shop" {
		t.Errorf("module = %q", module)
	}
	if !strings.Contains(out.String(), "not a valid Go import path") {
		t.Errorf("the reason was not shown:\n%s", out.String())
	}
}

func TestHuhCancelWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe() // nothing is ever typed
	defer w.Close()
	name := ""
	h := Huh{In: r, Out: io.Discard, Accessible: true}
	done := make(chan error, 1)
	go func() { done <- h.Ask(ctx, []Question{{Title: "Name", Value: &name}}) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("err = %v, want ErrCancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ask kept waiting for input after cancellation")
	}
}

// A yes/no question in accessible mode: the explanation is printed (the
// accessible prompt shows no descriptions of its own), an empty line takes
// the default and "y" says yes.
func TestHuhAccessibleConfirm(t *testing.T) {
	for _, tt := range []struct {
		line     string
		def      bool
		want     bool
		wantHint string
	}{
		{"\n", false, false, "[y/N]"},
		{"y\n", false, true, "[y/N]"},
		{"no\n", true, false, "[Y/n]"},
		{"maybe\n", false, true, "[y/N]"}, // asked again, then "yes" on the next line
	} {
		answer := tt.def
		var out bytes.Buffer
		h := Huh{In: &lineReader{lines: []string{tt.line, "yes\n"}}, Out: &out, Accessible: true}
		err := h.Ask(context.Background(), []Question{{
			Title:       "Redis for sessions and shared limits?",
			Description: "Shared by several API instances.",
			Confirm:     &answer,
		}})
		if err != nil {
			t.Fatalf("%q: Ask: %v", tt.line, err)
		}
		if answer != tt.want {
			t.Errorf("%q with default %v: answer %v, want %v\n%s", tt.line, tt.def, answer, tt.want, out.String())
		}
		for _, want := range []string{"Redis for sessions and shared limits?", "Shared by several API instances.", tt.wantHint} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q: prompt lacks %q:\n%s", tt.line, want, out.String())
			}
		}
	}
}

// A selection with Validate is asked again, with the reason, until the
// answer passes.
func TestHuhAccessibleSelectValidates(t *testing.T) {
	db := "postgres"
	var out bytes.Buffer
	h := Huh{In: &lineReader{lines: []string{"1\n", "2\n"}}, Out: &out, Accessible: true}
	err := h.Ask(context.Background(), []Question{{
		Title:   "Database",
		Choices: project.DBChoices,
		Value:   &db,
		Validate: func(v string) error {
			return project.Answers{DB: project.DB(v), Redis: project.Yes}.Validate()
		},
	}})
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	if db != "postgres" {
		t.Errorf("db = %q, want postgres", db)
	}
	if !strings.Contains(out.String(), "redis needs the postgres database") {
		t.Errorf("the reason was not shown:\n%s", out.String())
	}
}
