//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
)

// startMailServer runs the generated project's test mail server
// (web/e2e/mail-server.mjs, on a free port) until the test ends, and returns
// its SMTP URL and the directory where it writes what it receives.
func startMailServer(t testing.TB, web, logDir string) (smtpURL, mailDir string) {
	t.Helper()
	port := freePort(t)
	mailDir = t.TempDir()
	srv := startServer(t, "mail", web, filepath.Join(logDir, "mail.log"),
		[]string{"MAIL_DIR=" + mailDir, fmt.Sprintf("MAIL_SMTP_PORT=%d", port)}, "node", "e2e/mail-server.mjs")
	waitTCP(t, srv, fmt.Sprintf("127.0.0.1:%d", port))
	return fmt.Sprintf("smtp://127.0.0.1:%d", port), mailDir
}

// waitTCP waits until addr accepts connections or srv exits.
func waitTCP(t testing.TB, srv *server, addr string) {
	t.Helper()
	deadline := time.Now().Add(serverReadyDeadline)
	for {
		if done, err := srv.exited(); done {
			t.Fatalf("%s exited before it listened (%v)\n%s", srv.name, err, srv.report())
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s\n%s", srv.name, addr, srv.report())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestMailSurvivesKill: a mail queued while the SMTP server is down, by an
// API that is then killed with SIGKILL, is sent by the API that starts
// next, once the server is back.
func TestMailSurvivesKill(t *testing.T) {
	a := project.Answers{Name: "myapp", Module: "example.com/myapp", Auth: project.AuthSession, Topology: project.SameOrigin, DB: project.SQLite}
	dir := projecttest.Generate(t, a)
	bin := buildAPI(t, filepath.Join(dir, "api"))
	web := filepath.Join(dir, "web")
	projecttest.InstallNodeModules(t, web)
	logs := t.TempDir()

	smtpPort, apiPort := freePort(t), freePort(t)
	env := []string{
		"APP_ENV=production",
		fmt.Sprintf("ADDR=127.0.0.1:%d", apiPort),
		"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "app.db"),
		"APP_ORIGINS=http://localhost:3000",
		fmt.Sprintf("SMTP_URL=smtp://127.0.0.1:%d", smtpPort), // nothing listens yet
		"MAIL_FROM=myapp <no-reply@example.com>",
	}
	api := startServer(t, "API", filepath.Dir(bin), filepath.Join(logs, "api-1.log"), env, bin)
	base := fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	api.waitReady(t, base+"/healthz", serverReadyDeadline)

	email := fmt.Sprintf("kill-%d@example.com", time.Now().UnixNano())
	req, _ := http.NewRequestWithContext(context.Background(), "POST", base+"/api/auth/register",
		strings.NewReader(`{"email":"`+email+`","password":"correct horse battery staple"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d\n%s", resp.StatusCode, api.report())
	}
	// The worker tries, fails (nothing listens), schedules a retry.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(api.tail(50), "will retry") {
		if time.Now().After(deadline) {
			t.Fatalf("the API did not try to send the mail\n%s", api.report())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(api.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-api.done

	mailDir := t.TempDir()
	mail := startServer(t, "mail", web, filepath.Join(logs, "mail.log"),
		[]string{"MAIL_DIR=" + mailDir, fmt.Sprintf("MAIL_SMTP_PORT=%d", smtpPort)}, "node", "e2e/mail-server.mjs")
	waitTCP(t, mail, fmt.Sprintf("127.0.0.1:%d", smtpPort))
	api = startServer(t, "API", filepath.Dir(bin), filepath.Join(logs, "api-2.log"), env, bin)
	api.waitReady(t, base+"/healthz", serverReadyDeadline)

	deadline = time.Now().Add(90 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(email)) && bytes.Contains(b, []byte("/verify-email?token=")) {
				t.Logf("the verification mail arrived after the restart: %s", filepath.Base(f))
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mail queued before the kill was not sent after the restart\n%s\n%s", api.report(), mail.report())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
