//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// imageRuns are the projects whose images TestImages builds: between them,
// both variants of each Dockerfile (the API on SQLite, with its data
// volume, and on PostgreSQL; the web app without and with the public API
// URL as a build argument).
var imageRuns = []project.Answers{
	{Name: "myapp", Module: "example.com/myapp", Auth: project.AuthSession, Topology: project.SameOrigin, DB: project.SQLite},
	{Name: "myapp", Module: "example.com/myapp", Auth: project.AuthJWT, Topology: project.CrossSite, DB: project.Postgres},
}

// TestImages builds the API's and the web app's container images of
// generated projects with docker (when its daemon answers) or podman, and
// checks that both run as a non-root user. Where neither can pull the base
// images (a machine without access to their registries), it skips and says
// so: the generated CI workflow builds and starts the images instead.
func TestImages(t *testing.T) {
	builder := containerBuilder(t)
	dirs := make([]string, len(imageRuns))
	for i, a := range imageRuns {
		dirs[i] = projecttest.Generate(t, a)
		for _, side := range []string{"api", "web"} {
			pullBaseImages(t, builder, filepath.Join(dirs[i], side, "Dockerfile"))
		}
	}
	for i, a := range imageRuns {
		t.Run(a.Key(), func(t *testing.T) {
			p, err := project.Resolve(a, projecttest.Version)
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []string{"api", "web"} {
				var args []string
				if side == "web" && p.Deploy.PublicAPIURL != "" {
					args = []string{"--build-arg", "NEXT_PUBLIC_API_URL=" + p.Deploy.PublicAPIURL}
				}
				buildDir := filepath.Join(dirs[i], side)
				tag := fmt.Sprintf("localhost/scaffold-e2e-%s-%s:%d", a.Key(), side, os.Getpid())
				projecttest.Run(t, buildDir, nil, 15*time.Minute, builder, slices.Concat([]string{"build", "--tag", tag}, args, []string{buildDir})...)
				t.Cleanup(func() { runCommand(context.Background(), buildDir, nil, "", builder, "rmi", "--force", tag) })
				user := strings.TrimSpace(projecttest.Run(t, buildDir, nil, time.Minute, builder, "image", "inspect", "--format", "{{.Config.User}}", tag))
				if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
					t.Errorf("the %s image runs as %q: want a non-root user", side, user)
				}
			}
		})
	}
}

// containerBuilder returns docker when its daemon answers, else podman when
// it is installed, else skips the test.
func containerBuilder(t *testing.T) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := runCommand(ctx, ".", nil, "", "docker", "version", "--format", "{{.Server.Version}}")
	if err == nil {
		return "docker"
	}
	why := "docker: " + lastLine(out)
	if _, err := runCommand(ctx, ".", nil, "", "podman", "version"); err == nil {
		return "podman"
	}
	t.Skipf("image builds skipped: no container builder (%s; podman is not installed). The generated CI workflow builds and starts both images.", why)
	return ""
}

var fromLine = regexp.MustCompile(`(?m)^FROM\s+(\S+)`)

// lastLine is the last line of a command's output: with docker and podman,
// the error.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// pullBaseImages pulls the images a Dockerfile builds from, and skips the
// test, saying which image and why, when one cannot be pulled.
func pullBaseImages(t *testing.T, builder, dockerfile string) {
	t.Helper()
	b, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fromLine.FindAllStringSubmatch(string(b), -1) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err := runCommand(ctx, filepath.Dir(dockerfile), nil, "", builder, "pull", m[1])
		cancel()
		if err != nil {
			t.Skipf("image builds skipped: %s cannot pull %s (%s). The generated CI workflow builds and starts both images.",
				builder, m[1], lastLine(out))
		}
	}
}
