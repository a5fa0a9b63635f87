package project

import (
	"fmt"
	"time"
)

// Duration is a default lifetime, printed as Go code in the API's config
// and as an environment value in its README, so the two cannot disagree.
type Duration time.Duration

// Go is the duration as a Go expression: "24 * time.Hour".
func (d Duration) Go() string {
	n, unit := d.split()
	return fmt.Sprintf("%d * time.%s", n, map[string]string{"h": "Hour", "m": "Minute", "s": "Second"}[unit])
}

// Env is the duration as time.ParseDuration reads it: "24h".
func (d Duration) Env() string {
	n, unit := d.split()
	return fmt.Sprintf("%d%s", n, unit)
}

// split expresses d in the largest unit that divides it.
func (d Duration) split() (int64, string) {
	td := time.Duration(d)
	switch {
	case td%time.Hour == 0:
		return int64(td / time.Hour), "h"
	case td%time.Minute == 0:
		return int64(td / time.Minute), "m"
	}
	return int64(td / time.Second), "s"
}

// Lifetimes are the API's default timeouts (SESSION_IDLE_TIMEOUT,
// SESSION_LIFETIME, ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL), the bound on the
// access token's, and the refresh grace window.
type Lifetimes struct {
	SessionIdle, Session        Duration
	AccessToken, MaxAccessToken Duration
	RefreshToken, RefreshGrace  Duration
	// PasswordReset and EmailVerify are the lifetimes of the links mailed
	// (PASSWORD_RESET_TTL, EMAIL_VERIFY_TTL).
	PasswordReset, EmailVerify Duration
}

// defaultLifetimes: a week-long session that ends after a day unused; an
// access token short enough that not being able to revoke it is acceptable
// (OWASP and the spec: at most 15 minutes); a refresh token that, like a
// session, expires after a day unused (its family ends with the session
// lifetime however often it rotates); a grace window long enough for two
// tabs and a retry; a reset link short-lived, as OWASP advises, a
// verification link good for a couple of days of not reading mail.
var defaultLifetimes = Lifetimes{
	SessionIdle:    Duration(24 * time.Hour),
	Session:        Duration(7 * 24 * time.Hour),
	AccessToken:    Duration(10 * time.Minute),
	MaxAccessToken: Duration(15 * time.Minute),
	RefreshToken:   Duration(24 * time.Hour),
	RefreshGrace:   Duration(30 * time.Second),
	PasswordReset:  Duration(30 * time.Minute),
	EmailVerify:    Duration(48 * time.Hour),
}
