// scaffold:file .Redis
// Package redistest gives tests a Redis of their own: the server at
// TEST_REDIS_URL, under a key prefix no other test uses, emptied when the
// test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
)

// Client returns a client of TEST_REDIS_URL and a key prefix of the test's
// own, whose keys are deleted when the test ends. Without TEST_REDIS_URL the
// test is skipped.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		t.Skip("TEST_REDIS_URL is not set, such as redis://127.0.0.1:6379/0")
	}
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
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	return client, prefix
}
