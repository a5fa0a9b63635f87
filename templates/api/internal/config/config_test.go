package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/ratelimit"
)

func load(env map[string]string) (*Config, error) {
	return Load(func(k string) string { return env[k] })
}

// scaffold:if .BearerTokens

func testKeyPEM(t *testing.T) string {
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed)
	return keyPEM(t, seed)
}

// keyPEM is the Ed25519 key of seed in PKCS #8 PEM.
func keyPEM(t *testing.T, seed []byte) string {
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// scaffold:end

// TestDevelopmentDefaults checks the zero-config defaults scaffold chose for
// scaffold:line // the {{.Topology}} topology.
// the cross-site topology.
func TestDevelopmentDefaults(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	// scaffold:line if c.Production || c.Addr != "{{.Dev.APIAddr}}" || c.DatabaseURL != "{{.Dev.DatabaseURL}}" || !c.Migrate {
	if c.Production || c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "postgres://postgres:postgres@localhost:5432/myapp?sslmode=disable" || !c.Migrate {
		t.Errorf("got %+v", c)
	}
	// scaffold:line if len(c.Origins) != 1 || c.Origins[0] != "{{.Dev.WebOrigin}}" {
	if len(c.Origins) != 1 || c.Origins[0] != "http://localhost:3000" {
		t.Errorf("Origins = %q", c.Origins)
	}
	// scaffold:line want := Cookie{SameSite: http.SameSite{{.Cookie.SameSite}}Mode, Secure: {{.Cookie.SecureInDevelopment}}, Partitioned: {{.Cookie.Partitioned}}}
	want := Cookie{SameSite: http.SameSiteNoneMode, Secure: true, Partitioned: true}
	if c.Cookie != want {
		t.Errorf("Cookie = %+v, want %+v", c.Cookie, want)
	}
}

func TestProductionDefaults(t *testing.T) {
	// scaffold:line env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "SMTP_URL": "smtps://u:p@smtp.example.com", "MAIL_FROM": "App <no-reply@example.com>"{{if .Redis}}, "REDIS_URL": "redis://redis.example.com:6379/0"{{end}}}
	env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "SMTP_URL": "smtps://u:p@smtp.example.com", "MAIL_FROM": "App <no-reply@example.com>", "REDIS_URL": "redis://redis.example.com:6379/0"}
	// scaffold:if .BearerTokens
	env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
	// scaffold:end
	c, err := load(env)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Production || c.Addr != ":8080" || !c.Cookie.Secure {
		t.Errorf("got %+v", c)
	}
}

