//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// logLines is how many lines of a server's log a failure prints.
const logLines = 50

// server is a long-running process of a test (the API, the web server): its
// own process group, its output in a log file and in memory, stopped when
// the test that started it ends, pass or fail.
type server struct {
	name    string
	logPath string

	cmd  *exec.Cmd
	log  *lineLog
	done chan struct{} // closed when the process has exited
	err  error         // the exit status, once done is closed
}

// startServer starts bin with args in dir, with the environment of the test
// plus env, and logs everything it writes to logPath.
func startServer(t testing.TB, name, dir, logPath string, env []string, bin string, args ...string) *server {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{name: name, logPath: logPath, log: &lineLog{file: f}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	// A process group of its own, so that stopping it also stops anything it
	// started; and killed with the test binary if that dies first (a panic
	// or go test's -timeout skip the cleanups).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop()
		f.Close()
	})
	return s
}

// stop asks the process group to end (SIGTERM: both servers shut down
// gracefully), kills it after a grace period, and kills whatever of the group
// is left either way.
func (s *server) stop() {
	pgid := s.cmd.Process.Pid
	select {
	case <-s.done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-s.done
}

// exited reports whether the process has ended, and how.
func (s *server) exited() (bool, error) {
	select {
	case <-s.done:
		return true, s.err
	default:
		return false, nil
	}
}

// tail returns the last n lines the server wrote.
func (s *server) tail(n int) string { return s.log.tail(n) }

// report is what a failure prints about the server: the end of its log and
// where the whole log is.
func (s *server) report() string {
	return fmt.Sprintf("--- last %d lines of the %s log (%s):\n%s", logLines, s.name, s.logPath, s.tail(logLines))
}

// waitReady polls url until it answers 200, the server exits, or the
// deadline passes.
func (s *server) waitReady(t testing.TB, url string, timeout time.Duration) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(timeout)
	client := &http.Client{Timeout: 5 * time.Second}
	var last string
	for {
		if done, err := s.exited(); done {
			t.Fatalf("%s exited before it was ready (%v)\n%s", s.name, err, s.report())
		}
		resp, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("%s ready at %s after %s", s.name, url, time.Since(start).Round(10*time.Millisecond))
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready at %s after %s (last answer: %s)\n%s", s.name, url, timeout, last, s.report())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// lineLog writes to a file and keeps the last lines in memory.
type lineLog struct {
	mu      sync.Mutex
	file    *os.File
	partial []byte
	lines   []string
}

const keptLines = 500

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file.Write(p)
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if len(l.lines) > 2*keptLines {
		l.lines = append([]string(nil), l.lines[len(l.lines)-keptLines:]...)
	}
	return len(p), nil
}

func (l *lineLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := l.lines
	if len(l.partial) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(l.partial))
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return "(empty)"
	}
	return strings.Join(lines, "\n")
}

// freePort returns a TCP port nobody listens on at the moment, on every
// loopback address the test uses.
func freePort(t testing.TB) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		// A server may listen on every interface: make sure ::1 is free too.
		if ln6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port)); err == nil {
			ln6.Close()
			return port
		} else if errors.Is(err, syscall.EADDRNOTAVAIL) || strings.Contains(err.Error(), "cannot assign") {
			return port // no IPv6 here
		}
	}
	t.Fatal("no free port found")
	return 0
}

// runCommand runs a command to completion with the test's environment plus
// env and returns its combined output and error, without failing the test:
// some runs are expected to fail.
func runCommand(ctx context.Context, dir string, env []string, logPath string, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	var w io.Writer = &out
	if logPath != "" {
		if f, err := os.Create(logPath); err == nil {
			defer f.Close()
			w = io.MultiWriter(&out, f)
		}
	}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	// Whatever the browser left behind goes with the group.
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return out.String(), err
}

// lastLines keeps the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines cut)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
