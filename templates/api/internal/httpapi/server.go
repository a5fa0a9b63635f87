// Package httpapi is the API's HTTP layer: routes, handlers and the
// scaffold:line // middleware that applies the security rules (CSRF{{if .CORS}}, CORS{{end}}, cookies, body limit,
// middleware that applies the security rules (CSRF, CORS, cookies, body limit,
// rate limits) to every request.
package httpapi

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/oauth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// scaffold:if .BearerTokens

// tokenIssuer is the "iss" and "aud" of the access tokens this API issues.
// scaffold:line const tokenIssuer = "{{.Name}}"
const tokenIssuer = "myapp"

// scaffold:end

// maxLimiterKeys bounds the memory of each in-process limiter.
const maxLimiterKeys = 100_000

// Deps are what the server is built from.
type Deps struct {
	Config *config.Config
	Store  *store.Store
	Logger *slog.Logger
	Hasher account.PasswordHasher
	// scaffold:if .BearerTokens

	// SigningKey signs access tokens.
	SigningKey ed25519.PrivateKey
	// scaffold:end

	// NewLimiter makes the limiter of each limit, by name; nil keeps the
	// counts in this process's memory.
	NewLimiter func(name string, l ratelimit.Limit) ratelimit.Limiter

	// WakeMail tells the mail worker a mail was queued (nil: the worker
	// finds it at its next poll).
	WakeMail func()
	// scaffold:if .BrowserSessions

	// scaffold:if or .SQLite .Redis
	// Sessions keeps browser sessions; nil keeps them in Store, and in
	// this process's memory (see auth.CachedSessions).
	// scaffold:else
	//~	// Sessions keeps browser sessions; nil keeps them in Store.
	// scaffold:end
	Sessions auth.SessionStore
	// scaffold:end
	// scaffold:if .BearerTokens

	// scaffold:if or .SQLite .Redis
	// Revocations remembers ended refresh token families until their access
	// tokens expire; nil keeps them in this process's memory.
	// scaffold:else
	//~	// Revocations tells ended refresh token families; nil asks Store.
	// scaffold:end
	Revocations auth.Revocations
	// scaffold:end

	// Providers are the providers users can sign in with; nil: those
	// Config names.
	Providers []oauth.Provider

	// Checks are what /healthz checks besides the database, by name.
	Checks map[string]func(context.Context) error

	// Now is the clock (time.Now if nil); tests move it forward.
	Now func() time.Time
}

// Server serves the API.
type Server struct {
	cfg       *config.Config
	store     *store.Store
	log       *slog.Logger
	cookies   cookiePolicy
	now       func() time.Time
	accounts  *account.Accounts
	providers []oauth.Provider
	checks    map[string]func(context.Context) error
	// scaffold:if .BrowserSessions

	sessions *auth.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens

	access  *auth.AccessTokens
	refresh *auth.RefreshTokens
	// scaffold:end
}

