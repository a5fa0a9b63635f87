package httpapi

// What the API accepts of a note.
const (
	maxTitleLen = 200 // characters
	maxBodyLen  = 10_000
)
