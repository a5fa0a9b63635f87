// Package config reads the API's settings from the environment and refuses,
// before anything starts, the combinations a browser would reject or that are
// unsafe in production.
package config

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
)

// scaffold:line // The defaults scaffold chose for the {{.Topology}} topology. Every one of
// The defaults scaffold chose for the cross-site topology. Every one of
// them can be overridden by the environment variable named in Load.
const (
	// scaffold:line defaultSameSite            = "{{.Cookie.SameSite}}"
	defaultSameSite = "None"
	// scaffold:line defaultPartitioned         = {{.Cookie.Partitioned}}
	defaultPartitioned = true
	// scaffold:line defaultSecureInDevelopment = {{.Cookie.SecureInDevelopment}}
	defaultSecureInDevelopment = true
	// scaffold:line defaultOrigins             = "{{.Dev.WebOrigin}}"
	defaultOrigins = "http://localhost:3000"
	// scaffold:line defaultDevAddr             = "{{.Dev.APIAddr}}"
	defaultDevAddr = "127.0.0.1:8080"
	// scaffold:line defaultDatabaseURL         = "{{.Dev.DatabaseURL}}"
	defaultDatabaseURL = "postgres://postgres:postgres@localhost:5432/myapp?sslmode=disable"
	// scaffold:line defaultSessionLifetime     = {{.Lifetimes.Session.Go}}
	defaultSessionLifetime = 168 * time.Hour
	// scaffold:line defaultPasswordResetTTL    = {{.Lifetimes.PasswordReset.Go}}
	defaultPasswordResetTTL = 30 * time.Minute
	// scaffold:line defaultEmailVerifyTTL      = {{.Lifetimes.EmailVerify.Go}}
	defaultEmailVerifyTTL = 48 * time.Hour
	// scaffold:line defaultMailFrom            = "{{.Name}} <no-reply@localhost>"
	defaultMailFrom = "myapp <no-reply@localhost>"
	// scaffold:if .Redis
	// scaffold:line defaultRedisURL            = "{{.Dev.RedisURL}}"
	defaultRedisURL = "redis://localhost:6379/0"
	// scaffold:end
	// scaffold:if .BrowserSessions
	// scaffold:line defaultSessionIdleTimeout  = {{.Lifetimes.SessionIdle.Go}}
	defaultSessionIdleTimeout = 24 * time.Hour
	// scaffold:end
	// scaffold:if .BearerTokens
	// scaffold:line defaultAccessTokenTTL      = {{.Lifetimes.AccessToken.Go}}
	defaultAccessTokenTTL = 10 * time.Minute
	// scaffold:line defaultRefreshTokenTTL     = {{.Lifetimes.RefreshToken.Go}}
	defaultRefreshTokenTTL = 24 * time.Hour
	// scaffold:end
)

// unused returns the variables of the other auth modes, and of Redis, that
// this API never reads. Set, they are most likely a mistake (an .env copied
// from another project, settings left from before the project changed
// mode), and Load names them in Config.Ignored.
func unused() []string {
	var names []string
	// scaffold:if not .BrowserSessions
	//~	names = append(names, "SESSION_IDLE_TIMEOUT")
	// scaffold:end
	// scaffold:if not .BearerTokens
	//~	names = append(names, "ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL", "JWT_PRIVATE_KEY")
	// scaffold:end
	// scaffold:if not .Redis
	//~	names = append(names, "REDIS_URL")
	// scaffold:end
	return names
}

// defaultProdAddr is where the API listens in production: every interface,
// as a container's port must.
const defaultProdAddr = ":8080"

// scaffold:if .BearerTokens

// MaxAccessTokenTTL bounds ACCESS_TOKEN_TTL: an access token cannot be
// revoked before it expires, so it must expire soon.
// scaffold:line const MaxAccessTokenTTL = {{.Lifetimes.MaxAccessToken.Go}}
const MaxAccessTokenTTL = 15 * time.Minute

// scaffold:end

