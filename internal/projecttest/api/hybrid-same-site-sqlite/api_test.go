// Package hybridsamesitesqlite checks the generated API of the hybrid-same-site-sqlite project.
package hybridsamesitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "hybrid-same-site-sqlite") }
