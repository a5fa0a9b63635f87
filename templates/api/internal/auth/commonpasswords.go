package auth

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// commonPasswords is the list of the most used passwords that zxcvbn-ts
// ships (npm @zxcvbn-ts/language-common, src/passwords.json, MIT license):
// 49,233 of them, most common first, lower-case, one per line. The web app's
// strength meter uses the same package, so the two agree on what is common.
//
//go:embed common-passwords.txt
var commonPasswords string

// sortedCommonPasswords is commonPasswords sorted for binary search; the
// strings share the embedded data.
var sortedCommonPasswords = sync.OnceValue(func() []string {
	list := strings.Split(strings.TrimSpace(commonPasswords), "\n")
	slices.Sort(list)
	return list
})

// IsCommonPassword reports whether password, ignoring case, is one of the
// most used passwords: the first ones an attacker tries.
func IsCommonPassword(password string) bool {
	_, found := slices.BinarySearch(sortedCommonPasswords(), strings.ToLower(password))
	return found
}
