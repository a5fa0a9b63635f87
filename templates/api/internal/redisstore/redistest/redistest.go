// scaffold:file .Redis
// Package redistest gives tests a Redis of their own: a key prefix no other
// test uses, emptied when the test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
)

// URL returns the Redis the tests use: TEST_REDIS_URL or else the API's own
// (REDIS_URL or its default). Tests touch only keys under prefixes of their
// own. `go test -short` skips the tests that need Redis.
func URL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test that needs Redis")
	}
	if url := os.Getenv("TEST_REDIS_URL"); url != "" {
		return url
	}
	cfg, err := config.Load(func(k string) string {
		if k == "REDIS_URL" {
			return os.Getenv(k)
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg.RedisURL
}

// Client returns a client of URL and a key prefix of the test's own, whose
// keys are deleted when the test ends. A Redis that does not answer fails
// the test and says how to start one.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := URL(t)
	client, err := redisstore.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "test:" + strings.ToLower(rand.Text()) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up %s*: %v", prefix, err)
		}
		client.Close()
	})
	if err := redisstore.Ping(context.Background(), client); err != nil {
		t.Fatalf("no Redis for the tests (%v): `make redis` starts one, or set TEST_REDIS_URL to a server that runs; `go test -short` skips the tests that need it", err)
	}
	return client, prefix
}
