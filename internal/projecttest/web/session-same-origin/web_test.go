// Package sessionsameorigin checks the generated web app of the session, same-origin projects.
package sessionsameorigin_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedWeb(t *testing.T) { projecttest.CheckWeb(t, project.AuthSession, project.SameOrigin) }