// TestRefusals checks that startup refuses unsafe or browser-rejected
// settings with an error naming the variable.
func TestRefusals(t *testing.T) {
	tests := []struct {
		env      map[string]string
		variable string
	}{
		{map[string]string{"COOKIE_SAMESITE": "None", "COOKIE_SECURE": "false", "COOKIE_PARTITIONED": "false"}, "COOKIE_SAMESITE"},
		{map[string]string{"COOKIE_SAMESITE": "Lax", "COOKIE_SECURE": "false", "COOKIE_PARTITIONED": "true"}, "COOKIE_PARTITIONED"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "COOKIE_SECURE": "false"}, "COOKIE_SECURE"},
		{map[string]string{"APP_ENV": "production"}, "APP_ORIGINS"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "http://app.example.com"}, "APP_ORIGINS"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com,http://staging.example.com"}, "APP_ORIGINS"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "http://localhost.example.com"}, "APP_ORIGINS"},
		{map[string]string{"COOKIE_DOMAIN": "com"}, "COOKIE_DOMAIN"},
		{map[string]string{"COOKIE_DOMAIN": ".co.uk"}, "COOKIE_DOMAIN"},
		{map[string]string{"COOKIE_DOMAIN": "github.io"}, "COOKIE_DOMAIN"},
		{map[string]string{"COOKIE_DOMAIN": "127.0.0.1"}, "COOKIE_DOMAIN"},
		{map[string]string{"COOKIE_DOMAIN": "example..com"}, "COOKIE_DOMAIN"},
		{map[string]string{"TRUSTED_PROXIES": "*"}, "TRUSTED_PROXIES"},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}, "TRUSTED_PROXIES"},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}, "TRUSTED_PROXIES"},
		{map[string]string{"SESSION_LIFETIME": "0s"}, "SESSION_LIFETIME"},
		// scaffold:line {map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com"{{if .BearerTokens}}, "JWT_PRIVATE_KEY": testKeyPEM(t){{end}}}, "SMTP_URL"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "JWT_PRIVATE_KEY": testKeyPEM(t)}, "SMTP_URL"},
		// scaffold:line {map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "SMTP_URL": "smtp://smtp.example.com"{{if .BearerTokens}}, "JWT_PRIVATE_KEY": testKeyPEM(t){{end}}}, "MAIL_FROM"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "SMTP_URL": "smtp://smtp.example.com", "JWT_PRIVATE_KEY": testKeyPEM(t)}, "MAIL_FROM"},
		// scaffold:line {map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log", "APP_URL": "http://app.example.com"{{if .BearerTokens}}, "JWT_PRIVATE_KEY": testKeyPEM(t){{end}}}, "APP_URL"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log", "APP_URL": "http://app.example.com", "JWT_PRIVATE_KEY": testKeyPEM(t)}, "APP_URL"},
		{map[string]string{"MAIL_TRANSPORT": "pigeon"}, "MAIL_TRANSPORT"},
		{map[string]string{"MAIL_TRANSPORT": "smtp"}, "MAIL_TRANSPORT"},
		{map[string]string{"SMTP_URL": "http://smtp.example.com"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://smtp.example.com:99999"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://smtp.example.com/path"}, "SMTP_URL"},
		{map[string]string{"MAIL_FROM": "not an address"}, "MAIL_FROM"},
		{map[string]string{"APP_URL": "https://app.example.com/path"}, "APP_URL"},
		{map[string]string{"APP_URL": "app.example.com"}, "APP_URL"},
		{map[string]string{"PASSWORD_RESET_TTL": "soon"}, "PASSWORD_RESET_TTL"},
		{map[string]string{"EMAIL_VERIFY_TTL": "-1h"}, "EMAIL_VERIFY_TTL"},
		{map[string]string{"REQUIRE_VERIFIED_EMAIL": "sometimes"}, "REQUIRE_VERIFIED_EMAIL"},
		// scaffold:if .Redis
		// scaffold:line {map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log"{{if .BearerTokens}}, "JWT_PRIVATE_KEY": testKeyPEM(t){{end}}}, "REDIS_URL"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com", "MAIL_TRANSPORT": "log", "JWT_PRIVATE_KEY": testKeyPEM(t)}, "REDIS_URL"},
		{map[string]string{"REDIS_URL": "localhost:6379"}, "REDIS_URL"},
		{map[string]string{"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"},
		// scaffold:end
		{map[string]string{"COOKIE_SAMESITE": "sometimes"}, "COOKIE_SAMESITE"},
		{map[string]string{"COOKIE_SECURE": "yes please"}, "COOKIE_SECURE"},
		{map[string]string{"COOKIE_DOMAIN": "https://example.com/"}, "COOKIE_DOMAIN"},
		{map[string]string{"APP_ORIGINS": "*"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "null"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "https://app.example.com,null"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "https://app.example.com/"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "https://app.example.com/login"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "app.example.com"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "ftp://app.example.com"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "https://user@app.example.com"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": " , "}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "https://app.example.com:443"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "http://localhost:80"}, "APP_ORIGINS"},
		{map[string]string{"APP_ORIGINS": "http://app.example.com:"}, "APP_ORIGINS"},
		{map[string]string{"APP_ENV": "staging"}, "APP_ENV"},
		{map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{map[string]string{"MIGRATE": "maybe"}, "MIGRATE"},
		{map[string]string{"SESSION_LIFETIME": "-1h"}, "SESSION_LIFETIME"},
		// scaffold:if .BrowserSessions
		{map[string]string{"SESSION_IDLE_TIMEOUT": "10"}, "SESSION_IDLE_TIMEOUT"},
		{map[string]string{"SESSION_IDLE_TIMEOUT": "8h", "SESSION_LIFETIME": "2h"}, "SESSION_IDLE_TIMEOUT"},
		// scaffold:line {map[string]string{"SESSION_IDLE_TIMEOUT": "{{.Lifetimes.Session.Env}}1s"}, "SESSION_IDLE_TIMEOUT"},
		{map[string]string{"SESSION_IDLE_TIMEOUT": "168h1s"}, "SESSION_IDLE_TIMEOUT"},
		// scaffold:end
		// scaffold:if .BearerTokens
		{map[string]string{"ACCESS_TOKEN_TTL": "1h"}, "ACCESS_TOKEN_TTL"},
		{map[string]string{"REFRESH_TOKEN_TTL": "forever"}, "REFRESH_TOKEN_TTL"},
		{map[string]string{"APP_ENV": "production", "APP_ORIGINS": "https://app.example.com"}, "JWT_PRIVATE_KEY"},
		{map[string]string{"JWT_PRIVATE_KEY": "not a key"}, "JWT_PRIVATE_KEY"},
		{map[string]string{"JWT_PRIVATE_KEY": keyPEM(t, make([]byte, ed25519.SeedSize))}, "JWT_PRIVATE_KEY"},
		// scaffold:end
	}
	for _, tt := range tests {
		_, err := load(tt.env)
		if err == nil {
			t.Errorf("%v: no error", tt.env)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.variable) || strings.Contains(msg, "\n") {
			t.Errorf("%v: error %q does not start with %s on one line", tt.env, msg, tt.variable)
		}
	}
}

// TestProductionOrigins: production takes https origins, and http only for
// the loopback names browsers treat as secure.
func TestProductionOrigins(t *testing.T) {
	for _, origins := range []string{"https://app.example.com", "http://localhost:3000,https://app.example.com", "http://127.0.0.1:3000", "http://[::1]:3000"} {
		// scaffold:line env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": origins, "MAIL_TRANSPORT": "log"{{if .Redis}}, "REDIS_URL": "redis://redis.example.com:6379/0"{{end}}}
		env := map[string]string{"APP_ENV": "production", "APP_ORIGINS": origins, "MAIL_TRANSPORT": "log", "REDIS_URL": "redis://redis.example.com:6379/0"}
		// scaffold:if .BearerTokens
		env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
		// scaffold:end
		if strings.Contains(origins, ",") {
			// Two sites: passkeys are for one of them.
			env["WEBAUTHN_RP_ORIGINS"] = "https://app.example.com"
			env["WEBAUTHN_RP_ID"] = "app.example.com"
		}
		if _, err := load(env); err != nil {
			t.Errorf("APP_ORIGINS=%s: %v", origins, err)
		}
	}
}

// TestCookieDomainIsNoIP: a cookie cannot be shared between hosts by IP
// address, and the refusal says so rather than blaming the public suffix
// list.
func TestCookieDomainIsNoIP(t *testing.T) {
	for _, ip := range []string{"127.0.0.1", "10.1.2.3"} {
		if _, err := load(map[string]string{"COOKIE_DOMAIN": ip}); err == nil || !strings.Contains(err.Error(), "IP address") {
			t.Errorf("COOKIE_DOMAIN=%s: %v", ip, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := load(map[string]string{"TRUSTED_PROXIES": " 10.0.0.0/8, 192.168.1.7 ,::1, 172.16.5.4/12,"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "10.0.0.0/8 192.168.1.7/32 ::1/128 172.16.0.0/12"; strings.Join(got, " ") != want {
		t.Errorf("TrustedProxies = %s, want %s", got, want)
	}
	if c, _ := load(nil); len(c.TrustedProxies) != 0 {
		t.Errorf("default TrustedProxies = %v, want none", c.TrustedProxies)
	}
}

// TestDefaultLimits: one client's failures can never reach the account's
// ceiling, so an attacker at one address cannot lock the owner out.
func TestDefaultLimits(t *testing.T) {
	perClient, ceiling := DefaultLimits.LoginAccountClient, DefaultLimits.LoginAccount
	// The most one client can fail in the ceiling's window: its burst,
	// then one per interval.
	most := perClient.Events + int(ceiling.Per/(perClient.Per/time.Duration(perClient.Events)))
	if most >= ceiling.Events {
		t.Fatalf("one client can fail %d times per %s; the account's ceiling is %d", most, ceiling.Per, ceiling.Events)
	}
}

func TestRateLimitVariables(t *testing.T) {
	c, err := load(map[string]string{"RATE_LIMIT_REGISTER": "1000/1h", "RATE_LIMIT_LOGIN_CLIENT": "3/30s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.Register != (ratelimit.Limit{Events: 1000, Per: time.Hour}) || c.Limits.LoginClient != (ratelimit.Limit{Events: 3, Per: 30 * time.Second}) ||
		c.Limits.LoginAccount != DefaultLimits.LoginAccount {
		t.Errorf("Limits = %+v", c.Limits)
	}
	for _, bad := range []string{"5", "5/", "/15m", "0/1h", "-1/1h", "5/0s", "5/-1m", "five/1h", "5/1 hour"} {
		if _, err := load(map[string]string{"RATE_LIMIT_LOGIN_ACCOUNT": bad}); err == nil || !strings.HasPrefix(err.Error(), "RATE_LIMIT_LOGIN_ACCOUNT") {
			t.Errorf("RATE_LIMIT_LOGIN_ACCOUNT=%q: %v", bad, err)
		}
	}
}

func TestMail(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	// scaffold:line if !c.Mail.Log || c.Mail.AppURL != "{{.Dev.WebOrigin}}" || c.Mail.From == "" {
	if !c.Mail.Log || c.Mail.AppURL != "http://localhost:3000" || c.Mail.From == "" {
		// scaffold:line t.Errorf("development mail = %+v, want the log, links to {{.Dev.WebOrigin}}", c.Mail)
		t.Errorf("development mail = %+v, want the log, links to http://localhost:3000", c.Mail)
	}
	c, err = load(map[string]string{"SMTP_URL": "smtp://u:secret@smtp.example.com:2525", "APP_URL": "https://App.Example.com/", "APP_ORIGINS": "https://app.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail.Log || c.Mail.SMTPURL != "smtp://u:secret@smtp.example.com:2525" || c.Mail.AppURL != "https://app.example.com" {
		t.Errorf("mail = %+v", c.Mail)
	}
	// A refused SMTP_URL is not repeated: it may hold a password.
	if _, err := load(map[string]string{"SMTP_URL": "ftp://u:secret@smtp.example.com"}); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v repeats the password", err)
	}
}

func TestOverrides(t *testing.T) {
	c, err := load(map[string]string{
		"ADDR":               ":9000",
		"APP_ORIGINS":        "https://App.Example.com, http://localhost:3000",
		"COOKIE_SAMESITE":    "none",
		"COOKIE_SECURE":      "true",
		"COOKIE_PARTITIONED": "true",
		"COOKIE_DOMAIN":      ".Example.com",
		"MIGRATE":            "false",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.Migrate || strings.Join(c.Origins, " ") != "https://app.example.com http://localhost:3000" {
		t.Errorf("got %+v", c)
	}
	want := Cookie{SameSite: http.SameSiteNoneMode, Secure: true, Partitioned: true, Domain: "example.com"}
	if c.Cookie != want {
		t.Errorf("Cookie = %+v, want %+v", c.Cookie, want)
	}
}

// TestIgnoredVariables: the variables of other modes are named for a
// warning when set, and only those.
func TestIgnoredVariables(t *testing.T) {
	env := map[string]string{
		"SESSION_IDLE_TIMEOUT": "1h",
		"ACCESS_TOKEN_TTL":     "5m",
		"REFRESH_TOKEN_TTL":    "2h",
		"JWT_PRIVATE_KEY":      "a key",
		"REDIS_URL":            "redis://localhost:6379/1",
	}
	// scaffold:if .BearerTokens
	env["JWT_PRIVATE_KEY"] = testKeyPEM(t)
	// scaffold:end
	c, err := load(env)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	// scaffold:if not .BrowserSessions
	//~	want = append(want, "SESSION_IDLE_TIMEOUT")
	// scaffold:end
	// scaffold:if not .BearerTokens
	//~	want = append(want, "ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL", "JWT_PRIVATE_KEY")
	// scaffold:end
	// scaffold:if not .Redis
	//~	want = append(want, "REDIS_URL")
	// scaffold:end
	if strings.Join(c.Ignored, ",") != strings.Join(want, ",") {
		t.Errorf("Ignored = %q, want %q", c.Ignored, want)
	}
	if c, err := load(nil); err != nil || len(c.Ignored) != 0 {
		t.Errorf("nothing set: Ignored = %q (%v)", c.Ignored, err)
	}
}

// TestPprofAddr: the profiles never share the API's listener.
func TestPprofAddr(t *testing.T) {
	if _, err := load(map[string]string{"ADDR": "127.0.0.1:9000", "PPROF_ADDR": "127.0.0.1:9000"}); err == nil || !strings.HasPrefix(err.Error(), "PPROF_ADDR=") {
		t.Errorf("PPROF_ADDR = ADDR: err = %v", err)
	}
	c, err := load(map[string]string{"PPROF_ADDR": "127.0.0.1:6060"})
	if err != nil || c.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("PprofAddr = %q, %v", c.PprofAddr, err)
	}
}
