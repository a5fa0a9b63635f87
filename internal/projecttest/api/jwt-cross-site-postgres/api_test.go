// Package jwtcrosssitepostgres checks the generated API of the jwt-cross-site-postgres project.
package jwtcrosssitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-cross-site-postgres") }
