// Package jwtsameorigin checks the generated web app of the jwt, same-origin projects.
package jwtsameorigin_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedWeb(t *testing.T) { projecttest.CheckWeb(t, project.AuthJWT, project.SameOrigin) }
