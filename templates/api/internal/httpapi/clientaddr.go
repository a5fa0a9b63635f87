package httpapi

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
)

// clientAddr is the address a request comes from: the TCP peer, unless the
// peer is a reverse proxy listed in TRUSTED_PROXIES. Then the proxies'
// X-Forwarded-For (or, without one, Forwarded) header is read from the right,
// hop by hop, and the first address that is not itself a trusted proxy is
// the client: entries to its left were written by the client and prove
// nothing. A header from an untrusted peer is never read.
//
// X-Forwarded-For wins over Forwarded because the common proxies (Caddy,
// nginx, Traefik, cloud load balancers) set the former and pass the latter
// through untouched, as a client wrote it.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := peer.Addr().Unmap()
	if !s.trusted(addr) {
		return addr
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(hops[i])
		if err != nil {
			// Garbage, "unknown" or an obfuscated name: the trusted proxy
			// that handed it over is the best we know.
			return addr
		}
		addr = hop.Unmap()
		if !s.trusted(addr) {
			return addr
		}
	}
	return addr // every hop is trusted: the farthest one sent the request
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the addresses of X-Forwarded-For, or of Forwarded's
// for= parameters, left (client) to right (nearest proxy), without ports or
// brackets. Several header lines count as one comma-separated list.
func forwardedFor(h http.Header) []string {
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, line := range xff {
			for _, hop := range strings.Split(line, ",") {
				hops = append(hops, strings.TrimSpace(hop))
			}
		}
		return hops
	}
	for _, line := range h.Values("Forwarded") {
		for _, element := range strings.Split(line, ",") {
			hop := ""
			for _, pair := range strings.Split(element, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
				if strings.EqualFold(k, "for") {
					hop = strings.Trim(v, `"`)
				}
			}
			hops = append(hops, stripPort(hop))
		}
	}
	return hops
}

// stripPort turns Forwarded's "[2001:db8::1]:4711" and "192.0.2.1:80" into
// bare addresses.
func stripPort(hop string) string {
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().String()
	}
	return strings.TrimSuffix(strings.TrimPrefix(hop, "["), "]")
}

// client is who sent r, for the rate limits and the log.
func (s *Server) client(r *http.Request) account.Client {
	a := s.clientAddr(r)
	if !a.IsValid() {
		return account.Client{Key: "unknown", Addr: "unknown"}
	}
	return account.Client{Key: clientKey(a), Addr: a.String()}
}

// clientKey is the client in rate-limit keys: the address, or for IPv6 its
// /64, the block one subscriber usually gets (who could otherwise take a
// new address for every attempt).
func clientKey(a netip.Addr) string {
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}
