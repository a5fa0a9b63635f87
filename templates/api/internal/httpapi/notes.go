package httpapi

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

type noteJSON struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func toNoteJSON(n store.Note) noteJSON {
	return noteJSON{ID: n.ID, Title: n.Title, Body: n.Body, CreatedAt: n.CreatedAt}
}

// A page of GET /api/notes holds defaultNotesPage notes, or ?limit= of them
// up to maxNotesPage: however many notes a user has, an answer is bounded.
const (
	defaultNotesPage = 50
	maxNotesPage     = 100
)

type notesPageJSON struct {
	Notes []noteJSON `json:"notes"`
	// Next is the cursor of the following page; null on the last one.
	Next *string `json:"next"`
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, c caller) error {
	q := r.URL.Query()
	fields := map[string]string{}
	limit, ok := parseNotesLimit(q.Get("limit"))
	if !ok {
		fields["limit"] = "limit must be a whole number of notes, at least 1 (at most 100 are returned)"
	}
	before, ok := decodeNotesCursor(q.Get("cursor"))
	if !ok {
		fields["cursor"] = `cursor must be the "next" of a previous page, exactly as the API gave it`
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	page, err := s.store.Notes(r.Context(), c.userID, before, limit)
	if err != nil {
		return err
	}
	out := notesPageJSON{Notes: make([]noteJSON, len(page.Notes))}
	for i, n := range page.Notes {
		out.Notes[i] = toNoteJSON(n)
	}
	if page.More {
		next := encodeNotesCursor(page.Notes[len(page.Notes)-1].ID)
		out.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// parseNotesLimit reads ?limit=: decimal digits only, absent or empty for
// the default; a number above maxNotesPage, however long, asks for
// maxNotesPage.
func parseNotesLimit(raw string) (int, bool) {
	if raw == "" {
		return defaultNotesPage, true
	}
	if strings.TrimLeft(raw, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(raw)
	if errors.Is(err, strconv.ErrRange) {
		return maxNotesPage, true
	}
	if err != nil || n < 1 {
		return 0, false
	}
	return min(n, maxNotesPage), true
}

// A cursor holds the id of the last note of a page, after a version byte,
// as an unsigned varint, in unpadded base64url: short, and safe in a URL as
// it is. Clients treat it as opaque, so what it holds can change; the
// version lets a later API still read the cursors this one gave out. It
// needs no signature: the query only ever reads the caller's own notes, so
// a forged or borrowed cursor can at most skip some of them.
const notesCursorV1 = 1

// maxNotesCursorLen is the length of the longest cursor, checked before
// decoding one.
var maxNotesCursorLen = base64.RawURLEncoding.EncodedLen(1 + binary.MaxVarintLen64)

func encodeNotesCursor(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString(binary.AppendUvarint([]byte{notesCursorV1}, uint64(lastID)))
}

// decodeNotesCursor returns the note id of a cursor, or 0 for none (the
// first page). Each id has one spelling: what does not encode back to the
// same text was not made by encodeNotesCursor.
func decodeNotesCursor(raw string) (int64, bool) {
	if raw == "" {
		return 0, true
	}
	if len(raw) > maxNotesCursorLen {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < 2 || b[0] != notesCursorV1 {
		return 0, false
	}
	id, n := binary.Uvarint(b[1:])
	if n != len(b)-1 || id < 1 || id > math.MaxInt64 || encodeNotesCursor(int64(id)) != raw {
		return 0, false
	}
	return int64(id), true
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request, c caller) error {
	var in struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	fields := map[string]string{}
	if n := utf8.RuneCountInString(in.Title); n < 1 || n > maxTitleLen {
		fields["title"] = "title must be 1 to 200 characters"
	} else if strings.ContainsRune(in.Title, 0) {
		fields["title"] = "title must not contain NUL characters"
	}
	if utf8.RuneCountInString(in.Body) > maxBodyLen {
		fields["body"] = "body must be at most 10000 characters"
	} else if strings.ContainsRune(in.Body, 0) {
		fields["body"] = "body must not contain NUL characters"
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	n, err := s.store.CreateNote(r.Context(), c.userID, in.Title, in.Body, s.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]noteJSON{"note": toNoteJSON(n)})
	return nil
}

func (s *Server) getNote(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := noteID(r)
	if err != nil {
		return err
	}
	n, err := s.store.Note(r.Context(), c.userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNoSuchNote
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]noteJSON{"note": toNoteJSON(n)})
	return nil
}

func (s *Server) deleteNote(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := noteID(r)
	if err != nil {
		return err
	}
	err = s.store.DeleteNote(r.Context(), c.userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNoSuchNote
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// noteID parses {id}: decimal digits only (ParseInt alone would also take
// "+1"). One that cannot name a note is 404 like a missing one.
func noteID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 || strings.TrimLeft(raw, "0123456789") != "" {
		return 0, errNoSuchNote
	}
	return id, nil
}
