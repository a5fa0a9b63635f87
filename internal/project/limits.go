package project

import (
	"fmt"
	"time"
)

// Limit is a default rate limit of the API: Events per Per, as a burst of
// Events followed by one more every Per/Events. It is printed as Go code in
// the API and as prose in its README, so the two cannot disagree.
type Limit struct {
	Events int
	Per    Duration
}

// Go is the limit as a Go expression of the API's ratelimit package.
func (l Limit) Go() string {
	return fmt.Sprintf("ratelimit.Limit{Events: %d, Per: %s}", l.Events, l.Per.Go())
}

// Env is the limit as the API's RATE_LIMIT_* variables take it: "5/15m".
func (l Limit) Env() string { return fmt.Sprintf("%d/%s", l.Events, l.Per.Env()) }

// String is the limit in words: "5 per 15 minutes".
func (l Limit) String() string {
	n, unit := l.Per.split()
	word := map[string]string{"h": "hour", "m": "minute", "s": "second"}[unit]
	if n == 1 {
		return fmt.Sprintf("%d per %s", l.Events, word)
	}
	return fmt.Sprintf("%d per %d %ss", l.Events, n, word)
}

// Limits are the API's default rate limits (SPEC §4). Sign-in limits count
// attempts before the password is hashed, and a successful sign-in gives its
// attempt back.
type Limits struct {
	// LoginAccountClient: failed sign-ins for one account from one client.
	// A success clears it.
	LoginAccountClient Limit
	// LoginClient: failed sign-ins from one client, whatever the account.
	LoginClient Limit
	// LoginAccount: failed sign-ins for one account from every client; a
	// ceiling high enough that one client's failures (LoginAccountClient)
	// never reach it.
	LoginAccount Limit
	// Register: registrations from one client.
	Register Limit
	// Mail: password-reset and verification mails asked for by one client,
	// and for one address.
	Mail Limit
	// OAuth: sign-ins with a provider begun, and finished, by one client.
	OAuth Limit
	// Passkey: passkey ceremonies (sign-ins, registrations) begun by one
	// client.
	Passkey Limit
	// HashQueuePerCPU bounds the sign-ins waiting for a password-hash slot:
	// this many per CPU wait, the next get 503 busy at once.
	HashQueuePerCPU int
}

var defaultLimits = Limits{
	LoginAccountClient: Limit{Events: 5, Per: Duration(15 * time.Minute)},
	LoginClient:        Limit{Events: 20, Per: Duration(time.Minute)},
	LoginAccount:       Limit{Events: 100, Per: Duration(time.Hour)},
	Register:           Limit{Events: 10, Per: Duration(time.Hour)},
	Mail:               Limit{Events: 5, Per: Duration(time.Hour)},
	OAuth:              Limit{Events: 30, Per: Duration(time.Minute)},
	Passkey:            Limit{Events: 60, Per: Duration(time.Minute)},
	HashQueuePerCPU:    4,
}
