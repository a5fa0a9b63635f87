// Package scaffold holds the template tree of the generated project: the
// files under templates/ mirror the project scaffold writes. The API under
// templates/api is reference code: packages of this module that build and
// test as they are, whose markers (see internal/render) say what differs
// between projects.
package scaffold

import (
	"embed"
	"io/fs"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// ReferenceModule is the import path of the reference API's packages,
// renamed to the project's module in the files written.
const ReferenceModule = "github.com/scaffoldhq/scaffold/templates/api"

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

// ReferenceAnswers are the answers whose project the reference API is:
// hybrid auth (so both browser sessions and bearer tokens), cross-site,
// PostgreSQL with Redis. Code only other answers need is in the reference
// as lines its build leaves out (see internal/render).
func ReferenceAnswers() project.Answers {
	return project.Answers{
		Name:     "myapp",
		Module:   ReferenceModule,
		Auth:     project.AuthHybrid,
		Topology: project.CrossSite,
		DB:       project.Postgres,
		Redis:    project.Yes,
	}
}

// RenderOptions are the options of render.Render for a project whose Go
// module is module.
func RenderOptions(module string) render.Options {
	return render.Options{
		Executable: Executable,
		Module:     render.ModuleRename{From: ReferenceModule, To: module},
	}
}
