// scaffold:file .BearerTokens
package httpapi

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
)

// bearerClient is a non-browser client: no Origin, no cookies.
func (e *testEnv) bearerClient(access string) *client {
	c := e.client()
	c.origin = ""
	if access != "" {
		c.header.Set("Authorization", "Bearer "+access)
	}
	return c
}

// tokenPair signs in through /api/auth/token.
func (e *testEnv) tokenPair(email string) tokenResponse {
	e.t.Helper()
	var tr tokenResponse
	r := e.bearerClient("").do("POST", "/api/auth/token", credentials{Email: email, Password: testPassword}).want(e.t, http.StatusOK)
	r.decode(e.t, &tr)
	if len(r.Result().Cookies()) != 0 {
		e.t.Fatal("/api/auth/token set cookies")
	}
	return tr
}

func (e *testEnv) refreshPair(refreshToken string) *response {
	return e.bearerClient("").do("POST", "/api/auth/token/refresh", map[string]string{"refresh_token": refreshToken})
}

func TestTokenEndpoints(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	if tr.AccessToken == "" || tr.RefreshToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn <= 0 || tr.ExpiresIn > 15*60 {
		t.Fatalf("token response %+v", tr)
	}
	var me userResponse
	e.bearerClient(tr.AccessToken).do("GET", "/api/auth/me", nil).want(t, http.StatusOK).decode(t, &me)
	if me.User.Email != email {
		t.Fatalf("me = %+v", me)
	}
	e.bearerClient(tr.AccessToken).do("POST", "/api/notes", map[string]string{"title": "from the CLI"}).want(t, http.StatusCreated)

	var next tokenResponse
	e.refreshPair(tr.RefreshToken).want(t, http.StatusOK).decode(t, &next)
	if next.RefreshToken == tr.RefreshToken || next.AccessToken == "" {
		t.Fatalf("refresh did not rotate: %+v", next)
	}
	e.bearerClient(next.AccessToken).do("GET", "/api/auth/me", nil).want(t, http.StatusOK)

	e.bearerClient("").do("POST", "/api/auth/token", credentials{Email: email, Password: "wrong password"}).
		wantError(t, http.StatusUnauthorized, "invalid_credentials")
	for _, bad := range []string{"", "garbage", tr.AccessToken} {
		e.refreshPair(bad).wantError(t, http.StatusUnauthorized, "invalid_token")
	}

	// Logout with a bearer token revokes its refresh family.
	e.bearerClient(next.AccessToken).do("POST", "/api/auth/logout", nil).want(t, http.StatusNoContent)
	e.refreshPair(next.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")

	// Logout-all revokes every family.
	a, b := e.tokenPair(email), e.tokenPair(email)
	e.bearerClient(a.AccessToken).do("POST", "/api/auth/logout-all", nil).want(t, http.StatusNoContent)
	e.refreshPair(b.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
}

// TestAccessAndRefreshTokensAreNotInterchangeable: a refresh token is not
// an access token, and the other way round.
func TestAccessAndRefreshTokensAreNotInterchangeable(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	r := e.bearerClient(tr.RefreshToken).do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	if r.Header().Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate on a bearer 401")
	}
	e.refreshPair(tr.AccessToken).wantError(t, http.StatusUnauthorized, "invalid_token")
}

func TestExpiredAccessToken(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	tr := e.tokenPair(email)
	e.clock.Advance(e.cfg.AccessTokenTTL + time.Second)
	e.bearerClient(tr.AccessToken).do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	var next tokenResponse
	e.refreshPair(tr.RefreshToken).want(t, http.StatusOK).decode(t, &next)
	e.bearerClient(next.AccessToken).do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
}

// TestRefreshReuse: a rotated token presented again within the grace window
// gets the same successor; after it, the whole family is revoked.
func TestRefreshReuse(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	first := e.tokenPair(email)

	var second, again tokenResponse
	e.refreshPair(first.RefreshToken).want(t, http.StatusOK).decode(t, &second)
	e.clock.Advance(auth.RefreshGrace / 2)
	e.refreshPair(first.RefreshToken).want(t, http.StatusOK).decode(t, &again)
	if again.RefreshToken != second.RefreshToken {
		t.Fatal("a retry within the grace window got a different successor")
	}

	e.clock.Advance(auth.RefreshGrace)
	e.refreshPair(first.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
	// The reuse revoked the family: the legitimate successor is dead too.
	e.refreshPair(second.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")

	// An expired refresh token is refused.
	old := e.tokenPair(email)
	e.clock.Advance(e.cfg.RefreshTokenTTL)
	e.refreshPair(old.RefreshToken).wantError(t, http.StatusUnauthorized, "invalid_token")
}

// TestConcurrentRefresh: many refreshes with one token at once (tabs, retries)
// all succeed with the same successor.
func TestConcurrentRefresh(t *testing.T) {
	e := newTestEnv(t, nil)
	_, email := e.signedIn()
	tr := e.tokenPair(email)

	const n = 8
	results := make([]tokenResponse, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := e.refreshPair(tr.RefreshToken)
			if r.Code != http.StatusOK {
				t.Errorf("refresh %d: %d %s", i, r.Code, r.Body)
				return
			}
			r.decode(t, &results[i])
		})
	}
	wg.Wait()
	for i := range results {
		if results[i].RefreshToken != results[0].RefreshToken {
			t.Fatalf("refresh %d got another successor", i)
		}
	}
	e.refreshPair(results[0].RefreshToken).want(t, http.StatusOK)
}

// TestBearerRequestsSkipCSRF: a request authenticated by a valid bearer
// access token is not subject to the origin check, and does not use cookies.
func TestBearerRequestsSkipCSRF(t *testing.T) {
	e := newTestEnv(t, nil)
	browser, email := e.signedIn()
	tr := e.tokenPair(email)

	c := e.bearerClient(tr.AccessToken)
	c.origin = "https://some-other-app.example"
	c.header.Set("Sec-Fetch-Site", "cross-site")
	c.do("POST", "/api/notes", map[string]string{"title": "from another origin"}).want(t, http.StatusCreated)

	// An invalid bearer token exempts nothing: from another site it is
	// refused by the origin check, and from anywhere the browser's cookies
	// do not count alongside it.
	forged := e.bearerClient("forged")
	forged.cookies = browser.cookies
	forged.origin = "https://evil.example"
	forged.header.Set("Sec-Fetch-Site", "cross-site")
	forged.do("POST", "/api/notes", map[string]string{"title": "pwned"}).wantError(t, http.StatusForbidden, "csrf")
	forged.do("POST", "/api/auth/logout-all", nil).wantError(t, http.StatusForbidden, "csrf")
	forged.origin = ""
	forged.header.Del("Sec-Fetch-Site")
	forged.do("POST", "/api/notes", map[string]string{"title": "pwned"}).wantError(t, http.StatusUnauthorized, "unauthenticated")
	forged.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	browser.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
}

// TestForgedTokensAreRejected sends forged and stale access tokens through
// scaffold:line // the whole server{{if .BrowserJWT}}, as a bearer header and as the access cookie{{end}}.
// the whole server.
func TestForgedTokensAreRejected(t *testing.T) {
	e := newTestEnv(t, nil)
	var reg userResponse
	e.client().do("POST", "/api/auth/register", credentials{Email: e.newEmail(), Password: testPassword}).want(t, http.StatusCreated).decode(t, &reg)
	pub := e.srv.access.JWKS()[0]
	pubKey, _ := base64.RawURLEncoding.DecodeString(pub.X)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	claims := func(exp time.Time) jwt.Claims {
		return jwt.RegisteredClaims{
			Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenIssuer}, Subject: strconv.FormatInt(reg.User.ID, 10),
			IssuedAt: jwt.NewNumericDate(e.clock.Now()), ExpiresAt: jwt.NewNumericDate(exp),
		}
	}
	sign := func(method jwt.SigningMethod, key any, kid string, c jwt.Claims) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = kid
		tok.Header["typ"] = "at+jwt"
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	family, err := e.srv.refresh.Issue(t.Context(), reg.User.ID, "test", "password")
	if err != nil {
		t.Fatal(err)
	}
	valid, _ := e.srv.access.Issue(reg.User.ID, family.FamilyID)
	parts := strings.Split(valid, ".")
	later := e.clock.Now().Add(5 * time.Minute)
	forged := map[string]string{
		"alg none":             sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, pub.Kid, claims(later)),
		"HS256 public key":     sign(jwt.SigningMethodHS256, pubKey, pub.Kid, claims(later)),
		"unknown kid":          sign(jwt.SigningMethodEdDSA, otherKey, "not-a-known-kid", claims(later)),
		"other key, our kid":   sign(jwt.SigningMethodEdDSA, otherKey, pub.Kid, claims(later)),
		"expired":              sign(jwt.SigningMethodEdDSA, e.key, pub.Kid, claims(e.clock.Now().Add(-time.Second))),
		"tampered payload":     parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1","iss":"`+tokenIssuer+`"}`)) + "." + parts[2],
		"signature of another": parts[0] + "." + parts[1] + "." + strings.Split(sign(jwt.SigningMethodEdDSA, otherKey, pub.Kid, claims(later)), ".")[2],
	}
	e.bearerClient(valid).do("GET", "/api/auth/me", nil).want(t, http.StatusOK) // the control
	for name, tok := range forged {
		if r := e.bearerClient(tok).do("GET", "/api/auth/me", nil); r.Code != http.StatusUnauthorized {
			t.Errorf("bearer %s: %d", name, r.Code)
		}
		// scaffold:if .BrowserJWT
		//~		c := e.client()
		//~		c.cookies[e.srv.cookies.name(accessCookie)] = tok
		//~		if r := c.do("GET", "/api/auth/me", nil); r.Code != http.StatusUnauthorized {
		//~			t.Errorf("cookie %s: %d", name, r.Code)
		//~		}
		// scaffold:end
	}
}

