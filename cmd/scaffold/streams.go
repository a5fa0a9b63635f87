package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the command's input and outputs, injected so tests can run
// every command without a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Interactive is true when both stdin and stdout are terminals: only then
	// are questions asked.
	Interactive bool
	// Getenv reads the environment (ACCESSIBLE).
	Getenv func(string) string
}

// SystemStreams are the process's standard streams.
func SystemStreams() *IOStreams {
	return &IOStreams{
		In:          os.Stdin,
		Out:         os.Stdout,
		ErrOut:      os.Stderr,
		Interactive: term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())),
		Getenv:      os.Getenv,
	}
}
