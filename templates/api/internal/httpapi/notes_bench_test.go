package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
)

// BenchmarkListNotes100k measures GET /api/notes for a user with 100,000
// notes: the first page, the largest page (limit=100), and a page deep in
// the list, reached with a cursor, under 90,000 newer notes. Keyset
// pagination makes the deep page cost what the first one does; listing
// every note in one answer would read, encode and send all 100,000.
func BenchmarkListNotes100k(b *testing.B) {
	const total = 100_000
	e := newTestEnv(b, nil)
	c, _ := e.signedIn()
	var me userResponse
	c.do("GET", "/api/auth/me", nil).want(b, http.StatusOK).decode(b, &me)

	// In one transaction, so that the setup takes seconds: SQLite would
	// otherwise sync to disk after every insert.
	ctx := context.Background()
	body := strings.Repeat("A note of a typical length. ", 8)
	ids := make([]int64, 0, total) // oldest first
	err := e.store.InTx(ctx, func(tx *store.Store) error {
		for i := range total {
			n, err := tx.CreateNote(ctx, me.User.ID, fmt.Sprint("Note ", i+1), body, e.clock.Now())
			if err != nil {
				return err
			}
			ids = append(ids, n.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	for _, bm := range []struct {
		name, query string
		newest      int64 // the first note of the page
		size        int
	}{
		{"first page", "", ids[total-1], defaultNotesPage},
		{"limit=100", "?limit=100", ids[total-1], maxNotesPage},
		{"deep page", "?cursor=" + encodeNotesCursor(ids[10_000]), ids[9_999], defaultNotesPage},
	} {
		b.Run(bm.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "http://api.test/api/notes"+bm.query, nil)
			for name, value := range c.cookies {
				req.AddCookie(&http.Cookie{Name: name, Value: value})
			}
			for k, v := range c.header {
				req.Header[k] = v
			}
			// The benchmark measures the page it means to (checked once,
			// before the timing starts).
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			var page notesPage
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != http.StatusOK {
				b.Fatalf("status %d, %v: %s", rec.Code, err, rec.Body)
			}
			if got := noteIDs(page.Notes); len(got) != bm.size || got[0] != bm.newest || page.Next == nil {
				b.Fatalf("page of %d notes %v, next %v; want %d from id %d, and a cursor", len(got), got, page.Next, bm.size, bm.newest)
			}
			b.SetBytes(int64(rec.Body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
