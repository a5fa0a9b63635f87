// Package sessionsameoriginpostgres checks the generated API of the session-same-origin-postgres project.
package sessionsameoriginpostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-same-origin-postgres") }