// Limits are the API's rate limits, each a burst followed by a steady rate
// (see internal/ratelimit). Sign-in attempts are counted before the
// password is hashed and given back when they succeed, so only failures
// add up.
type Limits struct {
	// LoginAccountClient: failed sign-ins for one account from one client
	// address; a successful sign-in clears it (RATE_LIMIT_LOGIN_ACCOUNT_CLIENT).
	LoginAccountClient ratelimit.Limit
	// LoginClient: failed sign-ins from one client address, whatever the
	// account: one address guessing across many accounts
	// (RATE_LIMIT_LOGIN_CLIENT).
	LoginClient ratelimit.Limit
	// LoginAccount: failed sign-ins for one account from every address: a
	// ceiling against guessing from many addresses, high enough that one
	// address's failures never reach it, so that an attacker cannot lock
	// the owner out (RATE_LIMIT_LOGIN_ACCOUNT).
	LoginAccount ratelimit.Limit
	// Register: registrations from one client address; each costs a
	// password hash (RATE_LIMIT_REGISTER).
	Register ratelimit.Limit
	// Mail: password-reset and verification mails asked for from one
	// client address; and, silently, for one address (RATE_LIMIT_MAIL).
	Mail ratelimit.Limit
	// OAuth: sign-ins with a provider begun, and finished, from one client
	// address (RATE_LIMIT_OAUTH).
	OAuth ratelimit.Limit
	// Passkey: passkey sign-ins and registrations begun from one client
	// address; each is kept in the database until it ends or expires
	// (RATE_LIMIT_PASSKEY).
	Passkey ratelimit.Limit
}

// scaffold:line // DefaultLimits: {{.Limits.LoginAccountClient}} failed sign-ins per account and
// DefaultLimits: 5 per 15 minutes failed sign-ins per account and
// scaffold:line // address, {{.Limits.LoginClient}} per address, {{.Limits.LoginAccount}} per account; {{.Limits.Register}}
// address, 20 per minute per address, 100 per hour per account; 10 per hour
// scaffold:line // registrations per address; {{.Limits.Mail}} mails asked for per client and per
// registrations per address; 5 per hour mails asked for per client and per
// recipient. They are what stands between a password list
// and your users' accounts: loosen them knowingly, for tests.
var DefaultLimits = Limits{
	// scaffold:line LoginAccountClient: {{.Limits.LoginAccountClient.Go}},
	LoginAccountClient: ratelimit.Limit{Events: 5, Per: 15 * time.Minute},
	// scaffold:line LoginClient:        {{.Limits.LoginClient.Go}},
	LoginClient: ratelimit.Limit{Events: 20, Per: 1 * time.Minute},
	// scaffold:line LoginAccount:       {{.Limits.LoginAccount.Go}},
	LoginAccount: ratelimit.Limit{Events: 100, Per: 1 * time.Hour},
	// scaffold:line Register:           {{.Limits.Register.Go}},
	Register: ratelimit.Limit{Events: 10, Per: 1 * time.Hour},
	// scaffold:line Mail:               {{.Limits.Mail.Go}},
	Mail: ratelimit.Limit{Events: 5, Per: 1 * time.Hour},
	// scaffold:line OAuth:              {{.Limits.OAuth.Go}},
	OAuth: ratelimit.Limit{Events: 30, Per: 1 * time.Minute},
	// scaffold:line Passkey:            {{.Limits.Passkey.Go}},
	Passkey: ratelimit.Limit{Events: 60, Per: 1 * time.Minute},
}

