// Package jwtsamesitepostgresredis checks the generated API of the jwt-same-site-postgres-redis project.
package jwtsamesitepostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-site-postgres-redis") }
