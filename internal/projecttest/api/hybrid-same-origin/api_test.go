// Package hybridsameorigin checks the generated APIs of the hybrid, same-origin
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package hybridsameorigin_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthHybrid, project.SameOrigin) }
