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

// Question is one question. With Confirm it is a yes/no question; with
// Choices a selection; otherwise free text. Validate, when set, checks a
// selection or a text (the prompt asks again with the reason). Value, or
// Confirm for a yes/no question, holds the default on entry and the answer
// on return.
type Question struct {
	Title       string
	Description string
	Choices     []project.Choice
	Validate    func(string) error
	Value       *string
	Confirm     *bool
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
	defaults := make([]string, len(questions))
	for i, q := range questions {
		switch {
		case q.Confirm != nil:
			groups = append(groups, huh.NewGroup(
				huh.NewConfirm().Title(h.title(q.Title, q.Description)).Description(q.Description).Affirmative("Yes").Negative("No").Value(q.Confirm),
			))
		case len(q.Choices) > 0:
			defaults[i] = *q.Value
			opts := make([]huh.Option[string], len(q.Choices))
			for i, c := range q.Choices {
				opts[i] = huh.NewOption(c.Title+": "+c.Help, c.Value)
			}
			sel := huh.NewSelect[string]().Title(h.title(q.Title, q.Description)).Description(q.Description).Options(opts...).Value(q.Value)
			if q.Validate != nil {
				sel = sel.Validate(q.Validate)
			}
			groups = append(groups, huh.NewGroup(sel))
		default:
			defaults[i] = *q.Value
			groups = append(groups, huh.NewGroup(h.input(q)))
		}
	}
	form := huh.NewForm(groups...).WithAccessible(h.Accessible).WithInput(h.In).WithOutput(h.Out)
	// The accessible prompt blocks reading a line and does not watch ctx:
	// wait for either, so Ctrl-C cancels at once in both modes.
	done := make(chan error, 1)
	go func() { done <- form.RunWithContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if errors.Is(err, huh.ErrUserAborted) || errors.Is(err, context.Canceled) {
		return ErrCancelled
	}
	if err != nil {
		return err
	}
	// An empty answer to a question with a default takes the default (the
	// accessible prompt reads a bare line, without the pre-filled value).
	for i, q := range questions {
		if q.Value != nil && *q.Value == "" && defaults[i] != "" {
			*q.Value = defaults[i]
		}
	}
	return nil
}

// title is the question's title. The accessible prompt prints titles only,
// so there it carries the description too, on the same line (huh pads a
// title of several lines with spaces).
func (h Huh) title(title, description string) string {
	if h.Accessible && description != "" {
		return title + " (" + description + ")"
	}
	return title
}

// input is a free-text question. The interactive widget shows the default
// pre-filled; the accessible prompt names it in the title instead, and an
// empty line takes it.
func (h Huh) input(q Question) *huh.Input {
	def := *q.Value
	title := h.title(q.Title, q.Description)
	if h.Accessible && def != "" {
		title += " [" + def + "]"
	}
	in := huh.NewInput().Title(title).Description(q.Description).Value(q.Value).Placeholder(def)
	if q.Validate != nil {
		in = in.Validate(func(s string) error {
			if s == "" && def != "" {
				s = def
			}
			return q.Validate(s)
		})
	}
	return in
}
