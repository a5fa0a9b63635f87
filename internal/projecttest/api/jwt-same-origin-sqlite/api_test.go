// Package jwtsameoriginsqlite checks the generated API of the jwt-same-origin-sqlite project.
package jwtsameoriginsqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-origin-sqlite") }
