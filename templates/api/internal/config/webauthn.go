package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// WebAuthn is the relying party passkeys are made for. The ceremonies run
// in the web app's pages, so it is the web app: a passkey works on the
// origins whose host is RPID or under it.
type WebAuthn struct {
	// RPID is WEBAUTHN_RP_ID: a domain, by default the host of APP_URL.
	// Passkeys are bound to it for good: changing it later leaves the
	// passkeys made before unusable.
	RPID string
	// Origins are WEBAUTHN_RP_ORIGINS, by default APP_ORIGINS: the pages
	// that may run a ceremony.
	Origins []string
}

// loadWebAuthn reads WEBAUTHN_RP_ID and WEBAUTHN_RP_ORIGINS. An RP ID that
// does not cover every origin is an error in production (no passkey would
// work there); in development the returned warning says so. With the web
// app at an IP address and no WEBAUTHN_RP_ID, RPID is "" (passkeys off)
// and a warning says why.
func loadWebAuthn(getenv func(string) string, production bool, appURL string, appOrigins []string) (w WebAuthn, warnings []string, err error) {
	w.Origins = appOrigins
	if v := getenv("WEBAUTHN_RP_ORIGINS"); v != "" {
		if w.Origins, err = ParseOrigins(v); err != nil {
			return w, nil, fmt.Errorf("WEBAUTHN_RP_ORIGINS: %w", err)
		}
	}
	if production {
		for _, o := range w.Origins {
			if u, _ := url.Parse(o); u.Scheme != "https" && !isLoopback(u.Hostname()) {
				return w, nil, fmt.Errorf("WEBAUTHN_RP_ORIGINS: %q is not https: browsers offer passkeys only to secure pages", o)
			}
		}
	}
	w.RPID = strings.ToLower(strings.TrimSuffix(getenv("WEBAUTHN_RP_ID"), "."))
	if w.RPID == "" {
		u, _ := url.Parse(appURL)
		w.RPID = u.Hostname()
		if net.ParseIP(w.RPID) != nil {
			// Browsers refuse an IP address as RP ID: passkeys are off,
			// the rest works.
			w.RPID = ""
			return w, []string{fmt.Sprintf("WEBAUTHN_RP_ID: passkeys are off: APP_URL (%s) is an IP address, and passkeys need a domain (such as localhost)", appURL)}, nil
		}
	} else if err := checkRPID(w.RPID, production); err != nil {
		return w, nil, fmt.Errorf("WEBAUTHN_RP_ID=%q: %w", w.RPID, err)
	}
	for _, o := range w.Origins {
		u, _ := url.Parse(o)
		if host := u.Hostname(); host != w.RPID && !strings.HasSuffix(host, "."+w.RPID) {
			msg := fmt.Sprintf("WEBAUTHN_RP_ID=%q does not cover the origin %s: set it to %q or a domain it is under", w.RPID, o, host)
			if production {
				return w, nil, fmt.Errorf("%s", msg)
			}
			warnings = append(warnings, msg+"; passkeys will fail there")
		}
	}
	return w, warnings, nil
}

// checkRPID refuses what browsers refuse as an RP ID: an IP address, a
// name with a scheme, port or path, and (in production) a public suffix
// such as com or co.uk, which would bind passkeys to every site under it.
func checkRPID(id string, production bool) error {
	if net.ParseIP(id) != nil {
		return fmt.Errorf("must be a domain, not an IP address")
	}
	if u, err := url.Parse("https://" + id); err != nil || u.Host != id || u.Hostname() != id {
		return fmt.Errorf("must be a domain, such as example.com (no scheme, port or path)")
	}
	if production && !isLoopback(id) {
		if suffix, _ := publicsuffix.PublicSuffix(id); suffix == id {
			return fmt.Errorf("is a public suffix: set the domain of the web app, such as example.com")
		}
	}
	return nil
}
