// Package jwtcrosssite checks the generated web app of the jwt, cross-site projects.
package jwtcrosssite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedWeb(t *testing.T) { projecttest.CheckWeb(t, project.AuthJWT, project.CrossSite) }
