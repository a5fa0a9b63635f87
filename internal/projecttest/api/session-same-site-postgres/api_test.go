// Package sessionsamesitepostgres checks the generated API of the session-same-site-postgres project.
package sessionsamesitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-same-site-postgres") }
