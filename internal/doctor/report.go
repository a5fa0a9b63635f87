package doctor

import (
	"fmt"
	"io"
	"strings"
)

// Symbol is how the text output marks a status.
func (s Status) Symbol() string {
	switch s {
	case OK:
		return "✓"
	case Fail:
		return "✗"
	case Warn:
		return "!"
	}
	return "-"
}

// WriteText prints the report as people read it: a line per check, and
// under each failure or warning the one-line fix.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Web app %s, API %s", r.Web, r.API)
	if r.ScaffoldAPI {
		b.WriteString(" (scaffold)")
	}
	b.WriteString("\n\n")
	for i := 0; i < len(r.Checks); i++ {
		c := r.Checks[i]
		if c.Status == Skip {
			// Checks skipped for one reason share a line.
			names := []string{c.Name}
			for i+1 < len(r.Checks) && r.Checks[i+1].Status == Skip && r.Checks[i+1].Detail == c.Detail {
				i++
				names = append(names, r.Checks[i].Name)
			}
			fmt.Fprintf(&b, "%s %s: skipped, %s\n", Skip.Symbol(), strings.Join(names, ", "), c.Detail)
			continue
		}
		fmt.Fprintf(&b, "%s %s", c.Status.Symbol(), c.Name)
		if c.Detail != "" {
			fmt.Fprintf(&b, ": %s", c.Detail)
		}
		b.WriteString("\n")
		if c.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", c.Fix)
		}
	}
	b.WriteString("\n" + r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is the report's last line: how many checks passed, failed and
// warned, and how many requests the run sent.
func (r *Report) Summary() string {
	var passed, skipped int
	for _, c := range r.Checks {
		switch c.Status {
		case OK:
			passed++
		case Skip:
			skipped++
		}
	}
	var parts []string
	if r.Failed == 0 && r.Warnings == 0 && skipped == 0 {
		parts = append(parts, fmt.Sprintf("all %d checks passed", passed))
	} else {
		if r.Failed > 0 {
			parts = append(parts, fmt.Sprintf("%d failed", r.Failed))
		}
		if r.Warnings > 0 {
			parts = append(parts, plural(r.Warnings, "warning"))
		}
		parts = append(parts, fmt.Sprintf("%d passed", passed))
		if skipped > 0 {
			parts = append(parts, fmt.Sprintf("%d skipped", skipped))
		}
	}
	s := strings.Join(parts, ", ")
	return strings.ToUpper(s[:1]) + s[1:] + "; " + plural(r.Requests, "request") + " sent."
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
