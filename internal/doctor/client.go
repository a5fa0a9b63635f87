package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
)

// ClientOptions configure the doctor's HTTP client.
type ClientOptions struct {
	// Resolve pins host names to addresses, as curl's --resolve does:
	// "HOST:PORT:ADDR" sends connections for HOST:PORT to ADDR:PORT. It lets
	// a deployment be checked before its DNS exists, and tests point real
	// names at local servers.
	Resolve []string
	// CACertFile is a PEM file of extra certificate authorities to trust,
	// besides the system's.
	CACertFile string
	// Timeout bounds each request, connection included.
	Timeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
}

// DefaultTimeout bounds each request when ClientOptions.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// NewClient returns the client the checks use: it never follows redirects
// (a redirect is an answer to inspect, not to chase), keeps no cookie jar
// (the checks decide which cookies to send) and gives up on each request
// after the timeout.
func NewClient(o ClientOptions) (*http.Client, error) {
	pins, err := parseResolve(o.Resolve)
	if err != nil {
		return nil, err
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CACertFile != "" {
		pem, err := os.ReadFile(o.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("--cacert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", o.CACertFile)
		}
		tlsConfig.RootCAs = pool
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout}
	transport := &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			// A pinned name is meant to be reached directly.
			if _, ok := pins[canonicalHostPort(r.URL)]; ok {
				return nil, nil
			}
			return http.ProxyFromEnvironment(r)
		},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := pins[strings.ToLower(addr)]; ok {
				addr = to
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   2,
	}
	ua := o.UserAgent
	if ua == "" {
		ua = "scaffold-doctor"
	}
	return &http.Client{
		Transport: userAgent{ua, transport},
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

type userAgent struct {
	ua   string
	next http.RoundTripper
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", u.ua)
	}
	return u.next.RoundTrip(r)
}

// parseResolve turns "HOST:PORT:ADDR" entries into a map from "host:port" to
// "addr:port".
func parseResolve(entries []string) (map[string]string, error) {
	pins := make(map[string]string, len(entries))
	for _, e := range entries {
		host, rest, ok1 := strings.Cut(e, ":")
		port, addr, ok2 := strings.Cut(rest, ":")
		addr = strings.Trim(addr, "[]")
		ip, err := netip.ParseAddr(addr)
		if !ok1 || !ok2 || host == "" || !validPort(port) || err != nil {
			return nil, fmt.Errorf("--resolve %q: want HOST:PORT:ADDRESS, such as api.example.com:443:127.0.0.1", e)
		}
		pins[net.JoinHostPort(strings.ToLower(host), port)] = net.JoinHostPort(ip.String(), port)
	}
	return pins, nil
}

func canonicalHostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// describeTransportError turns a failed round trip into the short reason a
// user can act on: "connection refused", "no such host", "no answer within
// 10s", a certificate problem.
func describeTransportError(err error, timeout time.Duration) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var unknownCA x509.UnknownAuthorityError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("no such host %s (for a deployment without DNS yet, pin it with --resolve %s:PORT:ADDRESS)", dnsErr.Name, dnsErr.Name)
	case errors.As(err, &hostErr):
		return "TLS certificate is not valid for " + hostErr.Host
	case errors.As(err, &unknownCA):
		return "TLS certificate signed by an unknown authority (trust it with --cacert FILE)"
	case errors.As(err, &certErr):
		return "TLS certificate not trusted: " + certErr.Err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("no answer within %s (--timeout)", timeout)
	}
	// The innermost error says what happened ("connection refused"); the
	// layers around it repeat the URL.
	for {
		next := errors.Unwrap(err)
		if next == nil {
			break
		}
		err = next
	}
	return err.Error()
}
