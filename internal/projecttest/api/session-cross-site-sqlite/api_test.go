// Package sessioncrosssitesqlite checks the generated API of the session-cross-site-sqlite project.
package sessioncrosssitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-cross-site-sqlite") }
