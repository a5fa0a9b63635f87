// Package jwtsamesitesqlite checks the generated API of the jwt-same-site-sqlite project.
package jwtsamesitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-same-site-sqlite") }