// Config is the API's whole configuration.
type Config struct {
	// Production is true when APP_ENV=production.
	Production bool

	// Addr is the listen address (ADDR).
	Addr string

	// DatabaseURL is sqlite:PATH or postgres://… (DATABASE_URL).
	DatabaseURL string

	// Origins are the exact origins of the web app (APP_ORIGINS): they are
	// scaffold:line // trusted by the CSRF check{{if .CORS}} and allowed by CORS{{end}}.
	// trusted by the CSRF check and allowed by CORS.
	Origins []string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For (or
	// Forwarded) header names the client (TRUSTED_PROXIES). Empty: the
	// client is the TCP peer, whatever the headers say.
	TrustedProxies []netip.Prefix

	// Cookie holds the attributes of the auth cookies.
	Cookie Cookie

	// Limits are the rate limits (RATE_LIMIT_*).
	Limits Limits

	// scaffold:line // SessionLifetime ends a {{if .BrowserSessions}}session{{end}}{{if .Hybrid}} or a {{end}}{{if .BearerTokens}}refresh token family{{end}} that long after sign-in,
	// SessionLifetime ends a session or a refresh token family that long after sign-in,
	// however active: then the user signs in again (SESSION_LIFETIME).
	SessionLifetime time.Duration
	// scaffold:if .BrowserSessions

	// SessionIdleTimeout ends a session nobody used for that long
	// (SESSION_IDLE_TIMEOUT).
	SessionIdleTimeout time.Duration
	// scaffold:end
	// scaffold:if .BearerTokens

	// AccessTokenTTL is the lifetime of an access JWT (ACCESS_TOKEN_TTL).
	AccessTokenTTL time.Duration

	// RefreshTokenTTL ends a refresh token unused for that long; each
	// rotation starts it again, up to SessionLifetime (REFRESH_TOKEN_TTL).
	RefreshTokenTTL time.Duration

	// JWTPrivateKey signs access tokens (JWT_PRIVATE_KEY). It is nil in
	// development when the variable is unset: the caller then uses a key
	// kept under data/.
	JWTPrivateKey ed25519.PrivateKey
	// scaffold:end

	// Mail is how mails go out.
	Mail Mail

	// Providers are the providers users can sign in with (OAUTH_GITHUB_*,
	// OAUTH_GOOGLE_*, OIDC_*): those whose variables are set.
	Providers []Provider

	// WebAuthn is the relying party of passkeys (WEBAUTHN_RP_*).
	WebAuthn WebAuthn
	// scaffold:if .Redis

	// RedisURL is where sessions, revocations and rate limits are shared
	// by every instance (REDIS_URL).
	RedisURL string
	// scaffold:end

	// PasswordResetTTL and EmailVerifyTTL are how long the links mailed
	// work (PASSWORD_RESET_TTL, EMAIL_VERIFY_TTL).
	PasswordResetTTL, EmailVerifyTTL time.Duration

	// RequireVerifiedEmail refuses note writes (403 email_unverified) until
	// the user has verified their email (REQUIRE_VERIFIED_EMAIL).
	RequireVerifiedEmail bool

	// Migrate applies the embedded migrations at startup (MIGRATE).
	Migrate bool

	// PprofAddr, if set, is where net/http/pprof's profiles are served
	// (PPROF_ADDR), on a listener of their own: never the API's, which the
	// world reaches.
	PprofAddr string

	// Ignored names the variables that are set but mean nothing to this
	// API (see unused), for a warning at startup.
	Ignored []string

	// Warnings are what else is set wrong but not fatal in development,
	// such as a provider whose variables are half set.
	Warnings []string
}

// Mail says how mails go out.
type Mail struct {
	// SMTPURL is where they are sent (SMTP_URL); empty with the log
	// transport.
	SMTPURL string
	// Log prints them to the log instead (MAIL_TRANSPORT=log, the default
	// in development without SMTP_URL).
	Log bool
	// From is the sender (MAIL_FROM).
	From string
	// AppURL is the web app's origin, which links in mails point to
	// (APP_URL; default the first of APP_ORIGINS).
	AppURL string
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
	for _, name := range unused() {
		if getenv(name) != "" {
			c.Ignored = append(c.Ignored, name)
		}
	}

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

	origins := getenv("APP_ORIGINS")
	if origins == "" && c.Production {
		return nil, fmt.Errorf("APP_ORIGINS: required in production: the exact origins of the web app, such as https://app.example.com")
	}
	var err error
	if c.Origins, err = ParseOrigins(or(origins, defaultOrigins)); err != nil {
		return nil, fmt.Errorf("APP_ORIGINS: %w", err)
	}
	if c.Production {
		for _, o := range c.Origins {
			if u, _ := url.Parse(o); u.Scheme != "https" && !isLoopback(u.Hostname()) {
				return nil, fmt.Errorf("APP_ORIGINS: %q is not https: browsers send Secure cookies only over https (http is allowed for localhost, 127.0.0.1 and [::1] alone)", o)
			}
		}
	}

	if c.TrustedProxies, err = ParsePrefixes(getenv("TRUSTED_PROXIES")); err != nil {
		return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}

	if c.Cookie, err = loadCookie(getenv, c.Production); err != nil {
		return nil, err
	}

	c.Limits = DefaultLimits
	for name, l := range map[string]*ratelimit.Limit{
		"RATE_LIMIT_LOGIN_ACCOUNT_CLIENT": &c.Limits.LoginAccountClient,
		"RATE_LIMIT_LOGIN_CLIENT":         &c.Limits.LoginClient,
		"RATE_LIMIT_LOGIN_ACCOUNT":        &c.Limits.LoginAccount,
		"RATE_LIMIT_REGISTER":             &c.Limits.Register,
		"RATE_LIMIT_MAIL":                 &c.Limits.Mail,
		"RATE_LIMIT_OAUTH":                &c.Limits.OAuth,
		"RATE_LIMIT_PASSKEY":              &c.Limits.Passkey,
	} {
		if v := getenv(name); v != "" {
			if *l, err = parseLimit(v); err != nil {
				return nil, fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
	}

	if c.SessionLifetime, err = duration(getenv, "SESSION_LIFETIME", defaultSessionLifetime); err != nil {
		return nil, err
	}
	// scaffold:if .BrowserSessions
	if c.SessionIdleTimeout, err = duration(getenv, "SESSION_IDLE_TIMEOUT", defaultSessionIdleTimeout); err != nil {
		return nil, err
	}
	if c.SessionIdleTimeout > c.SessionLifetime {
		return nil, fmt.Errorf("SESSION_IDLE_TIMEOUT=%s: must not exceed SESSION_LIFETIME=%s", c.SessionIdleTimeout, c.SessionLifetime)
	}
	// scaffold:end
	// scaffold:if .BearerTokens

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
		if c.JWTPrivateKey, err = ParsePrivateKey([]byte(pem)); err != nil {
			return nil, fmt.Errorf("JWT_PRIVATE_KEY: %w", err)
		}
	} else if c.Production {
		return nil, fmt.Errorf("JWT_PRIVATE_KEY: required in production (an Ed25519 private key in PEM; create one with: openssl genpkey -algorithm ed25519)")
	}
	// scaffold:end

	if c.Mail, err = loadMail(getenv, c.Production, c.Origins[0]); err != nil {
		return nil, err
	}
	if c.Providers, c.Warnings, err = loadProviders(getenv, c.Production); err != nil {
		return nil, err
	}
	webAuthn, warnings, err := loadWebAuthn(getenv, c.Production, c.Mail.AppURL, c.Origins)
	if err != nil {
		return nil, err
	}
	c.WebAuthn, c.Warnings = webAuthn, append(c.Warnings, warnings...)
	// scaffold:if .Redis
	c.RedisURL = getenv("REDIS_URL")
	if c.RedisURL == "" {
		if c.Production {
			return nil, fmt.Errorf("REDIS_URL: required in production, such as redis://:PASSWORD@redis:6379/0")
		}
		c.RedisURL = defaultRedisURL
	}
	if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		// The URL may hold a password: not repeated here.
		return nil, fmt.Errorf("REDIS_URL: must be redis://[USER:PASSWORD@]HOST:PORT/DB or rediss://… (TLS)")
	}
	// scaffold:end
	if c.PasswordResetTTL, err = duration(getenv, "PASSWORD_RESET_TTL", defaultPasswordResetTTL); err != nil {
		return nil, err
	}
	if c.EmailVerifyTTL, err = duration(getenv, "EMAIL_VERIFY_TTL", defaultEmailVerifyTTL); err != nil {
		return nil, err
	}
	if c.RequireVerifiedEmail, err = boolean(getenv, "REQUIRE_VERIFIED_EMAIL", false); err != nil {
		return nil, err
	}

	c.PprofAddr = getenv("PPROF_ADDR")
	if c.PprofAddr != "" && c.PprofAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		return nil, fmt.Errorf("PPROF_ADDR=%s: must differ from ADDR: the profiles are not for the API's clients", c.PprofAddr)
	}
	if c.Migrate, err = boolean(getenv, "MIGRATE", true); err != nil {
		return nil, err
	}
	return &c, nil
}

