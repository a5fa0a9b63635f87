// Package sessioncrosssitepostgresredis checks the generated API of the session-cross-site-postgres-redis project.
package sessioncrosssitepostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-cross-site-postgres-redis") }
