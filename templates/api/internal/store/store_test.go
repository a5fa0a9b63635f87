package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store/storetest"
)

var now = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func TestUsers(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "a@example.com", "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "a@example.com", "hash2", now); !errors.Is(err, store.ErrEmailTaken) {
		t.Fatalf("second CreateUser: got %v, want ErrEmailTaken", err)
	}
	got, err := st.UserByEmail(ctx, "a@example.com")
	if err != nil || got.ID != u.ID || got.PasswordHash != "hash" || !got.CreatedAt.Equal(now) {
		t.Fatalf("UserByEmail = %+v, %v; want %+v", got, err, u)
	}
	if _, err := st.UserByID(ctx, u.ID+1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UserByID(missing): got %v, want ErrNotFound", err)
	}
}

func TestNotesBelongToTheirUser(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	alice, _ := st.CreateUser(ctx, "alice@example.com", "h", now)
	bob, _ := st.CreateUser(ctx, "bob@example.com", "h", now)
	first, _ := st.CreateNote(ctx, alice.ID, "first", "", now)
	second, _ := st.CreateNote(ctx, alice.ID, "second", "body", now)

	page, err := st.Notes(ctx, alice.ID, 0, 10)
	if err != nil || len(page.Notes) != 2 || page.Notes[0].ID != second.ID || page.Notes[1].ID != first.ID {
		t.Fatalf("Notes = %+v, %v; want second then first", page, err)
	}
	if got := page.Notes[1]; got.UserID != alice.ID || got.Title != "first" || got.Body != "" || !got.CreatedAt.Equal(now) {
		t.Fatalf("first note read back as %+v", got)
	}
	if page, _ := st.Notes(ctx, bob.ID, 0, 10); len(page.Notes) != 0 || page.More {
		t.Fatalf("bob sees %+v", page)
	}
	if _, err := st.Note(ctx, bob.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob reads alice's note: %v", err)
	}
	if err := st.DeleteNote(ctx, bob.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob deletes alice's note: %v", err)
	}
	if err := st.DeleteNote(ctx, alice.ID, first.ID); err != nil {
		t.Fatal(err)
	}
}

