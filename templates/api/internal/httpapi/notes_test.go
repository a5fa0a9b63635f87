package httpapi

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The tests of this file run in parallel: each has a database of its own,
// and on PostgreSQL most of their time is spent waiting for it.

// notesPage is the answer of GET /api/notes.
type notesPage struct {
	Notes []noteJSON
	Next  *string
}

// addNotes adds n notes through the API and returns their ids, oldest first.
func addNotes(t testing.TB, c *client, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		var created struct{ Note noteJSON }
		c.do("POST", "/api/notes", map[string]string{"title": fmt.Sprint("note ", i+1)}).
			want(t, http.StatusCreated).decode(t, &created)
		ids[i] = created.Note.ID
	}
	return ids
}

// listNotes gets one page of the caller's notes with the query params.
func listNotes(t testing.TB, c *client, params url.Values) notesPage {
	t.Helper()
	var page notesPage
	c.do("GET", "/api/notes?"+params.Encode(), nil).want(t, http.StatusOK).decode(t, &page)
	return page
}

// walkNotes follows the pages from the one params ask for to the one whose
// next is null. It returns every id seen, in order, and the size of each
// page.
func walkNotes(t testing.TB, c *client, params url.Values) (ids []int64, sizes []int) {
	t.Helper()
	params = maps.Clone(params)
	if params == nil {
		params = url.Values{}
	}
	for range 1000 {
		page := listNotes(t, c, params)
		ids = append(ids, noteIDs(page.Notes)...)
		sizes = append(sizes, len(page.Notes))
		if page.Next == nil {
			return ids, sizes
		}
		if *page.Next == "" {
			t.Fatal(`next is "", want a cursor or null`)
		}
		params.Set("cursor", *page.Next)
	}
	t.Fatal("the pages never end")
	return nil, nil
}

// newestFirst returns a reversed copy of ids.
func newestFirst(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

func TestNotesPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	alice, _ := e.signedIn()
	all := newestFirst(addNotes(t, alice, 120))

	first := listNotes(t, alice, nil)
	if got := noteIDs(first.Notes); !slices.Equal(got, all[:50]) || first.Next == nil {
		t.Fatalf("first page: %d notes %v, next %v; want the 50 newest and a cursor", len(got), got, first.Next)
	}

	for _, tt := range []struct {
		limit string
		sizes []int
	}{
		{"", []int{50, 50, 20}},
		{"7", []int{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1}},
		{"40", []int{40, 40, 40}}, // the last page is full: no empty page after it
		{"1000", []int{100, 20}},
	} {
		t.Run("limit="+tt.limit, func(t *testing.T) {
			params := url.Values{}
			if tt.limit != "" {
				params.Set("limit", tt.limit)
			}
			got, sizes := walkNotes(t, alice, params)
			if !slices.Equal(got, all) {
				t.Fatalf("walking the pages gave %v,\nwant every note once, newest first: %v", got, all)
			}
			if !slices.Equal(sizes, tt.sizes) {
				t.Fatalf("page sizes %v, want %v", sizes, tt.sizes)
			}
		})
	}
}

func TestNotesLimit(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	all := newestFirst(addNotes(t, c, 101))
	// The contract's limit is 1 to 100; the API reads more kindly.
	c.lenient = true
	for limit, want := range map[string]int{
		"1":                       1,
		"007":                     7,
		"100":                     100,
		"101":                     100,
		"99999999999999999999999": 100,
		"":                        50,
	} {
		page := listNotes(t, c, url.Values{"limit": {limit}})
		if got := noteIDs(page.Notes); !slices.Equal(got, all[:want]) || page.Next == nil {
			t.Errorf("limit=%s: %d notes, next %v; want the %d newest and a cursor", limit, len(got), page.Next, want)
		}
	}
}

func TestNotesPageBoundary(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	r := c.do("GET", "/api/notes", nil).want(t, http.StatusOK)
	if got := strings.TrimSpace(r.Body.String()); got != `{"notes":[],"next":null}` {
		t.Fatalf("no notes: %s", got)
	}

	ids50 := addNotes(t, c, 50)
	page := listNotes(t, c, nil)
	if len(page.Notes) != 50 || page.Next != nil {
		t.Fatalf("exactly 50 notes: got %d, next %v; want 50 and null", len(page.Notes), page.Next)
	}
	newest := addNotes(t, c, 1)[0]
	page = listNotes(t, c, nil)
	if len(page.Notes) != 50 || page.Notes[0].ID != newest || page.Next == nil {
		t.Fatalf("51 notes: got %d, next %v; want 50 and a cursor", len(page.Notes), page.Next)
	}
	last := listNotes(t, c, url.Values{"cursor": {*page.Next}})
	if len(last.Notes) != 1 || last.Notes[0].ID != ids50[0] || last.Next != nil {
		t.Fatalf("second page %+v; want the oldest note and null", last)
	}
}

