// Package sessionsamesite checks the generated web app of the session, same-site projects.
package sessionsamesite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedWeb(t *testing.T) { projecttest.CheckWeb(t, project.AuthSession, project.SameSite) }
