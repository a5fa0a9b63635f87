// Package jwtcrosssitepostgresredis checks the generated API of the jwt-cross-site-postgres-redis project.
package jwtcrosssitepostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-cross-site-postgres-redis") }
