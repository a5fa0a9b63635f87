package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scaffoldhq/scaffold/internal/prompt"
)

// Exit codes.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitCancelled = 130
)

// usageError is a mistake in the command line or the answers: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errCancelled is returned when the user interrupts: exit 130.
var errCancelled = errors.New("cancelled; nothing was written")

// Execute runs scaffold with args and returns the exit code. Errors are
// printed here, once.
func Execute(b build, args []string, ios *IOStreams) int {
	return execute(newRootCmd(b, ios), args, ios)
}

// execute runs the command tree root; tests pass one with replaced commands.
func execute(root *cobra.Command, args []string, ios *IOStreams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if code == exitCancelled {
		err = errCancelled
	}
	fmt.Fprintf(ios.ErrOut, "scaffold: %v\n", err)
	if code == exitUsage && !strings.Contains(err.Error(), "--help") {
		fmt.Fprintln(ios.ErrOut, "Run 'scaffold --help' for usage.")
	}
	return code
}

// exitCode maps an error to the process's exit code.
func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, prompt.ErrCancelled), errors.Is(err, errCancelled):
		return exitCancelled
	case errors.As(err, &ue):
		return exitUsage
	}
	return exitFailure
}

func newRootCmd(b build, ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "scaffold",
		Short: "Generate a Go API + Next.js app with authentication wired right",
		Long: `scaffold generates a full-stack starter: a Go HTTP API and a Next.js web app
with session, JWT or hybrid authentication. CORS, CSRF, cookie attributes and
fetch credentials are wired consistently for the way you deploy them.`,
		Args:          usageArgs(cobra.NoArgs),
		SilenceErrors: true,
		SilenceUsage:  true,
		// A bare "scaffold" prints the help.
		Run: func(cmd *cobra.Command, _ []string) { cmd.Help() },
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.DisableDefaultCmd = true

	root.AddCommand(
		newNewCmd(ios, b, nil),
		newUpdateCmd(ios, b, nil),
		newDoctorCmd(ios, b, nil),
		newVersionCmd(ios, b),
		newCompletionCmd(ios),
	)
	return root
}

// usageArgs marks the errors of an argument check as usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
