// Package hybridcrosssite checks the generated APIs of the hybrid, cross-site
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package hybridcrosssite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthHybrid, project.CrossSite) }
