package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
)

// securityHeaders sets the headers every response carries. no-store keeps
// auth responses (and user data) out of every cache; handlers that serve
// public data, like the JWKS, override it. In production, HSTS tells
// browsers to use https for this host for two years, so that no later
// request (and no cookie) ever goes out over plain http.
func securityHeaders(production bool, next http.Handler) http.Handler {
	headers := http.Header{}
	headers.Set("X-Content-Type-Options", "nosniff")
	headers.Set("Referrer-Policy", "no-referrer")
	headers.Set("X-Frame-Options", "DENY")
	headers.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	headers.Set("Cache-Control", "no-store")
	if production {
		headers.Set("Strict-Transport-Security", "max-age=63072000")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range headers {
			h[k] = v[:1:1] // shared, read-only: an Add copies it
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody answers 413 for a declared body over the limit and caps the
// body of every other request, so no handler can read more.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			errTooLarge.write(w)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// csrf refuses cross-origin state-changing requests from browsers with
// net/http's CrossOriginProtection (Sec-Fetch-Site, then Origin against
// Host), trusting the web app's origins (APP_ORIGINS).
func (s *Server) csrf(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, origin := range s.cfg.Origins {
		if err := cop.AddTrustedOrigin(origin); err != nil {
			panic(err) // config.ParseOrigins accepts only valid origins
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.securityEvent(r, "csrf_refused", slog.String("method", r.Method), slog.String("path", r.URL.Path))
		writeError(w, http.StatusForbidden, "csrf", "cross-origin request refused")
	}))
	protected := cop.Handler(next)
	// scaffold:if .BearerTokens
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A request carrying a valid access token in Authorization: Bearer
		// is authenticated by that alone: a browser never adds one on its
		// own, so there is nothing ambient to forge. Its cookies are
		// dropped, so the exemption cannot ride on a signed-in browser. Any
		// other Authorization (Basic, a token that does not verify) is
		// checked like a cookie request.
		if c, err := s.bearerCaller(r); err == nil {
			bearer := r.WithContext(withCaller(r.Context(), c))
			bearer.Header = r.Header.Clone()
			bearer.Header.Del("Cookie")
			serveCopy(next, w, r, bearer)
			return
		}
		protected.ServeHTTP(w, r)
	})
	// scaffold:else
	//~	return protected
	// scaffold:end
}

// logRequests logs one line per request: never headers, cookies, query
// strings or bodies, which may hold secrets.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", r.Pattern), slog.Int("status", rec.status), slog.Float64("ms", float64(time.Since(start).Microseconds())/1000))
	})
}

// serveCopy serves changed, a copy of r that a middleware made, and gives r
// the route that the ServeMux below chose for it (its Pattern), so that the
// layers above see it: the request log, and traces.
func serveCopy(next http.Handler, w http.ResponseWriter, r, changed *http.Request) {
	next.ServeHTTP(w, changed)
	r.Pattern = changed.Pattern
}

// securityEvent logs a security event of this request's (see
// account.SecurityEvent).
func (s *Server) securityEvent(r *http.Request, event string, attrs ...slog.Attr) {
	account.SecurityEvent(r.Context(), s.log, s.client(r).Addr, event, attrs...)
}

// recoverPanics turns a panicking handler into a 500 that says nothing.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal", "something went wrong; try again later")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
