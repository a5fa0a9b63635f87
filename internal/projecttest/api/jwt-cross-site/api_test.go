// Package jwtcrosssite checks the generated APIs of the jwt, cross-site
// projects: SQLite, PostgreSQL, and PostgreSQL with Redis.
package jwtcrosssite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, project.AuthJWT, project.CrossSite) }
