// Package hybridcrosssitepostgres checks the generated API of the hybrid-cross-site-postgres project.
package hybridcrosssitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-cross-site-postgres") }
