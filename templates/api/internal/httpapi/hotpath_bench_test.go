package httpapi

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkHotPath puts the request every page of the web app makes, an
// authenticated GET /api/auth/me through the whole API (every middleware,
// scaffold:line // the request log, the {{if .BrowserSessions}}session{{else}}access token{{end}} check{{if .Redis}}, Redis{{end}}, the user), side by side
// the request log, the session check, Redis, the user), side by side
// with a bare net/http handler that writes a constant, both served over
// keep-alive connections on loopback to 32 clients at once. It reports the
// scaffold:if and .Postgres (not .Redis)
// ~// requests per second of each and their ratio, me/bare: about 0.15 here,
// ~// since every request asks PostgreSQL twice (see README.md, "Performance").
// ~// Run it with
// scaffold:else
// requests per second of each and their ratio, me/bare: the API aims at
// 0.5 or more (see README.md, "Performance"). Run it with
// scaffold:end
//
//	go test -run '^$' -bench HotPath ./internal/httpapi
//
// scaffold:if .Redis
// It runs on the tests' PostgreSQL and Redis.
// scaffold:else if .Postgres
// ~// It runs on the tests' PostgreSQL.
// scaffold:end
// The load generator runs in the same process, as wrk would on the same
// machine: compare the ratio, not the figures, across machines.
func BenchmarkHotPath(b *testing.B) {
	e := newTestEnv(b, nil, withLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	c, _ := e.signedIn()
	// scaffold:if .Redis
	waitFor(b, "the cache bus to subscribe", e.bus.Listening)
	// scaffold:end
	var cookies []string
	for name, value := range c.cookies {
		cookies = append(cookies, name+"="+value)
	}
	me := httptest.NewServer(e.h)
	defer me.Close()
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"user":{"id":1,"email":"a@example.com","email_verified":true}}`+"\n")
	}))
	defer bare.Close()

	b.ResetTimer()
	bareTime := hammer(b, bare.Listener.Addr().String(), "/", "", b.N)
	meTime := hammer(b, me.Listener.Addr().String(), "/api/auth/me", "Cookie: "+strings.Join(cookies, "; ")+"\r\n", b.N)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/bareTime.Seconds(), "bare-req/s")
	b.ReportMetric(float64(b.N)/meTime.Seconds(), "me-req/s")
	b.ReportMetric(bareTime.Seconds()/meTime.Seconds(), "me/bare")
}

// hammer sends n GET requests for path to addr over 32 keep-alive
// connections at once, each expecting 200, and returns how long they took.
func hammer(b *testing.B, addr, path, header string, n int) time.Duration {
	const conns = 32
	request := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\n" + header + "\r\n")
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			rd := bufio.NewReader(conn)
			for sent.Add(1) <= int64(n) {
				if _, err := conn.Write(request); err != nil {
					errs <- err
					return
				}
				resp, err := http.ReadResponse(rd, nil)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return took
}
