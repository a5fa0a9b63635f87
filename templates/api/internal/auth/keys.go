// scaffold:file .BearerTokens
package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
)

// KeyID is the RFC 7638 thumbprint of the public key: the same key always has
// the same kid, in this process and in any other.
func KeyID(pub ed25519.PublicKey) string {
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