// New returns a Server.
func New(d Deps) *Server {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	newLimiter := d.NewLimiter
	if newLimiter == nil {
		newLimiter = func(_ string, l ratelimit.Limit) ratelimit.Limiter {
			return ratelimit.NewMemory(l, maxLimiterKeys, now)
		}
	}
	wakeMail := d.WakeMail
	if wakeMail == nil {
		wakeMail = func() {}
	}
	s := &Server{
		cfg:     d.Config,
		store:   d.Store,
		log:     slog.New(withRequestID{d.Logger.Handler()}),
		cookies: newCookiePolicy(d.Config.Cookie),
		now:     now,
		checks:  d.Checks,
	}
	s.providers = d.Providers
	if s.providers == nil {
		s.providers = newProviders(d.Config)
	}
	// scaffold:if .BrowserSessions
	sessionStore := d.Sessions
	if sessionStore == nil {
		// scaffold:if or .SQLite .Redis
		// This API alone ends the sessions in its database, so it may keep
		// them in memory.
		sessionStore = auth.NewCachedSessions(d.Store, d.Config.SessionIdleTimeout, now)
		// scaffold:else
		//~		// Other instances of the API may end sessions in the database: a
		//~		// request reads its session there, never from memory.
		//~		sessionStore = d.Store
		// scaffold:end
	}
	s.sessions = &auth.Sessions{
		Store:       sessionStore,
		IdleTimeout: d.Config.SessionIdleTimeout,
		Lifetime:    d.Config.SessionLifetime,
		Now:         now,
	}
	// scaffold:end
	// scaffold:if .BearerTokens
	s.access = auth.NewAccessTokens(d.SigningKey, tokenIssuer, d.Config.AccessTokenTTL, now)
	revocations := d.Revocations
	if revocations == nil {
		// scaffold:if or .SQLite .Redis
		revocations = auth.NewMemoryRevocations(now)
		// scaffold:else
		//~		revocations = auth.StoreRevocations{Store: d.Store}
		// scaffold:end
	}
	s.refresh = auth.NewRefreshTokens(d.Store, d.SigningKey, auth.RefreshConfig{
		TTL: d.Config.RefreshTokenTTL, Lifetime: d.Config.SessionLifetime, AccessTTL: d.Config.AccessTokenTTL,
		Revocations: revocations,
	}, now)
	// scaffold:end
	accounts := account.Deps{
		Store: d.Store, Hasher: d.Hasher, Links: &auth.OneTimeTokens{Store: d.Store, Now: now},
		Limits: d.Config.Limits, NewLimiter: newLimiter,
		Log: s.log, Now: now, WakeMail: wakeMail, WebAuthn: d.Config.WebAuthn,
	}
	// scaffold:if .BrowserSessions
	accounts.Sessions = s.sessions
	// scaffold:end
	// scaffold:if .BearerTokens
	accounts.Refresh = s.refresh
	// scaffold:end
	s.accounts = account.New(accounts)
	return s
}

