// Package sessionsameorigin checks the generated APIs of the session, same-origin
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package sessionsameorigin_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthSession, project.SameOrigin) }
