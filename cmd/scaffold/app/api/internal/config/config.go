// Package config reads the API's settings from the environment and refuses,
// before anything starts, the combinations a browser would reject or that are
// unsafe in production.
package config

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"app/internal/auth"
)

// The defaults scaffold chose for the same-site topology. Every one of
// them can be overridden by the environment variable named in Load.
const (
	defaultSameSite            = "Lax"
	defaultPartitioned         = false
	defaultSecureInDevelopment = false
	defaultOrigins             = "http://localhost:3000"
	defaultDevAddr             = "127.0.0.1:8080"
	defaultProdAddr            = ":8080"
	defaultDatabaseURL         = "sqlite:data/app.db"
	defaultSessionIdleTimeout  = 24 * time.Hour
	defaultSessionLifetime     = 7 * 24 * time.Hour
	defaultAccessTokenTTL      = 10 * time.Minute
	defaultRefreshTokenTTL     = 14 * 24 * time.Hour
)

// MaxAccessTokenTTL bounds ACCESS_TOKEN_TTL: an access token cannot be
// revoked before it expires, so it must expire soon.
const MaxAccessTokenTTL = 15 * time.Minute

// Config is the API's whole configuration.
type Config struct {
	// Production is true when APP_ENV=production.
	Production bool

	// Addr is the listen address (ADDR).
	Addr string

	// DatabaseURL is sqlite:PATH or postgres://… (DATABASE_URL).
	DatabaseURL string

	// Origins are the exact origins of the web app (APP_ORIGINS): they are
	// trusted by the CSRF check and allowed by CORS.
	Origins []string

	// Cookie holds the attributes of the auth cookies.
	Cookie Cookie

	// SessionIdleTimeout ends a session nobody used for that long
	// (SESSION_IDLE_TIMEOUT).
	SessionIdleTimeout time.Duration

	// SessionLifetime ends a session that long after sign-in, however
	// active (SESSION_LIFETIME).
	SessionLifetime time.Duration

	// AccessTokenTTL is the lifetime of an access JWT (ACCESS_TOKEN_TTL).
	AccessTokenTTL time.Duration

	// RefreshTokenTTL is the lifetime of a refresh token; each rotation
	// starts it again (REFRESH_TOKEN_TTL).
	RefreshTokenTTL time.Duration

	// JWTPrivateKey signs access tokens (JWT_PRIVATE_KEY). It is nil in
	// development when the variable is unset: the caller then uses a key
	// kept under data/.
	JWTPrivateKey ed25519.PrivateKey

	// Migrate applies the embedded migrations at startup (MIGRATE).
	Migrate bool
}

// Cookie holds the attributes of the auth cookies. The cookie names follow
// from them; see internal/httpapi/cookies.go.
type Cookie struct {
	// SameSite is COOKIE_SAMESITE: Lax, Strict or None.
	SameSite http.SameSite

	// Secure is COOKIE_SECURE.
	Secure bool

	// Partitioned is COOKIE_PARTITIONED (CHIPS).
	Partitioned bool

	// Domain is COOKIE_DOMAIN; empty means host-only cookies.
	Domain string
}

