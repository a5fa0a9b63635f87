package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

//go:embed templates
var templateFS embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/*.html"))
)

// Data is what a mail template shows.
type Data struct {
	App  string // the app's name
	Link string // the action: verify, reset
	// Valid says for how long the link works, in words ("30 minutes").
	Valid string
}

// subjects are the mails' subject lines, by template name.
var subjects = map[string]string{
	"verify": "Confirm your email address",
	"reset":  "Reset your password",
}

// Render makes the message named name (verify, reset) for to: a text part
// and an HTML part, from templates/NAME.txt and NAME.html.
func Render(name, to string, d Data) (Message, error) {
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, name+".txt", d); err != nil {
		return Message{}, fmt.Errorf("render %s.txt: %w", name, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html", d); err != nil {
		return Message{}, fmt.Errorf("render %s.html: %w", name, err)
	}
	return Message{To: to, Subject: d.App + ": " + subjects[name], Text: text.String(), HTML: html.String(), Link: d.Link}, nil
}
