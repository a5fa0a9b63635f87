// Package hybridcrosssitesqlite checks the generated API of the hybrid-cross-site-sqlite project.
package hybridcrosssitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-cross-site-sqlite") }
