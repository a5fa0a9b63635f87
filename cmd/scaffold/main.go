package main

import "os"

// Set by goreleaser's ldflags; see version.go for the fallback.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	os.Exit(Execute(currentBuild(), os.Args[1:], SystemStreams()))
}
