package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Note is a user's note.
type Note struct {
	ID        int64
	UserID    int64
	Title     string
	Body      string
	CreatedAt time.Time
}

// CreateNote inserts a note for userID.
func (s *Store) CreateNote(ctx context.Context, userID int64, title, body string, now time.Time) (Note, error) {
	n := Note{UserID: userID, Title: title, Body: body, CreatedAt: fromMillis(millis(now))}
	err := s.q.QueryRowContext(ctx,
		`INSERT INTO notes (user_id, title, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		userID, title, body, millis(now)).Scan(&n.ID)
	if err != nil {
		return Note{}, fmt.Errorf("insert note: %w", err)
	}
	return n, nil
}

// NotePage is one page of a user's notes, newest first.
type NotePage struct {
	Notes []Note
	// More reports whether older notes follow the last of Notes.
	More bool
}

// Notes returns up to limit of userID's notes, newest first: those older
// than the note whose id is before, or the newest when before is 0.
//
// This is keyset pagination: the query starts at a point of the index
// notes_user_id (user_id, id) and reads limit+1 rows from there, so a page
// costs the same however deep it is and however many notes the user has
// (an OFFSET would read and skip every row before the page, and a COUNT
// every row of the user). The extra row only tells whether there is more.
// A note deleted since the previous page was read still marks the place
// to go on from: ids are never reused.
func (s *Store) Notes(ctx context.Context, userID, before int64, limit int) (NotePage, error) {
	if limit < 1 {
		return NotePage{}, fmt.Errorf("select notes: limit %d is not positive", limit)
	}
	if before == 0 {
		before = math.MaxInt64
	}
	rows, err := s.q.QueryContext(ctx,
		`SELECT id, user_id, title, body, created_at FROM notes
		WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, userID, before, limit+1)
	if err != nil {
		return NotePage{}, fmt.Errorf("select notes: %w", err)
	}
	defer rows.Close()
	page := NotePage{Notes: []Note{}}
	for rows.Next() {
		if len(page.Notes) == limit {
			page.More = true
			break
		}
		var n Note
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Title, &n.Body, &created); err != nil {
			return NotePage{}, fmt.Errorf("scan note: %w", err)
		}
		n.CreatedAt = fromMillis(created)
		page.Notes = append(page.Notes, n)
	}
	if err := rows.Err(); err != nil {
		return NotePage{}, fmt.Errorf("select notes: %w", err)
	}
	return page, nil
}

// Note returns userID's note id; ErrNotFound if it does not exist or
// belongs to someone else.
func (s *Store) Note(ctx context.Context, userID, id int64) (Note, error) {
	var n Note
	var created int64
	err := s.q.QueryRowContext(ctx,
		`SELECT id, user_id, title, body, created_at FROM notes WHERE id = $1 AND user_id = $2`, id, userID).
		Scan(&n.ID, &n.UserID, &n.Title, &n.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Note{}, ErrNotFound
	}
	if err != nil {
		return Note{}, fmt.Errorf("select note: %w", err)
	}
	n.CreatedAt = fromMillis(created)
	return n, nil
}

// DeleteNote deletes userID's note id; ErrNotFound if there is none.
func (s *Store) DeleteNote(ctx context.Context, userID, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM notes WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete note: %w", err)
	}
	return changedOne(res, "delete note")
}
