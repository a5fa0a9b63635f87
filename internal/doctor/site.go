package doctor

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// ParseURL parses the URL of a web app or an API as given on the command
// line: absolute http or https, a host, no user name or password.
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", s)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%q: want an http:// or https:// URL, such as https://app.example.com", s)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return nil, fmt.Errorf("%q: leave the user name and password out of the URL", s)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q: leave the query and fragment out of the URL", s)
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return nil, fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, p)
	}
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

func validPort(p string) bool {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return false
		}
	}
	return n > 0
}

// Origin is the origin of u as a browser serializes it in the Origin
// header: scheme://host, with the port only when it is not the default.
func Origin(u *url.URL) string {
	host := u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" && p != defaultPort(u.Scheme) {
		host += ":" + p
	}
	return u.Scheme + "://" + host
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// Site is the "schemeful site" of u, what browsers compare for SameSite
// cookies: the scheme and the registrable domain (eTLD+1 from the public
// suffix list). Ports do not count. A host that has no registrable domain
// (an IP address, localhost, a public suffix itself) is its own site.
func Site(u *url.URL) string {
	return u.Scheme + "://" + registrableDomain(u.Hostname())
}

// registrableDomain is host's eTLD+1, or host itself when it has none.
func registrableDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// TopologyOf is the topology the two URLs really form, as a browser on the
// web app sees calls to the API.
func TopologyOf(web, api *url.URL) project.Topology {
	switch {
	case Origin(web) == Origin(api):
		return project.SameOrigin
	case Site(web) == Site(api):
		return project.SameSite
	}
	return project.CrossSite
}

// IsLoopback reports whether host is one that browsers treat as a secure
// context even over http: localhost (and its subdomains), 127.0.0.0/8, ::1.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SecureContext reports whether a page or API at u is a secure context to
// browsers: https, or http on a loopback host. Secure cookies work only there.
func SecureContext(u *url.URL) bool {
	return u.Scheme == "https" || IsLoopback(u.Hostname())
}

// secFetchSite is the Sec-Fetch-Site value a browser sends on a request from
// a page of the web app to the API.
func secFetchSite(t project.Topology) string {
	return string(t)
}

// domainMatches reports whether host domain-matches domain (RFC 6265 §5.1.3):
// equal, or a subdomain of it when host is a name rather than an address.
func domainMatches(host, domain string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	domain = strings.ToLower(strings.TrimPrefix(domain, "."))
	if host == domain {
		return true
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	return strings.HasSuffix(host, "."+domain)
}

// isPublicSuffix reports whether domain is on the public suffix list (or,
// by its default rule, a single unlisted label such as "test"): browsers
// refuse a cookie with such a Domain attribute.
func isPublicSuffix(domain string) bool {
	domain = strings.ToLower(strings.TrimPrefix(domain, "."))
	if _, err := netip.ParseAddr(domain); err == nil {
		return false
	}
	ps, _ := publicsuffix.PublicSuffix(domain)
	return ps == domain
}
