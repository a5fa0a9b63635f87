package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
)

// errUnauthenticated means the request proves no user: no credential, or
// one that is invalid, expired or revoked.
var errUnauthenticated = errors.New("unauthenticated")

// caller is the authenticated user of a request.
type caller struct {
	userID int64
	// scaffold:if .BrowserSessions
	// sessionID is the browser's session id (from its cookie), and
	// sessionPublicID its name in the list of sessions.
	sessionID, sessionPublicID string
	// scaffold:end
	// scaffold:if .BearerTokens
	// bearer is true when the request was authenticated by an
	// Authorization header rather than a cookie.
	bearer bool
	// familyID is the refresh token family of the access token.
	familyID string
	// scaffold:end
}

// keep is what signing out everywhere spares for c: its own credentials.
func (c caller) keep() account.Keep {
	// scaffold:if .Hybrid
	return account.Keep{SessionID: c.sessionID, FamilyID: c.familyID}
	// scaffold:else if .BrowserSessions
	//~	return account.Keep{SessionID: c.sessionID}
	// scaffold:else
	//~	return account.Keep{FamilyID: c.familyID}
	// scaffold:end
}

// scaffold:if .BearerTokens

type callerKey struct{}

// withCaller records c as the authenticated caller of a request, so that
// the token is verified once however many layers ask.
func withCaller(ctx context.Context, c caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// bearerCaller returns the caller proven by a valid access token in an
// Authorization: Bearer header: errUnauthenticated without one.
func (s *Server) bearerCaller(r *http.Request) (caller, error) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return caller{}, errUnauthenticated
	}
	claims, err := s.access.Verify(strings.TrimSpace(token))
	if err != nil {
		return caller{}, errUnauthenticated
	}
	if revoked, err := s.refresh.Revoked(r.Context(), claims.FamilyID); err != nil {
		return caller{}, err
	} else if revoked {
		return caller{}, errUnauthenticated
	}
	id, _ := claims.UserID() // Verify checked it
	return caller{userID: id, bearer: true, familyID: claims.FamilyID}, nil
}

// scaffold:end

// scaffold:if .BearerTokens
// authenticate finds who sent r: by the access token in an Authorization:
// Bearer header if there is one (cookies are then ignored), otherwise by
// scaffold:line // the {{if .BrowserSessions}}session{{else}}access token{{end}} cookie.
// the session cookie.
// scaffold:else
// ~// authenticate finds who sent r, by the session cookie.
// scaffold:end
func (s *Server) authenticate(r *http.Request) (caller, error) {
	// scaffold:if .BearerTokens
	if c, ok := r.Context().Value(callerKey{}).(caller); ok {
		return c, nil
	}
	if r.Header.Get("Authorization") != "" {
		return s.bearerCaller(r)
	}
	// scaffold:end
	// scaffold:if .BrowserSessions
	sessionID, err := s.cookies.read(r, sessionCookie)
	if err != nil {
		return caller{}, err
	}
	sess, err := s.sessions.Get(r.Context(), sessionID)
	if errors.Is(err, auth.ErrNoSession) {
		return caller{}, errUnauthenticated
	}
	if err != nil {
		return caller{}, err
	}
	return caller{userID: sess.UserID, sessionID: sessionID, sessionPublicID: sess.PublicID}, nil
	// scaffold:end
	// scaffold:if .BrowserJWT
	//~	token, err := s.cookies.read(r, accessCookie)
	//~	if err != nil {
	//~		return caller{}, err
	//~	}
	//~	claims, err := s.access.Verify(token)
	//~	if errors.Is(err, auth.ErrInvalidToken) {
	//~		return caller{}, errUnauthenticated
	//~	}
	//~	if err != nil {
	//~		return caller{}, err
	//~	}
	//~	if revoked, err := s.refresh.Revoked(r.Context(), claims.FamilyID); err != nil {
	//~		return caller{}, err
	//~	} else if revoked {
	//~		return caller{}, errUnauthenticated
	//~	}
	//~	id, _ := claims.UserID() // Verify checked it
	//~	return caller{userID: id, familyID: claims.FamilyID}, nil
	// scaffold:end
}

// userHandler is a handler for authenticated requests: c is who sent r.
type userHandler func(w http.ResponseWriter, r *http.Request, c caller) error

// requireUser runs h for an authenticated request and answers 401
// unauthenticated to any other.
func (s *Server) requireUser(h userHandler) http.HandlerFunc {
	return s.serve(func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.signedIn(r)
		// scaffold:if .BearerTokens
		if errors.Is(err, errSignInFirst) && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		// scaffold:end
		if err != nil {
			return err
		}
		return h(w, r, c)
	})
}

// signedIn is authenticate with its failures as the client is told them:
// errSignInFirst for no user, 401 for a duplicate auth cookie.
func (s *Server) signedIn(r *http.Request) (caller, error) {
	c, err := s.authenticate(r)
	switch {
	case errors.Is(err, errDuplicateCookie):
		return caller{}, s.refuseDuplicateCookie(r)
	case errors.Is(err, errUnauthenticated):
		return caller{}, errSignInFirst
	}
	return c, err
}

// refuseDuplicateCookie refuses a request that carries an auth cookie twice:
// 401, logged, since a planted cookie means an attack or a misconfigured
// sibling site.
func (s *Server) refuseDuplicateCookie(r *http.Request) error {
	s.securityEvent(r, "duplicate_cookie")
	return failure(http.StatusUnauthorized, "unauthenticated", "the request carries an auth cookie twice; sign in again")
}
