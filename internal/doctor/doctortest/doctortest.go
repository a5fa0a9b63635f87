// Package doctortest serves test deployments behind TLS on real-looking
// host names, for the tests of scaffold doctor: a certificate authority made
// per test, trusted through --cacert, and servers pinned with --resolve.
package doctortest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/project"
)

// CA is a certificate authority made for one test, with a file holding its
// certificate for --cacert.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	PEMFile string
}

// NewCA makes a CA valid for a day.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "scaffold doctor test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return &CA{cert: cert, key: key, PEMFile: file}
}

// ServerConfig returns a TLS configuration with a certificate for names
// (and 127.0.0.1), signed by the CA.
func (ca *CA) ServerConfig(t testing.TB, names ...string) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// The host names of test deployments, as in scaffold's browser suite: the
// web app, an API on the same site, and an API on another site.
const (
	WebHost       = "app.example.test"
	SameSiteHost  = "api.example.test"
	CrossSiteHost = "api.other.test"
)

// Deployment is h served over TLS on a free loopback port under every test
// host name, until the test ends.
type Deployment struct {
	// Web is the web app's URL, API the API's as the browser calls it for
	// the topology; both on the same port.
	Web, API string
	// Resolve are the --resolve entries that send each name's connections
	// to the server.
	Resolve []string
}

// Deploy serves h over TLS with a certificate from ca and returns the URLs
// of topology: in same-origin the API is the web app's origin.
func Deploy(t testing.TB, ca *CA, h http.Handler, topology project.Topology) Deployment {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = ca.ServerConfig(t, WebHost, SameSiteHost, CrossSiteHost)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	d := Deployment{Web: "https://" + WebHost + ":" + port}
	switch topology {
	case project.SameOrigin:
		d.API = d.Web
	case project.SameSite:
		d.API = "https://" + SameSiteHost + ":" + port
	default:
		d.API = "https://" + CrossSiteHost + ":" + port
	}
	for _, n := range []string{WebHost, SameSiteHost, CrossSiteHost} {
		d.Resolve = append(d.Resolve, n+":"+port+":127.0.0.1")
	}
	return d
}
