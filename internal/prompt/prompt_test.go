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
