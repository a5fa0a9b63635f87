package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO notes (user_id, title, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		userID, title, body, millis(now)).Scan(&n.ID)
	if err != nil {
		return Note{}, fmt.Errorf("insert note: %w", err)
	}
	return n, nil
}

// Notes returns userID's notes, newest first.
func (s *Store) Notes(ctx context.Context, userID int64) ([]Note, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, user_id, title, body, created_at FROM notes WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("select notes: %w", err)
	}
	defer rows.Close()
	notes := []Note{}
	for rows.Next() {
		var n Note
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Title, &n.Body, &created); err != nil {
			return nil, fmt.Errorf("scan note: %w", err)
		}
		n.CreatedAt = fromMillis(created)
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select notes: %w", err)
	}
	return notes, nil
}

// Note returns userID's note id; ErrNotFound if it does not exist or
// belongs to someone else.
func (s *Store) Note(ctx context.Context, userID, id int64) (Note, error) {
	var n Note
	var created int64
	err := s.db.QueryRowContext(ctx,
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
	res, err := s.db.ExecContext(ctx, `DELETE FROM notes WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete note: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete note: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}
