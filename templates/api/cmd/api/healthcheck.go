package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
)

// healthcheckFlag turns the binary into a probe of the API it would run:
// the container image has no shell and no curl, so its health check is
// `api -healthcheck`.
var healthcheckFlag = flag.Bool("healthcheck", false,
	"ask the API at ADDR for GET /healthz and exit 0 if it answers 200, else 1 (for container health checks)")

// healthcheckTimeout is shorter than the health check's own timeout in
// deploy/compose.yaml, so that a hung API is reported, not just killed.
const healthcheckTimeout = 3 * time.Second

// healthcheck probes the API that this environment configures, which is the
// running API's environment when a container runs it, and returns the exit
// code.
func healthcheck(getenv func(string) string, stderr io.Writer) int {
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "api -healthcheck: invalid configuration: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), healthcheckTimeout)
	defer cancel()
	if err := probe(ctx, dialAddr(cfg.Addr)); err != nil {
		fmt.Fprintf(stderr, "api -healthcheck: %v\n", err)
		return 1
	}
	return 0
}

// dialAddr is where to reach an API that listens on addr: production
// listens on every interface (":8080"), and the probe runs next to it.
func dialAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// probe asks the API at addr for GET /healthz, which checks the database
// too, and returns an error unless it answers 200.
func probe(ctx context.Context, addr string) error {
	url := "http://" + addr + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
