package scaffold_test

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// TestMakeDevRefusesATakenPort runs a project's make dev while port 3000
// is taken: it must stop at once and say which port and why, rather than
// start a web app at an origin the API refuses.
func TestMakeDevRefusesATakenPort(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: apt-get install -y make")
	}
	// Taken by this test, or already by something else: either way, taken.
	if l, err := net.Listen("tcp", "127.0.0.1:3000"); err == nil {
		defer l.Close()
	}
	a := project.Answers{Name: "myapp", Module: "myapp", Auth: project.AuthSession, Topology: project.SameOrigin, DB: project.SQLite, Redis: project.No}
	dir := projecttest.Generate(t, a)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "dev")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("make dev with port 3000 taken: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "make dev: port 3000 is taken") || !strings.Contains(string(out), "APP_ORIGINS") {
		t.Errorf("make dev does not say which port is taken and why:\n%s", out)
	}
}
