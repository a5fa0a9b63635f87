// Package sessioncrosssitepostgres checks the generated API of the session-cross-site-postgres project.
package sessioncrosssitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-cross-site-postgres") }