// Handler returns the API with its middleware, outermost first.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.routes()
	h = s.csrf(h)
	h = limitBody(h)
	// scaffold:if .CORS
	h = cors(s.cfg.Origins, s.log, h)
	// scaffold:end
	h = securityHeaders(s.cfg.Production, h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = s.requestIDs(h)
	return h
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.healthz)
	mux.HandleFunc("GET /livez", livez)
	mux.HandleFunc("GET /api/openapi.json", s.serve(s.contract))

	mux.HandleFunc("POST /api/auth/register", s.serve(s.register))
	mux.HandleFunc("POST /api/auth/login", s.serve(s.login))
	mux.HandleFunc("POST /api/auth/login/mfa", s.serve(s.loginMFA))
	mux.HandleFunc("GET /api/auth/me", s.requireUser(s.me))
	mux.HandleFunc("POST /api/auth/logout", s.serve(s.logout))
	mux.HandleFunc("POST /api/auth/logout-all", s.requireUser(s.logoutAll))
	mux.HandleFunc("POST /api/auth/password/forgot", s.serve(s.forgotPassword))
	mux.HandleFunc("POST /api/auth/password/reset", s.serve(s.resetPassword))
	mux.HandleFunc("POST /api/auth/password/change", s.requireUser(s.changePassword))
	mux.HandleFunc("POST /api/auth/email/verify", s.serve(s.verifyEmail))
	mux.HandleFunc("POST /api/auth/email/verify/resend", s.requireUser(s.resendVerification))
	mux.HandleFunc("GET /api/auth/sessions", s.requireUser(s.listSessions))
	mux.HandleFunc("DELETE /api/auth/sessions/{id}", s.requireUser(s.deleteSession))
	mux.HandleFunc("DELETE /api/auth/account", s.requireUser(s.deleteAccount))
	mux.HandleFunc("GET /api/auth/providers", s.serve(s.listProviders))
	mux.HandleFunc("POST /api/auth/oauth/{provider}/start", s.serve(s.oauthStart))
	mux.HandleFunc("POST /api/auth/oauth/{provider}/callback", s.serve(s.oauthCallback))
	mux.HandleFunc("GET /api/auth/identities", s.requireUser(s.listIdentities))
	mux.HandleFunc("DELETE /api/auth/identities/{id}", s.requireUser(s.deleteIdentity))
	mux.HandleFunc("GET /api/auth/mfa", s.requireUser(s.mfaStatus))
	mux.HandleFunc("POST /api/auth/mfa/totp/setup", s.requireUser(s.setupTOTP))
	mux.HandleFunc("POST /api/auth/mfa/totp/enable", s.requireUser(s.enableTOTP))
	mux.HandleFunc("DELETE /api/auth/mfa/totp", s.requireUser(s.disableTOTP))
	mux.HandleFunc("POST /api/auth/mfa/recovery-codes", s.requireUser(s.newRecoveryCodes))
	mux.HandleFunc("POST /api/auth/passkeys/register/options", s.requireUser(s.passkeyRegisterOptions))
	mux.HandleFunc("POST /api/auth/passkeys/register", s.requireUser(s.passkeyRegister))
	mux.HandleFunc("GET /api/auth/passkeys", s.requireUser(s.listPasskeys))
	mux.HandleFunc("DELETE /api/auth/passkeys/{id}", s.requireUser(s.deletePasskey))
	mux.HandleFunc("POST /api/auth/passkeys/login/options", s.serve(s.passkeyLoginOptions))
	mux.HandleFunc("POST /api/auth/passkeys/login", s.serve(s.passkeyLogin))
	// scaffold:if .BrowserJWT
	//~	mux.HandleFunc("POST /api/auth/refresh", s.serve(s.refreshCookies))
	// scaffold:end
	// scaffold:if .BearerTokens
	mux.HandleFunc("POST /api/auth/token", s.serve(s.token))
	mux.HandleFunc("POST /api/auth/token/refresh", s.serve(s.tokenRefresh))
	mux.HandleFunc("POST /api/auth/token/mfa", s.serve(s.tokenMFA))
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	// scaffold:end

	mux.HandleFunc("GET /api/notes", s.requireUser(s.listNotes))
	mux.HandleFunc("POST /api/notes", s.requireUser(s.requireVerified(s.createNote)))
	mux.HandleFunc("GET /api/notes/{id}", s.requireUser(s.getNote))
	mux.HandleFunc("DELETE /api/notes/{id}", s.requireUser(s.requireVerified(s.deleteNote)))

	// ServeMux answers unknown paths and methods in plain text; this API
	// answers them in JSON. "/" matches whatever no route above does, so
	// the routes are matched once per request. (ServeMux's redirects of
	// unclean paths such as //api/notes are left as they are.)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here")
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint")
	})
	return mux
}

func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// scaffold:line // healthz answers 200 {"status":"ok"} when the database{{if .Redis}} and Redis{{end}} answer,
// healthz answers 200 {"status":"ok"} when the database and Redis answer,
// and 503 naming what does not. It is also /readyz: a load balancer sends
// requests only to an instance that can serve them.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	status := map[string]string{"status": "ok"}
	code := http.StatusOK
	check := func(name string, ping func(context.Context) error) {
		if err := ping(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "health check", "check", name, "err", err)
			status["status"], status[name] = "unavailable", "unreachable"
			code = http.StatusServiceUnavailable
		}
	}
	check("database", s.store.Ping)
	for name, ping := range s.checks {
		check(name, ping)
	}
	writeJSON(w, code, status)
}

// livez answers 200 while the process serves requests at all, whatever the
// database or Redis do: an orchestrator restarts an instance that fails it,
// and restarting cannot mend a database that is down (that is /readyz).
func livez(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
