// Package prompt asks the user the questions that flags and answers files
// left open, behind an interface so that tests never need a terminal.
package prompt

import (
	"context"
	"errors"
	"io"

	"github.com/charmbracelet/huh"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// ErrCancelled is returned when the user quits a prompt (Ctrl-C, Esc).
var ErrCancelled = errors.New("cancelled")

// Question is one question. With Choices it is a selection, otherwise free
// text checked by Validate. Value holds the default on entry and the answer
// on return.
type Question struct {
	Title       string
	Description string
	Choices     []project.Choice
	Validate    func(string) error
	Value       *string
}

// Prompter asks questions.
type Prompter interface {
	Ask(ctx context.Context, questions []Question) error
}

// Huh asks on a terminal with charmbracelet/huh, one question at a time.
type Huh struct {
	In  io.Reader
	Out io.Writer
	// Accessible replaces the interactive widgets by plain numbered prompts
	// for screen readers (ACCESSIBLE=1).
	Accessible bool
}

// Ask implements Prompter.
func (h Huh) Ask(ctx context.Context, questions []Question) error {
	var groups []*huh.Group
	for _, q := range questions {
		if len(q.Choices) > 0 {
			opts := make([]huh.Option[string], len(q.Choices))
			for i, c := range q.Choices {
				opts[i] = huh.NewOption(c.Title+": "+c.Help, c.Value)
			}
			groups = append(groups, huh.NewGroup(
				huh.NewSelect[string]().Title(q.Title).Description(q.Description).Options(opts...).Value(q.Value),
			))
			continue
		}
		in := huh.NewInput().Title(q.Title).Description(q.Description).Value(q.Value)
		if q.Validate != nil {
			in = in.Validate(q.Validate)
		}
		groups = append(groups, huh.NewGroup(in))
	}
	form := huh.NewForm(groups...).WithAccessible(h.Accessible).WithInput(h.In).WithOutput(h.Out)
	err := form.RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) || errors.Is(err, context.Canceled) {
		return ErrCancelled
	}
	return err
}
