package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// build identifies this binary.
type build struct {
	Version, Commit, Date string
}

// currentBuild is what goreleaser stamped, or, for `go install …@vX`, the
// module version and VCS data Go recorded.
func currentBuild() build {
	b := build{Version: version, Commit: commit, Date: date}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "none":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "unknown":
			b.Date = s.Value
		}
	}
	return b
}

func newVersionCmd(ios *IOStreams, b build) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(ios.Out, "scaffold %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date)
			return err
		},
	}
}
