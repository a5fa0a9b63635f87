// Package sessionsamesitesqlite checks the generated API of the session-same-site-sqlite project.
package sessionsamesitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "session-same-site-sqlite") }
