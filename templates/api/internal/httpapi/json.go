package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/account"
	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// maxBodyBytes bounds every request body; larger ones get 413.
const maxBodyBytes = 1 << 20

// errorBody is the shape of every error: {"error":{"code","message"}}, with
// "fields" for validation_failed.
type errorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the client may have gone; nothing to do then
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{apiError{Code: code, Message: message}})
}

// problem is a failure the client is told about: a handler returns one as
// its error, and serve writes it. Any other error a handler returns is the
// server's (see fail).
type problem struct {
	status int
	body   apiError
	// retryAfter, if set, is sent as Retry-After, in whole seconds.
	retryAfter time.Duration
}

func (p *problem) Error() string { return p.body.Code + ": " + p.body.Message }

func (p *problem) write(w http.ResponseWriter) {
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((p.retryAfter+time.Second-1)/time.Second))))
	}
	writeJSON(w, p.status, errorBody{p.body})
}

// failure is the problem of status, code and message.
func failure(status int, code, message string) *problem {
	return &problem{status: status, body: apiError{Code: code, Message: message}}
}

// invalid is 400 validation_failed, with a message per field.
func invalid(fields map[string]string) error {
	return &problem{status: http.StatusBadRequest, body: apiError{Code: "validation_failed", Message: "some fields are invalid", Fields: fields}}
}

// Problems more than one handler returns.
var (
	errSignInFirst = failure(http.StatusUnauthorized, "unauthenticated", "sign in first")
	errNoSuchNote  = failure(http.StatusNotFound, "not_found", "no such note")
	errInvalidLink = failure(http.StatusBadRequest, "invalid_token", "this link is invalid, used or expired; ask for a new one")
)

// handler is an http.HandlerFunc that returns what went wrong instead of
// writing it; serve makes it one.
type handler func(w http.ResponseWriter, r *http.Request) error

// serve adapts h to net/http: the error h returns is written by fail.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fail answers for err: a problem as it says; a rate limit reached as 429
// rate_limited; auth.ErrBusy (more sign-ins wait for a password hash than
// the server lets wait) as 503 busy; any other error through
// internalError.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *problem
	var limited *account.RateLimited
	switch {
	case errors.As(err, &p):
		p.write(w)
	case errors.As(err, &limited):
		(&problem{status: http.StatusTooManyRequests, body: apiError{Code: "rate_limited", Message: "too many attempts; try again later"}, retryAfter: limited.Wait}).write(w)
	case errors.Is(err, auth.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "busy", "the server is busy; try again in a moment")
	default:
		s.internalError(w, r, err)
	}
}

// internalError logs err and answers 500 without saying what went wrong: the
// details are for the logs, not for the client. A client that went away
// mid-request (its context is cancelled, so the database call failed) is
// no server error: it is noted at INFO and gets no answer. A service that
// scaffold:line // is down (store.ErrUnavailable{{if .Redis}}: Redis{{end}}) is 503 unavailable, with
// is down (store.ErrUnavailable: Redis) is 503 unavailable, with
// Retry-After.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		s.log.InfoContext(r.Context(), "client went away", "method", r.Method, "path", r.URL.Path)
		return
	}
	if errors.Is(err, store.ErrUnavailable) {
		s.log.WarnContext(r.Context(), "unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "unavailable", "a service the API needs is unavailable; try again in a moment")
		return
	}
	s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal", "something went wrong; try again later")
}

// decode reads the JSON body into dst strictly: Content-Type:
// application/json (else 415 unsupported_media_type: a cross-site form can
// post text/plain that happens to be JSON, never application/json), one
// object, no unknown fields, no trailing data. Anything else is 400
// invalid_json (413 when too large).
func decode(r *http.Request, dst any) error {
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType != "application/json" {
		return failure(http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as JSON, with Content-Type: application/json")
	}
	if err := decodeJSON(r.Body, dst); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return failure(http.StatusBadRequest, "invalid_json", err.Error())
	}
	return nil
}

// errTooLarge answers a body larger than maxBodyBytes.
var errTooLarge = failure(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body is larger than 1 MiB")

// decodeJSON returns an error whose message can be shown to the client.
func decodeJSON(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		return errors.New("the request body is empty; send a JSON object")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the request body is not valid JSON")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return errors.New("the request body must be a JSON object")
		}
		return fmt.Errorf("field %q must be a %s", typ.Field, jsonType(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		return errors.New("the request body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if errors.As(err, &tooLarge) {
			return err
		}
		return errors.New("the request body must hold a single JSON object")
	}
	return nil
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	default:
		return "number"
	}
}