func loadMail(getenv func(string) string, production bool, firstOrigin string) (Mail, error) {
	m := Mail{SMTPURL: getenv("SMTP_URL")}
	switch t := getenv("MAIL_TRANSPORT"); t {
	case "":
		if m.SMTPURL == "" {
			if production {
				return m, fmt.Errorf("SMTP_URL: required in production, such as smtp://user:password@smtp.example.com:587 (or set MAIL_TRANSPORT=log to print mails to the log instead)")
			}
			m.Log = true
		}
	case "log":
		m.Log = true
	case "smtp":
		if m.SMTPURL == "" {
			return m, fmt.Errorf("MAIL_TRANSPORT=smtp: requires SMTP_URL, such as smtp://user:password@smtp.example.com:587")
		}
	default:
		return m, fmt.Errorf("MAIL_TRANSPORT=%q: must be smtp or log", t)
	}
	if m.SMTPURL != "" && !m.Log {
		u, err := url.Parse(m.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			// The URL may hold a password: not repeated here.
			return m, fmt.Errorf("SMTP_URL: must be smtp://[USER:PASSWORD@]HOST[:PORT] (STARTTLS) or smtps://… (TLS)")
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return m, fmt.Errorf("SMTP_URL: the port must be a number from 1 to 65535")
			}
		}
	}

	m.From = getenv("MAIL_FROM")
	if m.From == "" {
		if production && !m.Log {
			return m, fmt.Errorf("MAIL_FROM: required in production, such as \"Acme <no-reply@acme.example>\"")
		}
		m.From = defaultMailFrom
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return m, fmt.Errorf("MAIL_FROM=%q: must be an address such as \"Acme <no-reply@acme.example>\"", m.From)
	}

	m.AppURL = strings.TrimSuffix(getenv("APP_URL"), "/")
	if m.AppURL == "" {
		m.AppURL = firstOrigin
	} else {
		origins, err := ParseOrigins(m.AppURL)
		if err != nil || len(origins) != 1 {
			return m, fmt.Errorf("APP_URL=%q: must be the web app's origin, such as https://app.example.com", m.AppURL)
		}
		m.AppURL = origins[0]
	}
	if u, _ := url.Parse(m.AppURL); production && u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return m, fmt.Errorf("APP_URL=%q: must be https in production: the links mailed carry secrets", m.AppURL)
	}
	return m, nil
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
	if c.Domain != "" {
		if strings.ContainsAny(c.Domain, "/:;,[] ") || strings.Contains(c.Domain, "..") || strings.HasSuffix(c.Domain, ".") {
			return c, fmt.Errorf("COOKIE_DOMAIN=%q: must be a bare domain such as example.com", c.Domain)
		}
		if _, err := netip.ParseAddr(c.Domain); err == nil {
			return c, fmt.Errorf("COOKIE_DOMAIN=%q: an IP address cannot share cookies with other hosts; leave it unset", c.Domain)
		}
		// Browsers refuse a cookie for a public suffix (com, co.uk,
		// github.io): it would reach every site under it.
		if suffix, _ := publicsuffix.PublicSuffix(c.Domain); suffix == c.Domain {
			return c, fmt.Errorf("COOKIE_DOMAIN=%q: is a public suffix, shared by unrelated sites; use your own domain, such as example.com", c.Domain)
		}
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
		// A browser's Origin never carries an empty or a default port, so
		// such an entry would silently match nothing.
		if port := u.Port(); strings.HasSuffix(u.Host, ":") ||
			(u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
			return nil, fmt.Errorf("%q is not an origin as browsers send it: drop the default or empty port, as in %s://%s", s, u.Scheme, u.Hostname())
		}
		origins = append(origins, strings.ToLower(s))
	}
	if len(origins) == 0 {
		return nil, fmt.Errorf("empty: list the origins of the web app, such as https://app.example.com")
	}
	return origins, nil
}

// ParsePrefixes parses a comma-separated list of CIDR prefixes or single
// addresses, such as "10.0.0.0/8, 127.0.0.1". An empty list is valid.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var prefixes []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			prefixes = append(prefixes, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR prefix such as 10.0.0.0/8 or 127.0.0.1", s)
		}
		a = a.Unmap()
		prefixes = append(prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return prefixes, nil
}

// parseLimit parses "EVENTS/DURATION", such as "5/15m".
func parseLimit(s string) (ratelimit.Limit, error) {
	events, per, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(events)
	d, err2 := time.ParseDuration(per)
	if !ok || err != nil || err2 != nil || n < 1 || d <= 0 {
		return ratelimit.Limit{}, fmt.Errorf("must be EVENTS/DURATION, such as 5/15m")
	}
	return ratelimit.Limit{Events: n, Per: d}, nil
}

// isLoopback reports whether host is one of the names browsers treat as a
// secure context over plain http.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
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
