// Package hybridcrosssitepostgresredis checks the generated API of the hybrid-cross-site-postgres-redis project.
package hybridcrosssitepostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-cross-site-postgres-redis") }
