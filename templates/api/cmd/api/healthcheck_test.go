package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDialAddr(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "[::1]:8080",
		"127.0.0.1:9000": "127.0.0.1:9000",
		"api:8080":       "api:8080",
	} {
		if got := dialAddr(addr); got != want {
			t.Errorf("dialAddr(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestHealthcheck runs the probe the way the container does, against an
// API that is healthy, one whose database is down, and none at all.
func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer api.Close()
	addr := api.Listener.Addr().String()

	var stderr strings.Builder
	if code := healthcheck(env(map[string]string{"ADDR": addr}), &stderr); code != 0 {
		t.Errorf("healthy API: exit %d, want 0 (%s)", code, stderr.String())
	}

	status = http.StatusServiceUnavailable
	stderr.Reset()
	if code := healthcheck(env(map[string]string{"ADDR": addr}), &stderr); code != 1 || !strings.Contains(stderr.String(), "503") {
		t.Errorf("database down: exit %d, stderr %q; want 1 and the status", code, stderr.String())
	}

	// A port nobody listens on any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	stderr.Reset()
	if code := healthcheck(env(map[string]string{"ADDR": closed}), &stderr); code != 1 || !strings.Contains(stderr.String(), closed) {
		t.Errorf("no API: exit %d, stderr %q; want 1 and the address", code, stderr.String())
	}

	stderr.Reset()
	if code := healthcheck(env(map[string]string{"APP_ENV": "staging"}), &stderr); code != 1 || !strings.Contains(stderr.String(), "APP_ENV") {
		t.Errorf("bad configuration: exit %d, stderr %q; want 1 naming APP_ENV", code, stderr.String())
	}
}
