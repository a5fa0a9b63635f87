// Package jwtsameoriginpostgres checks the generated API of the jwt-same-origin-postgres project.
package jwtsameoriginpostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-origin-postgres") }
