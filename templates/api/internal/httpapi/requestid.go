package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/netip"
)

// requestIDKey is the context key of a request's id.
type requestIDKey struct{}

// requestIDs gives every request an id, in the X-Request-Id header of its
// response and on every line the API logs while serving it, so that a
// user's report, the proxy's log and the API's log can be matched. A
// trusted proxy's id (TRUSTED_PROXIES) is kept, so that one id follows the
// request through both; anyone else's is replaced, since a client could
// otherwise write whatever it likes into the log.
func (s *Server) requestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) || !s.fromTrustedProxy(r) {
			id = rand.Text()
		}
		w.Header().Set("X-Request-Id", id)
		serveCopy(next, w, r, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// fromTrustedProxy reports whether r's TCP peer is a proxy of
// TRUSTED_PROXIES.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.trusted(peer.Addr().Unmap())
}

// validRequestID accepts the ids proxies make (UUIDs, hex, base32 or
// base64url), up to 64 characters: nothing that could break a log line.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// withRequestID is a slog.Handler that adds the request's id to every
// record logged with the request's context.
type withRequestID struct {
	slog.Handler
}

func (h withRequestID) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h withRequestID) WithAttrs(attrs []slog.Attr) slog.Handler {
	return withRequestID{h.Handler.WithAttrs(attrs)}
}

func (h withRequestID) WithGroup(name string) slog.Handler {
	return withRequestID{h.Handler.WithGroup(name)}
}
