// scaffold:file .CORS
package httpapi

import (
	"log/slog"
	"net/http"
	"sync"
)

// cors lets the web app, and only it, call this API from another origin
// with credentials (cookies). The allow-list is exact: an origin is either
// in APP_ORIGINS, character for character, or gets no CORS header at all;
// that includes "null" and look-alikes such as
// https://app.example.com.evil.test. There is no wildcard, since browsers
// refuse "*" with credentials anyway.
//
// A preflight from an origin it refuses is logged at WARN, once per
// origin: when the web app runs at an address APP_ORIGINS does not list
// (another port, a new domain), the browser only says "CORS" in its
// console, and the API's log is where its owner looks.
func cors(origins []string, log *slog.Logger, next http.Handler) http.Handler {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	refused := newOriginLog(log)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if !allowed[origin] {
			if preflight {
				refused.warn(r, origin)
				w.WriteHeader(http.StatusNoContent) // without CORS headers: the browser refuses
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "Retry-After")
		next.ServeHTTP(w, r)
	})
}

// originLog logs each refused origin once, for as many origins as a
// misconfigured web app could have: a scanner sending thousands of made-up
// origins gets no more lines than that.
type originLog struct {
	log  *slog.Logger
	mu   sync.Mutex
	seen map[string]bool
}

// originLogLimit is how many origins originLog names before it stops.
const originLogLimit = 32

func newOriginLog(log *slog.Logger) *originLog {
	return &originLog{log: log, seen: make(map[string]bool)}
}

func (l *originLog) warn(r *http.Request, origin string) {
	if origin == "null" || len(origin) > 200 {
		return // a sandboxed page, or not an address a web app can have
	}
	l.mu.Lock()
	first := !l.seen[origin] && len(l.seen) < originLogLimit
	if first {
		l.seen[origin] = true
	}
	l.mu.Unlock()
	if first {
		l.log.WarnContext(r.Context(), "a preflight from an origin not in APP_ORIGINS was refused: if the web app runs there, add the origin to APP_ORIGINS (logged once per origin)",
			"origin", origin, "path", r.URL.Path)
	}
}
