// Package hybridsameoriginsqlite checks the generated API of the hybrid-same-origin-sqlite project.
package hybridsameoriginsqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-same-origin-sqlite") }
