// scaffold:file .BearerTokens
package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DevKeyFile is where development keeps its generated signing key, so that
// tokens survive a restart of `go run ./cmd/api`.
const DevKeyFile = "data/jwt-ed25519.pem"

// ParsePrivateKey parses an Ed25519 private key in PKCS #8 PEM, as written by
// `openssl genpkey -algorithm ed25519`. Literal "\n" sequences are accepted
// in place of newlines, for platforms that cannot store multi-line
// environment variables.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	data = []byte(strings.ReplaceAll(string(data), `\n`, "\n"))
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM \"PRIVATE KEY\" block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not a PKCS #8 private key")
	}
	edKey, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("not an Ed25519 key")
	}
	// A key of zeros (a placeholder, a botched template) is public
	// knowledge: anyone could sign tokens with it.
	if !slices.ContainsFunc(edKey.Seed(), func(b byte) bool { return b != 0 }) {
		return nil, errors.New("the key is all zeros: create a real one with openssl genpkey -algorithm ed25519")
	}
	return edKey, nil
}

// LoadOrCreateKey reads the key in path, creating it (mode 0600) if the file
// does not exist. Development only: production passes JWT_PRIVATE_KEY.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		key, err := ParsePrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (delete it to create a new one)", path, err)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
