// Package sessionsameoriginsqlite checks the generated API of the session-same-origin-sqlite project.
package sessionsameoriginsqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-same-origin-sqlite") }
