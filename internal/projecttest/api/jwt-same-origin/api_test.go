// Package jwtsameorigin checks the generated APIs of the jwt, same-origin
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package jwtsameorigin_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthJWT, project.SameOrigin) }
