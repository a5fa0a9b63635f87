package account

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
)

// What an account's email and password may be.
const (
	maxEmailLen    = 254 // bytes, RFC 5321
	minPasswordLen = 12  // characters
	maxPasswordLen = 128 // characters
)

// NormalizeEmail returns the one spelling under which an address is stored
// and looked up, or a message saying why raw is not an address.
//
// Unicode lets one address be typed several ways: "é" as one code point or
// as "e" plus a combining accent (NFC and NFD), a domain in capitals or in
// its IDNA ASCII form. Without normalization those would be distinct
// accounts for one mailbox. So the address is put in NFC, the local part in
// lower case (as the API always has; mail providers ignore case), and the
// domain in lower-case IDNA ASCII ("bücher.example" is
// "xn--bcher-kva.example"). Control and format characters, such as the
// invisible U+200D zero-width joiner, have no place in an address and could
// make two accounts look alike: they are refused, not stripped.
func NormalizeEmail(raw string) (string, string) {
	email := strings.TrimSpace(raw)
	switch {
	case email == "":
		return "", "email is required"
	case len(email) > 4*maxEmailLen: // bound the work below
		return "", "email must be at most 254 characters"
	}
	for _, r := range email {
		if r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf) {
			return "", "email must not contain control or invisible characters"
		}
	}
	email = norm.NFC.String(email)
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "", "email is not a valid address"
	}
	domain, err := idna.Lookup.ToASCII(email[at+1:])
	if err != nil || !strings.Contains(domain, ".") {
		return "", "email is not a valid address"
	}
	email = strings.ToLower(email[:at]) + "@" + domain
	if len(email) > maxEmailLen {
		return "", "email must be at most 254 characters"
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return "", "email is not a valid address"
	}
	return email, ""
}

// CheckNewPassword reports why password is not acceptable, or "". Length
// is what makes a password strong; a long password everybody uses is not,
// so the most common ones are refused whatever their length.
func CheckNewPassword(password string) string {
	switch n := utf8.RuneCountInString(password); {
	case n < minPasswordLen:
		return "password must be at least 12 characters"
	case n > maxPasswordLen:
		return "password must be at most 128 characters"
	case auth.IsCommonPassword(password):
		return "this password is one of the most common; choose another"
	}
	return ""
}
