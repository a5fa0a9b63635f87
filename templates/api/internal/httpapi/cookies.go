package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
)

// The base names of the auth cookies. The name a browser sees carries a
// prefix decided by cookiePolicy: "__Host-" when the cookie is Secure and
// host-only, "__Secure-" when Secure with COOKIE_DOMAIN set, none otherwise.
const (
	// scaffold:if .BrowserSessions
	// scaffold:line sessionCookie = "{{.Cookie.Session}}"
	sessionCookie = "session"
	// scaffold:end
	// scaffold:if .BrowserJWT
	//~	accessCookie  = "{{.Cookie.Access}}"
	//~	refreshCookie = "{{.Cookie.Refresh}}"
// scaffold:end
)

// cookiePolicy decides every attribute of every cookie this API sets. It is
// the one place to read to know what a browser receives:
//
//   - HttpOnly always: page scripts never see a session id or token.
//   - Path=/ always, and SameSite always explicit (COOKIE_SAMESITE).
//   - Secure per COOKIE_SECURE, which config requires in production and for
//     SameSite=None or Partitioned.
//   - Partitioned per COOKIE_PARTITIONED: CHIPS, so that a cross-site API's
//     cookies keep working when the browser blocks third-party cookies.
//   - Domain per COOKIE_DOMAIN; unset means host-only.
type cookiePolicy struct {
	cfg    config.Cookie
	prefix string
}

func newCookiePolicy(c config.Cookie) cookiePolicy {
	p := cookiePolicy{cfg: c}
	switch {
	case c.Secure && c.Domain == "":
		// The browser then refuses a cookie of this name that is not
		// Secure, host-only and Path=/: a sibling subdomain cannot plant one.
		p.prefix = "__Host-"
	case c.Secure:
		p.prefix = "__Secure-"
	}
	return p
}

// name is the cookie name for base.
func (p cookiePolicy) name(base string) string { return p.prefix + base }

// set sets cookie base to value for maxAge.
func (p cookiePolicy) set(w http.ResponseWriter, base, value string, maxAge time.Duration) {
	http.SetCookie(w, p.cookie(base, value, int(maxAge/time.Second)))
}

// clear tells the browser to delete cookie base (Max-Age=0).
func (p cookiePolicy) clear(w http.ResponseWriter, base string) {
	http.SetCookie(w, p.cookie(base, "", -1))
}

// errDuplicateCookie: the request carries an auth cookie twice. Browsers
// send every cookie whose domain and path match, so a second one was set by
// someone else (a sibling subdomain's, with COOKIE_DOMAIN); which one is ours
// cannot be told, so neither is used.
var errDuplicateCookie = errors.New("duplicate auth cookie")

// read returns the value of cookie base, "" if there is none, or
// errDuplicateCookie.
func (p cookiePolicy) read(r *http.Request, base string) (string, error) {
	cookies := r.CookiesNamed(p.name(base))
	switch len(cookies) {
	case 0:
		return "", nil
	case 1:
		return cookies[0].Value, nil
	}
	return "", errDuplicateCookie
}

// duplicated reports whether any auth cookie comes twice.
func (p cookiePolicy) duplicated(r *http.Request) bool {
	for _, base := range authCookies {
		if len(r.CookiesNamed(p.name(base))) > 1 {
			return true
		}
	}
	return false
}

func (p cookiePolicy) cookie(base, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:        p.name(base),
		Value:       value,
		Path:        "/",
		Domain:      p.cfg.Domain,
		MaxAge:      maxAge,
		HttpOnly:    true,
		Secure:      p.cfg.Secure,
		SameSite:    p.cfg.SameSite,
		Partitioned: p.cfg.Partitioned,
	}
}

// authCookies are the base names of every auth cookie.
// scaffold:line var authCookies = []string{ {{- if .BrowserSessions}}sessionCookie{{else}}accessCookie, refreshCookie{{end -}} }
var authCookies = []string{sessionCookie}

// clearAuthCookies deletes every auth cookie.
func (p cookiePolicy) clearAuthCookies(w http.ResponseWriter) {
	for _, base := range authCookies {
		p.clear(w, base)
	}
}
