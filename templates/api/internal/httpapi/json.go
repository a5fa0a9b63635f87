package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

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

func writeValidation(w http.ResponseWriter, fields map[string]string) {
	writeJSON(w, http.StatusBadRequest, errorBody{apiError{Code: "validation_failed", Message: "some fields are invalid", Fields: fields}})
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
// invalid_json (413 when too large); it then reports false and the handler
// returns.
func decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as JSON, with Content-Type: application/json")
		return false
	}
	if err := decodeJSON(r.Body, dst); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large", "the request body is larger than 1 MiB")
			return false
		}
		writeError(w, http.StatusBadRequest, "invalid_json", err.Error())
		return false
	}
	return true
}

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