func TestJWKSMatchesTokens(t *testing.T) {
	e := newTestEnv(t, nil)
	r := e.bearerClient("").do("GET", "/.well-known/jwks.json", nil).want(t, http.StatusOK)
	var set jwksResponse
	r.decode(t, &set)
	if len(set.Keys) != 1 || set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" || set.Keys[0].Kid == "" {
		t.Fatalf("JWKS %s", r.Body)
	}
	if r.Header().Get("Cache-Control") == "no-store" {
		t.Error("the JWKS is public and cacheable")
	}
}

// scaffold:if .BrowserJWT
//~
//~// TestRefreshCookie covers the browser flow: the access cookie expires, the
//~// web app calls /api/auth/refresh, which rotates the refresh cookie.
//~func TestRefreshCookie(t *testing.T) {
//~	e := newTestEnv(t, nil)
//~	c, _ := e.signedIn()
//~	refreshName := e.srv.cookies.name(refreshCookie)
//~	firstRefresh := c.cookies[refreshName]
//~
//~	e.clock.Advance(e.cfg.AccessTokenTTL + time.Second)
//~	delete(c.cookies, e.srv.cookies.name(accessCookie)) // the browser drops it at Max-Age
//~	c.do("GET", "/api/auth/me", nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
//~
//~	var u userResponse
//~	r := c.do("POST", "/api/auth/refresh", nil).want(t, http.StatusOK)
//~	r.decode(t, &u)
//~	if u.User.ID == 0 || r.setCookie(e.srv.cookies.name(accessCookie)) == nil || c.cookies[refreshName] == firstRefresh {
//~		t.Fatalf("refresh: %s %v", r.Body, r.Header().Values("Set-Cookie"))
//~	}
//~	c.do("GET", "/api/auth/me", nil).want(t, http.StatusOK)
//~
//~	// Replaying the first refresh cookie later revokes the family and
//~	// clears the cookies.
//~	e.clock.Advance(auth.RefreshGrace + time.Second)
//~	thief := e.client()
//~	thief.cookies[refreshName] = firstRefresh
//~	r = thief.do("POST", "/api/auth/refresh", nil).wantError(t, http.StatusUnauthorized, "invalid_token")
//~	if ck := r.setCookie(refreshName); ck == nil || ck.MaxAge >= 0 {
//~		t.Error("a failed refresh did not clear the refresh cookie")
//~	}
//~	c.do("POST", "/api/auth/refresh", nil).wantError(t, http.StatusUnauthorized, "invalid_token")
//~	e.client().do("POST", "/api/auth/refresh", nil).wantError(t, http.StatusUnauthorized, "invalid_token")
//~}
// scaffold:end
