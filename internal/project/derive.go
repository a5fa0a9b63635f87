package project

import "fmt"

// Project is what templates see: the answers plus every setting derived from
// them. Each field is decided here and only printed by templates.
type Project struct {
	Answers

	// ScaffoldVersion is the version of scaffold that rendered the project.
	ScaffoldVersion string

	// Auth mode, one true.
	Session, JWT, Hybrid bool
	// BrowserSessions: the browser is signed in with a server-side session
	// cookie (session, hybrid).
	BrowserSessions bool
	// BrowserJWT: the browser holds an access JWT and a rotating refresh token
	// in HttpOnly cookies and refreshes on 401 (jwt).
	BrowserJWT bool
	// BearerTokens: /api/auth/token, /api/auth/token/refresh and the JWKS are
	// served for non-browser clients (jwt, hybrid).
	BearerTokens bool

	// Database, one true.
	SQLite, Postgres bool
	// Redis: sessions, rate-limit counters and revoked refresh token
	// families live in Redis, shared by every API instance (with Postgres).
	Redis bool

	// Topology, one true.
	SameOrigin, SameSite, CrossSite bool
	// CORS: the API answers cross-origin requests from APP_ORIGINS with
	// credentials (same-site, cross-site). In same-origin it sends no CORS
	// headers at all.
	CORS bool
	// WebProxiesAPI: the web server forwards /api/* to API_URL, so the browser
	// only ever talks to the web origin (same-origin).
	WebProxiesAPI bool
	// ServerMaySeeCookies: requests to the web server can carry the API's
	// auth cookies, so the web app's proxy.ts sends visitors without one to
	// /login and the dashboard renders on the server: always in same-origin,
	// and in same-site when COOKIE_DOMAIN is set. In cross-site they never
	// can, and the dashboard renders in the browser.
	ServerMaySeeCookies bool
	// ServerSeesCookiesOnlyWithDomain (same-site): the API's cookies reach
	// the web server only when COOKIE_DOMAIN puts them on the whole site.
	// Without it they are host-only cookies of the API's host, which the web
	// server's host never receives (on localhost it does, because cookies
	// ignore ports: production host names do not forgive that). The web
	// server reads the same COOKIE_DOMAIN at run time and, without it, leaves
	// both the redirect and the dashboard to the browser.
	ServerSeesCookiesOnlyWithDomain bool

	Cookie    Cookies
	Lifetimes Lifetimes
	Limits    Limits
	Dev       Dev
	Deploy    Deploy
}

// Cookies are the defaults of the API's cookie attributes for the topology.
// The API reads the real values from COOKIE_* at startup; these are what it
// uses when those are unset.
type Cookies struct {
	// SameSite is the default of COOKIE_SAMESITE: "Lax" or "None".
	SameSite string
	// Partitioned is the default of COOKIE_PARTITIONED: CHIPS, so that a
	// cross-site API's cookies still work with third-party cookies blocked.
	Partitioned bool
	// SecureInDevelopment is the default of COOKIE_SECURE when APP_ENV is
	// development. Production always defaults to (and requires) Secure.
	// SameSite=None and Partitioned need Secure even on http://localhost,
	// which browsers accept there.
	SecureInDevelopment bool

	// Base names of the auth cookies. Every cookie has Path=/; the API adds
	// the prefix "__Host-" when the cookie is Secure and host-only, and
	// "__Secure-" when it is Secure with COOKIE_DOMAIN set.
	Session, Access, Refresh string
	// Prefixes lists the prefixes a cookie name may carry at run time,
	// longest first, ending with the empty prefix.
	Prefixes []string
}

// Dev are the addresses of the development setup (`make dev`).
type Dev struct {
	// WebOrigin is where the web app runs: the default of APP_ORIGINS.
	WebOrigin string
	// APIAddr is the API's listen address in development.
	APIAddr string
	// APIURL is where the web server reaches the API (API_URL).
	APIURL string
	// PublicAPIURL is the base URL the browser calls (NEXT_PUBLIC_API_URL):
	// empty in same-origin, where calls are relative; localhost:8080 in
	// same-site (another port of the same site); 127.0.0.1:8080 in cross-site
	// (another site to the browser, so the cookies are third-party).
	PublicAPIURL string
	// TrustedProxies is the API's TRUSTED_PROXIES in development: in
	// same-origin the web server, which forwards the browser's address,
	// connects to the API from this address; elsewhere the browser calls the
	// API itself and nothing is trusted.
	TrustedProxies string
	// DatabaseURL is the default of DATABASE_URL.
	DatabaseURL string
	// RedisURL is the default of REDIS_URL in development (with --redis).
	RedisURL string
	// PostgresDB is the database compose.yaml creates (with --db postgres).
	PostgresDB string
}

