// Package hybridsameoriginpostgres checks the generated API of the hybrid-same-origin-postgres project.
package hybridsameoriginpostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-same-origin-postgres") }
