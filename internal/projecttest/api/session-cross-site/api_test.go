// Package sessioncrosssite checks the generated APIs of the session, cross-site
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package sessioncrosssite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthSession, project.CrossSite) }