// Resolve validates complete answers and derives the project. Every question
// must be answered.
func Resolve(a Answers, scaffoldVersion string) (*Project, error) {
	if m := a.Missing(); len(m) > 0 {
		return nil, fmt.Errorf("unanswered: %v", m)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	p := &Project{
		Answers:         a,
		ScaffoldVersion: scaffoldVersion,
		Session:         a.Auth == AuthSession,
		JWT:             a.Auth == AuthJWT,
		Hybrid:          a.Auth == AuthHybrid,
		SQLite:          a.DB == SQLite,
		Postgres:        a.DB == Postgres,
		Redis:           a.Redis.On(),
		SameOrigin:      a.Topology == SameOrigin,
		SameSite:        a.Topology == SameSite,
		CrossSite:       a.Topology == CrossSite,
	}
	p.BrowserSessions = p.Session || p.Hybrid
	p.BrowserJWT = p.JWT
	p.BearerTokens = p.JWT || p.Hybrid

	p.CORS = !p.SameOrigin
	p.WebProxiesAPI = p.SameOrigin
	p.ServerMaySeeCookies = !p.CrossSite
	p.ServerSeesCookiesOnlyWithDomain = p.SameSite

	p.Cookie = Cookies{
		SameSite: "Lax",
		Session:  "session",
		Access:   "access_token",
		Refresh:  "refresh_token",
		Prefixes: []string{"__Host-", "__Secure-", ""},
	}
	if p.CrossSite {
		p.Cookie.SameSite = "None"
		p.Cookie.Partitioned = true
		p.Cookie.SecureInDevelopment = true
	}

	p.Lifetimes = defaultLifetimes
	p.Limits = defaultLimits

	p.Dev = Dev{
		WebOrigin: "http://localhost:3000",
		APIAddr:   "127.0.0.1:8080",
		APIURL:    "http://127.0.0.1:8080",
	}
	if p.WebProxiesAPI {
		p.Dev.TrustedProxies = "127.0.0.1/32"
	}
	switch a.Topology {
	case SameSite:
		p.Dev.PublicAPIURL = "http://localhost:8080"
	case CrossSite:
		p.Dev.PublicAPIURL = "http://127.0.0.1:8080"
	}
	if p.Redis {
		p.Dev.RedisURL = "redis://localhost:6379/0"
	}
	if p.Postgres {
		p.Dev.PostgresDB = dbName(a.Name)
		p.Dev.DatabaseURL = "postgres://postgres:postgres@localhost:5432/" + p.Dev.PostgresDB + "?sslmode=disable"
	} else {
		p.Dev.DatabaseURL = "sqlite:data/app.db"
	}
	p.Deploy = deployFor(a.Topology)
	return p, nil
}

// dbName turns a project name into a PostgreSQL database name.
func dbName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

// All returns every combination of auth, topology, database and Redis for
// name, in a stable order.
func All(name string) []Answers {
	var all []Answers
	for _, au := range AuthChoices {
		for _, t := range TopologyChoices {
			for _, d := range DBChoices {
				a := Answers{Name: name, Module: name, Auth: Auth(au.Value), Topology: Topology(t.Value), DB: DB(d.Value), Redis: No}
				all = append(all, a)
				if a.DB == Postgres {
					a.Redis = Yes
					all = append(all, a)
				}
			}
		}
	}
	return all
}

// Key names a combination, e.g. "session-same-origin-sqlite" or
// "jwt-cross-site-postgres-redis".
func (a Answers) Key() string {
	key := fmt.Sprintf("%s-%s-%s", a.Auth, a.Topology, a.DB)
	if a.Redis.On() {
		key += "-redis"
	}
	return key
}
