// Package hybridsamesite checks the generated web app of the hybrid, same-site projects.
package hybridsamesite_test

import (
	"testing"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

func TestGeneratedWeb(t *testing.T) { projecttest.CheckWeb(t, project.AuthHybrid, project.SameSite) }
