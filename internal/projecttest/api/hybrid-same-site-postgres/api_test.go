// Package hybridsamesitepostgres checks the generated API of the hybrid-same-site-postgres project.
package hybridsamesitepostgres_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-same-site-postgres") }
