// Package sessionsamesitepostgresredis checks the generated API of the session-same-site-postgres-redis project.
package sessionsamesitepostgresredis_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-same-site-postgres-redis") }
