// scaffold:file .Redis
package redisstore

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Bus carries, between the instances of the API, what each must forget
// scaffold:line // from the copies it keeps in memory (users, sessions{{if .BearerTokens}}, revoked families{{end}}): an
// from the copies it keeps in memory (users, sessions, revoked families): an
// instance that changes something publishes it, and every instance forgets
// its copy when it hears it, well within a millisecond here.
//
// An instance that cannot hear the bus (Redis down or unreachable, or not
// subscribed yet) keeps nothing: each topic's cache is stopped until it is
// subscribed again, so a copy can never have missed a change. A change whose
// news could not be published fails (503), and the copies elsewhere expire
// within a minute even so.
type Bus struct {
	Client *redis.Client
	Prefix string
	Log    *slog.Logger

	mu        sync.Mutex
	topics    map[string]Topic
	listening atomic.Bool
}

// Listening reports whether the bus is subscribed: while it is, the
// caches keep what they read.
func (b *Bus) Listening() bool { return b.listening.Load() }

// Topic is one kind of news on a Bus.
type Topic struct {
	// Forget applies a message published on the topic.
	Forget func(message string)
	// Cache is what to stop while the bus cannot be heard.
	Cache interface {
		Stop()
		Start()
	}
}

func (b *Bus) channel() string { return b.Prefix + "forget" }

// Add registers a topic and stops its cache until Run has subscribed. Call
// it before Run.
func (b *Bus) Add(name string, t Topic) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.topics == nil {
		b.topics = make(map[string]Topic)
	}
	b.topics[name] = t
	t.Cache.Stop()
}

// Publish tells every instance, this one included, to forget message on
// topic. It is not cancelled with ctx: a change made must be told even if
// the client that asked for it has gone.
func (b *Bus) Publish(ctx context.Context, topic, message string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	return unavailable(b.Client.Publish(ctx, b.channel(), topic+" "+message).Err())
}

// Run listens until ctx ends.
func (b *Bus) Run(ctx context.Context) {
	for {
		ps := b.Client.Subscribe(ctx, b.channel())
		closeOnDone := context.AfterFunc(ctx, func() { ps.Close() }) // ends a waiting receive
		err := b.listen(ctx, ps)
		closeOnDone()
		ps.Close()
		// The caches stop before Listening says false: whoever sees it
		// false finds them stopped.
		b.each(func(t Topic) { t.Cache.Stop() })
		wasListening := b.listening.Swap(false)
		if ctx.Err() != nil {
			return
		}
		if wasListening {
			b.Log.Warn("lost the cache bus: every request reads the database and Redis until it is back", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// listen applies the messages of ps until it fails. A channel quiet for a
// while is checked with a PING, so that a Redis gone without closing the
// connection is noticed within two such whiles.
func (b *Bus) listen(ctx context.Context, ps *redis.PubSub) error {
	const quiet = 5 * time.Second
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, quiet)
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() && !pinged {
			if err := ps.Ping(ctx); err != nil {
				return err
			}
			pinged = true
			continue
		}
		if err != nil {
			return err
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.each(func(t Topic) { t.Cache.Start() }) // every change from now on will be heard
				if !b.listening.Swap(true) {
					b.Log.Info("listening on the cache bus", "channel", b.channel())
				}
			}
		case *redis.Message:
			name, message, _ := strings.Cut(m.Payload, " ")
			b.mu.Lock()
			t, ok := b.topics[name]
			b.mu.Unlock()
			if ok {
				t.Forget(message)
			}
		}
	}
}

func (b *Bus) each(fn func(Topic)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range b.topics {
		fn(t)
	}
}
