// scaffold:file .CORS
package httpapi

import (
	"log/slog"
	"net/http"
	"net/url"
)

// cors lets the web app, and only it, call this API from another origin
// with credentials (cookies). The allow-list is exact: an origin is either
// in APP_ORIGINS, character for character, or gets no CORS header at all;
// that includes "null" and look-alikes such as
// https://app.example.com.evil.test. There is no wildcard, since browsers
// refuse "*" with credentials anyway.
//
// A request from another origin is logged at WARN: when the web app runs
// at an address APP_ORIGINS does not list (another port, a new domain),
// the browser only says "CORS" in its console, and the API's log is where
// its owner looks.
func cors(origins []string, log *slog.Logger, next http.Handler) http.Handler {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if !allowed[origin] {
			if origin != "" && !sameHost(origin, r.Host) {
				log.WarnContext(r.Context(), "origin not in APP_ORIGINS: the browser will refuse this answer; if the web app runs there, add the origin to APP_ORIGINS",
					"origin", origin, "method", r.Method, "path", r.URL.Path)
			}
			if preflight {
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

// sameHost reports whether origin is of host, the Host of the request: a
// page of the API itself, not a web app.
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host == host
}