// Load reads the configuration through getenv (os.Getenv in main, a map in
// tests). Its error is one line that names the offending variable.
func Load(getenv func(string) string) (*Config, error) {
	var c Config

	switch env := getenv("APP_ENV"); env {
	case "", "development":
	case "production":
		c.Production = true
	default:
		return nil, fmt.Errorf("APP_ENV=%q: must be development or production", env)
	}

	c.Addr = getenv("ADDR")
	if c.Addr == "" {
		c.Addr = defaultDevAddr
		if c.Production {
			c.Addr = defaultProdAddr
		}
	}

	c.DatabaseURL = or(getenv("DATABASE_URL"), defaultDatabaseURL)
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return nil, fmt.Errorf("DATABASE_URL: must start with sqlite: or postgres://")
	}

	origins, err := ParseOrigins(or(getenv("APP_ORIGINS"), defaultOrigins))
	if err != nil {
		return nil, fmt.Errorf("APP_ORIGINS: %w", err)
	}
	c.Origins = origins

	if c.Cookie, err = loadCookie(getenv, c.Production); err != nil {
		return nil, err
	}

	if c.SessionIdleTimeout, err = duration(getenv, "SESSION_IDLE_TIMEOUT", defaultSessionIdleTimeout); err != nil {
		return nil, err
	}
	if c.SessionLifetime, err = duration(getenv, "SESSION_LIFETIME", defaultSessionLifetime); err != nil {
		return nil, err
	}

	if c.AccessTokenTTL, err = duration(getenv, "ACCESS_TOKEN_TTL", defaultAccessTokenTTL); err != nil {
		return nil, err
	}
	if c.AccessTokenTTL > MaxAccessTokenTTL {
		return nil, fmt.Errorf("ACCESS_TOKEN_TTL=%s: must be at most %s", c.AccessTokenTTL, MaxAccessTokenTTL)
	}
	if c.RefreshTokenTTL, err = duration(getenv, "REFRESH_TOKEN_TTL", defaultRefreshTokenTTL); err != nil {
		return nil, err
	}

	if pem := getenv("JWT_PRIVATE_KEY"); pem != "" {
		if c.JWTPrivateKey, err = auth.ParsePrivateKey([]byte(pem)); err != nil {
			return nil, fmt.Errorf("JWT_PRIVATE_KEY: %w", err)
		}
	} else if c.Production {
		return nil, fmt.Errorf("JWT_PRIVATE_KEY: required in production (an Ed25519 private key in PEM; create one with: openssl genpkey -algorithm ed25519)")
	}

	if c.Migrate, err = boolean(getenv, "MIGRATE", true); err != nil {
		return nil, err
	}
	return &c, nil
}

func loadCookie(getenv func(string) string, production bool) (Cookie, error) {
	var c Cookie
	switch v := or(getenv("COOKIE_SAMESITE"), defaultSameSite); strings.ToLower(v) {
	case "lax":
		c.SameSite = http.SameSiteLaxMode
	case "strict":
		c.SameSite = http.SameSiteStrictMode
	case "none":
		c.SameSite = http.SameSiteNoneMode
	default:
		return c, fmt.Errorf("COOKIE_SAMESITE=%q: must be Lax, Strict or None", v)
	}

	var err error
	if c.Secure, err = boolean(getenv, "COOKIE_SECURE", production || defaultSecureInDevelopment); err != nil {
		return c, err
	}
	if c.Partitioned, err = boolean(getenv, "COOKIE_PARTITIONED", defaultPartitioned); err != nil {
		return c, err
	}

	c.Domain = strings.TrimPrefix(strings.ToLower(getenv("COOKIE_DOMAIN")), ".")
	if strings.ContainsAny(c.Domain, "/:;, ") {
		return c, fmt.Errorf("COOKIE_DOMAIN=%q: must be a bare domain such as example.com", c.Domain)
	}

	switch {
	case production && !c.Secure:
		return c, fmt.Errorf("COOKIE_SECURE=false: not allowed when APP_ENV=production")
	case c.SameSite == http.SameSiteNoneMode && !c.Secure:
		return c, fmt.Errorf("COOKIE_SAMESITE=None: requires COOKIE_SECURE=true (browsers reject SameSite=None cookies that are not Secure)")
	case c.Partitioned && !c.Secure:
		return c, fmt.Errorf("COOKIE_PARTITIONED=true: requires COOKIE_SECURE=true (browsers reject Partitioned cookies that are not Secure)")
	}
	return c, nil
}

// ParseOrigins parses a comma-separated list of exact origins such as
// "https://app.example.com,http://localhost:3000". It refuses "*", "null"
// and anything that is not scheme://host[:port].
func ParseOrigins(list string) ([]string, error) {
	var origins []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if s == "*" || strings.EqualFold(s, "null") {
			return nil, fmt.Errorf("%q is not allowed: list the exact origins of the web app", s)
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
			return nil, fmt.Errorf("%q is not an origin: write scheme://host[:port] with no path, such as https://app.example.com", s)
		}
		origins = append(origins, strings.ToLower(s))
	}
	if len(origins) == 0 {
		return nil, fmt.Errorf("empty: list the origins of the web app, such as https://app.example.com")
	}
	return origins, nil
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: must be a positive Go duration such as 15m or 24h", name, v)
	}
	return d, nil
}

func boolean(getenv func(string) string, name string, def bool) (bool, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: must be true or false", name, v)
	}
	return b, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
