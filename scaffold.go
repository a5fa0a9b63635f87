// Package scaffold holds the template tree of the generated project: the
// files under templates/ mirror the project scaffold writes.
package scaffold

import (
	"embed"
	"io/fs"
)

//go:embed all:templates
var templateFS embed.FS

// Templates returns the project tree, rooted at templates/.
func Templates() fs.FS {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err) // unreachable: "templates" is a valid path embedded above
	}
	return sub
}

// Executable lists the generated files written with mode 0755.
var Executable = []string{}
