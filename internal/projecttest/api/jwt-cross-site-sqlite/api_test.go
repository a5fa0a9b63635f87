// Package jwtcrosssitesqlite checks the generated API of the jwt-cross-site-sqlite project.
package jwtcrosssitesqlite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedAPI(t *testing.T) { projecttest.CheckAPI(t, "jwt-cross-site-sqlite") }
