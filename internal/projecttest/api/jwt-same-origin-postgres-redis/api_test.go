// Package jwtsameoriginpostgresredis checks the generated API of the jwt-same-origin-postgres-redis project.
package jwtsameoriginpostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-origin-postgres-redis") }