// TestNotesPages walks a user's notes page by page, with another user's
// notes interleaved among them.
func TestNotesPages(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	alice, _ := st.CreateUser(ctx, "alice@example.com", "h", now)
	bob, _ := st.CreateUser(ctx, "bob@example.com", "h", now)
	var mine, bobs []int64 // oldest first
	for i := range 7 {
		n, err := st.CreateNote(ctx, alice.ID, fmt.Sprint("alice ", i), "", now)
		if err != nil {
			t.Fatal(err)
		}
		mine = append(mine, n.ID)
		if i%2 == 0 {
			n, err := st.CreateNote(ctx, bob.ID, fmt.Sprint("bob ", i), "", now)
			if err != nil {
				t.Fatal(err)
			}
			bobs = append(bobs, n.ID)
		}
	}
	newest := func(ids []int64, n int) []int64 { // the n newest of ids, newest first
		out := slices.Clone(ids[len(ids)-n:])
		slices.Reverse(out)
		return out
	}

	tests := []struct {
		name   string
		userID int64
		before int64
		limit  int
		want   []int64
		more   bool
	}{
		{"first page", alice.ID, 0, 3, newest(mine, 3), true},
		{"second page", alice.ID, mine[4], 3, newest(mine[:4], 3), true},
		{"last page, short", alice.ID, mine[1], 3, mine[:1], false},
		{"limit is exactly what is left", alice.ID, mine[3], 3, newest(mine[:3], 3), false},
		{"one fewer than what is left", alice.ID, 0, 6, newest(mine, 6), true},
		{"all in one page", alice.ID, 0, 7, newest(mine, 7), false},
		{"limit above the count", alice.ID, 0, 100, newest(mine, 7), false},
		{"limit 1", alice.ID, 0, 1, newest(mine, 1), true},
		{"past the oldest", alice.ID, mine[0], 3, nil, false},
		{"no bound", alice.ID, math.MaxInt64, 2, newest(mine, 2), true},
		// A cursor made from alice's note only pages bob's own notes.
		{"another user's id", bob.ID, mine[6], 10, newest(bobs[:3], 3), false},
		{"another user's id, mid-way", bob.ID, mine[3], 10, newest(bobs[:2], 2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := st.Notes(ctx, tt.userID, tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, n := range page.Notes {
				if n.UserID != tt.userID {
					t.Fatalf("note %d of user %d in user %d's page", n.ID, n.UserID, tt.userID)
				}
				got = append(got, n.ID)
			}
			if !slices.Equal(got, tt.want) || page.More != tt.more {
				t.Fatalf("Notes(before %d, limit %d) = %v, more %v; want %v, more %v", tt.before, tt.limit, got, page.More, tt.want, tt.more)
			}
		})
	}

	// The place to go on from survives the deletion of the note it names.
	if err := st.DeleteNote(ctx, alice.ID, mine[4]); err != nil {
		t.Fatal(err)
	}
	page, err := st.Notes(ctx, alice.ID, mine[4], 3)
	if err != nil || !slices.Equal(ids(page.Notes), newest(mine[:4], 3)) || !page.More {
		t.Fatalf("after deleting the cursor's note: %v, more %v, %v", ids(page.Notes), page.More, err)
	}

	if _, err := st.Notes(ctx, alice.ID, 0, 0); err == nil {
		t.Fatal("Notes with limit 0: no error")
	}
}

func ids(notes []store.Note) []int64 {
	out := make([]int64, len(notes))
	for i, n := range notes {
		out[i] = n.ID
	}
	return out
}

// TestConcurrentWrites checks that the database takes simultaneous writes
// without "database is locked" errors.
func TestConcurrentWrites(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	u, _ := st.CreateUser(ctx, "a@example.com", "h", now)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := st.CreateNote(ctx, u.ID, "t", "b", now)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// scaffold:if .Postgres

// TestConcurrentMigrations: instances of the API that start together
// against a fresh database (replicas of a deployment) all migrate it and
// start, rather than all but one failing on the same migration.
func TestConcurrentMigrations(t *testing.T) {
	url := storetest.URL(t)
	ctx := context.Background()
	const instances = 4
	var wg sync.WaitGroup
	errs := make(chan error, instances)
	for range instances {
		wg.Go(func() {
			st, err := store.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			errs <- st.Migrate(ctx)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// scaffold:end
// scaffold:if .BearerTokens

func TestMarkRotatedHasOneWinner(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	u, _ := st.CreateUser(ctx, "a@example.com", "h", now)
	if err := st.InsertRefreshToken(ctx, store.RefreshToken{TokenHash: "h1", FamilyID: "f", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	winners := 0
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			won, err := st.MarkRotated(ctx, "h1", now)
			if err != nil {
				t.Error(err)
			}
			if won {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d winners, want 1", winners)
	}
}

// scaffold:end

func TestDeleteExpired(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "a@example.com", "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.OAuthFlow{
		{StateHash: "gone", Provider: "github", ExpiresAt: now},
		{StateHash: "kept", Provider: "github", ExpiresAt: now.Add(time.Second)},
	} {
		if err := st.CreateOAuthFlow(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []store.PendingSignIn{
		{IDHash: "gone", UserID: u.ID, Client: "browser", ExpiresAt: now},
		{IDHash: "kept", UserID: u.ID, Client: "browser", ExpiresAt: now.Add(time.Second)},
	} {
		if err := st.CreatePendingSignIn(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DeleteExpired(ctx, now); err != nil {
		t.Fatal(err)
	}
	// Asked as of a moment before they expired: only the rows are gone.
	before := now.Add(-time.Minute)
	for hash, want := range map[string]error{"gone": store.ErrNotFound, "kept": nil} {
		if _, err := st.ConsumeOAuthFlow(ctx, hash, "github", before); !errors.Is(err, want) {
			t.Errorf("oauth flow %s: %v, want %v", hash, err, want)
		}
		if _, err := st.AttemptPendingSignIn(ctx, hash, "browser", 5, before); !errors.Is(err, want) {
			t.Errorf("pending sign-in %s: %v, want %v", hash, err, want)
		}
	}
}
