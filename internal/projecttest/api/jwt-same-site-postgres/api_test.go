// Package jwtsamesitepostgres checks the generated API of the jwt-same-site-postgres project.
package jwtsamesitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-site-postgres") }