// TestNotesPagesWhileChanging: notes added or deleted between two pages
// neither break the walk nor repeat a note.
func TestNotesPagesWhileChanging(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	ids := addNotes(t, c, 12)
	first := listNotes(t, c, url.Values{"limit": {"5"}}) // notes 12 to 8
	// The note the cursor names, and one on the next page, go away; a new
	// note comes on top.
	for _, id := range []int64{ids[7], ids[5]} {
		c.do("DELETE", "/api/notes/"+strconv.FormatInt(id, 10), nil).want(t, http.StatusNoContent)
	}
	added := addNotes(t, c, 1)[0]

	second := listNotes(t, c, url.Values{"limit": {"5"}, "cursor": {*first.Next}})
	if want := []int64{ids[6], ids[4], ids[3], ids[2], ids[1]}; !slices.Equal(noteIDs(second.Notes), want) {
		t.Fatalf("second page %v, want %v", noteIDs(second.Notes), want)
	}
	if top := listNotes(t, c, nil); top.Notes[0].ID != added {
		t.Fatalf("the new note is not on top of the first page: %v", noteIDs(top.Notes))
	}
}

func TestNotesBadPageParams(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	c, _ := e.signedIn()
	addNotes(t, c, 3)

	cursor := func(b ...byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	tests := []struct {
		name, field, limit, cursor string
	}{
		{"limit 0", "limit", "0", ""},
		{"negative limit", "limit", "-1", ""},
		{"limit with a sign", "limit", "+5", ""},
		{"limit with spaces", "limit", " 5", ""},
		{"fractional limit", "limit", "1.5", ""},
		{"limit in hex", "limit", "0x10", ""},
		{"limit not a number", "limit", "all", ""},
		{"limit in other digits", "limit", "٥", ""},
		{"cursor not base64url", "cursor", "", "not a cursor!"},
		{"cursor in padded base64", "cursor", "", encodeNotesCursor(5) + "="},
		{"cursor of another version", "cursor", "", cursor(2, 5)},
		{"cursor without an id", "cursor", "", cursor(1)},
		{"cursor of id 0", "cursor", "", cursor(1, 0)},
		{"cursor with a truncated id", "cursor", "", cursor(1, 0x85)},
		{"cursor with trailing bytes", "cursor", "", cursor(1, 5, 0)},
		{"cursor with a padded varint", "cursor", "", cursor(1, 0x85, 0x00)},
		{"cursor beyond int64", "cursor", "", cursor(binary.AppendUvarint([]byte{1}, math.MaxInt64+1)...)},
		{"cursor too long", "cursor", "", strings.Repeat("A", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := url.Values{}
			if tt.limit != "" {
				params.Set("limit", tt.limit)
			}
			if tt.cursor != "" {
				params.Set("cursor", tt.cursor)
			}
			var body errorBody
			c.do("GET", "/api/notes?"+params.Encode(), nil).
				wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
			if len(body.Error.Fields) != 1 || body.Error.Fields[tt.field] == "" {
				t.Fatalf("fields %v, want a message for %s only", body.Error.Fields, tt.field)
			}
		})
	}

	var body errorBody
	c.do("GET", "/api/notes?limit=x&cursor=y", nil).wantError(t, http.StatusBadRequest, "validation_failed").decode(t, &body)
	if body.Error.Fields["limit"] == "" || body.Error.Fields["cursor"] == "" {
		t.Fatalf("both wrong: fields %v, want both named", body.Error.Fields)
	}
	// A valid cursor past every note is an empty last page, not an error.
	if page := listNotes(t, c, url.Values{"cursor": {encodeNotesCursor(1)}}); len(page.Notes) != 0 || page.Next != nil {
		t.Fatalf("cursor past the oldest note: %+v", page)
	}
}

// TestNotesCursorOfAnotherUser: a cursor only says where to start in the
// caller's own notes, so a borrowed or forged one shows nothing of anyone
// else's.
func TestNotesCursorOfAnotherUser(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	alice, _ := e.signedIn()
	bob, _ := e.signedIn()
	bobs := addNotes(t, bob, 3)
	addNotes(t, alice, 60)
	bobs = append(bobs, addNotes(t, bob, 3)...)

	alicePage := listNotes(t, alice, url.Values{"limit": {"20"}})
	for _, cursor := range []string{*alicePage.Next, encodeNotesCursor(alicePage.Notes[0].ID), encodeNotesCursor(math.MaxInt64)} {
		got, _ := walkNotes(t, bob, url.Values{"cursor": {cursor}})
		for _, id := range got {
			if !slices.Contains(bobs, id) {
				t.Fatalf("bob, from cursor %s, got note %d, not his", cursor, id)
			}
		}
	}
	// From alice's cursor, bob sees his own notes older than that point.
	if got, _ := walkNotes(t, bob, url.Values{"cursor": {*alicePage.Next}}); !slices.Equal(got, newestFirst(bobs[:3])) {
		t.Fatalf("bob, from alice's cursor: %v, want his 3 older notes", got)
	}
	if got, _ := walkNotes(t, bob, url.Values{"cursor": {encodeNotesCursor(math.MaxInt64)}}); !slices.Equal(got, newestFirst(bobs)) {
		t.Fatalf("bob, from the largest cursor: %v, want all his notes", got)
	}
}

func noteIDs(notes []noteJSON) []int64 {
	out := make([]int64, len(notes))
	for i, n := range notes {
		out[i] = n.ID
	}
	return out
}
