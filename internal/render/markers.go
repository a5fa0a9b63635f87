package render

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Source files of the reference code (Go and SQL) are ordinary files that
// their own tools read, build and test as they are. What differs between
// projects is written in comments, the markers, which Render turns into a
// template before executing it; prefix is the language's line comment:
//
//	//scaffold:file PIPELINE   first line: the file exists only where PIPELINE holds
//	//scaffold:if PIPELINE     the lines up to the matching else or end exist
//	//scaffold:else if PIPELINE  only where PIPELINE holds (a text/template
//	//scaffold:else            pipeline over the project: .BearerTokens,
//	//scaffold:end             and .Redis .BrowserSessions, not .CORS)
//	//scaffold:line TEMPLATE   the next line is, in a project, TEMPLATE
//	                           (a text/template line) after that line's
//	                           own indentation
//	//~LINE                    LINE, a template line, belongs to projects the
//	                           reference is not: kept out of the reference's
//	                           build, written as it is where it applies
//
// A marker line is not written; every other line is written as it is.
// A //scaffold:file line may be followed by "//go:build ignore" and a blank
// line, which keep the file out of the reference's build (an alternative
// that cannot sit beside the reference's own file) and are not written
// either; "//go:build ignore && EXPR" is written "//go:build EXPR".
// Markers are whole lines, so gofmt may re-indent them freely; in a doc
// comment gofmt writes "// ~LINE" for "//~LINE", and both are read alike.

// markerPrefixes maps the extension of a reference source file to its line
// comment.
var markerPrefixes = map[string]string{".go": "//", ".sql": "--"}

// markerPrefix returns the line comment of a reference source file at p, or
// "" if p is not one.
func markerPrefix(p string) string { return markerPrefixes[path.Ext(p)] }

// markersToTemplate returns the text/template source equivalent to src, a
// reference source file whose line comments start with prefix.
func markersToTemplate(name, src, prefix string) (string, error) {
	var b strings.Builder
	lines := strings.SplitAfter(src, "\n")
	directive := prefix + " scaffold:"
	offLine := prefix + "~"
	offLineSpaced := prefix + " ~"
	depth := 0
	fileLevel := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		body := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(body, directive):
			verb, arg, _ := strings.Cut(strings.TrimRight(strings.TrimPrefix(body, directive), "\r\n"), " ")
			arg = strings.TrimSpace(arg)
			fail := func(msg string) error { return fmt.Errorf("%s:%d: %s", name, i+1, msg) }
			switch verb {
			case "file":
				if i != 0 || arg == "" {
					return "", fail(directive + "file needs a condition and must be the first line")
				}
				fmt.Fprintf(&b, "{{if %s}}", arg)
				fileLevel = true
				// The reference leaves out of its build a file that cannot sit
				// beside its own (an alternative for another project) with
				// the constraint "ignore"; the project keeps the rest of it.
				if i+1 < len(lines) {
					if rest, ok := strings.CutPrefix(lines[i+1], "//go:build ignore && "); ok {
						lines[i+1] = "//go:build " + rest
					} else if lines[i+1] == "//go:build ignore\n" && i+2 < len(lines) && strings.TrimSpace(lines[i+2]) == "" {
						i += 2
					}
				}
			case "if":
				if arg == "" {
					return "", fail(directive + "if needs a condition")
				}
				fmt.Fprintf(&b, "{{if %s}}", arg)
				depth++
			case "else":
				if depth == 0 {
					return "", fail(directive + "else outside " + directive + "if")
				}
				if arg == "" {
					b.WriteString("{{else}}")
				} else if cond, ok := strings.CutPrefix(arg, "if "); ok {
					fmt.Fprintf(&b, "{{else if %s}}", cond)
				} else {
					return "", fail("unknown " + directive + "else " + arg)
				}
			case "end":
				if depth == 0 {
					return "", fail(directive + "end without " + directive + "if")
				}
				b.WriteString("{{end}}")
				depth--
			case "line":
				if i+1 >= len(lines) {
					return "", fail(directive + "line must be followed by the line it stands for")
				}
				i++
				next := lines[i]
				indent := next[:len(next)-len(strings.TrimLeft(next, " \t"))]
				b.WriteString(indent)
				b.WriteString(arg)
				if strings.HasSuffix(next, "\n") {
					b.WriteString("\n")
				}
			default:
				return "", fail("unknown marker " + directive + verb)
			}
		case strings.HasPrefix(body, offLine):
			b.WriteString(strings.TrimPrefix(body, offLine))
		case strings.HasPrefix(body, offLineSpaced):
			b.WriteString(strings.TrimPrefix(body, offLineSpaced))
		default:
			b.WriteString(strings.ReplaceAll(line, "{{", `{{"{{"}}`))
		}
	}
	if depth != 0 {
		return "", fmt.Errorf("%s: %d %sif without %send", name, depth, directive, directive)
	}
	if fileLevel {
		b.WriteString("{{end}}")
	}
	return b.String(), nil
}

// Reference returns the code a reference source file holds for its own
// build, what Go's tools see in it: src without its markers and the lines of
// other projects. (The reference project renders the same code, up to
// gofmt's blank lines.) It returns ok false for a file kept out of the
// reference's build.
func Reference(p string, src []byte) (code []byte, ok bool) {
	prefix := markerPrefix(p)
	if prefix == "" {
		return src, true
	}
	directive := prefix + " scaffold:"
	var b bytes.Buffer
	lines := strings.SplitAfter(string(src), "\n")
	for i, line := range lines {
		body := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(body, directive):
			if i == 0 && i+1 < len(lines) && strings.HasPrefix(lines[1], "//go:build ignore") {
				return nil, false
			}
		case strings.HasPrefix(body, prefix+"~"), strings.HasPrefix(body, prefix+" ~"):
		default:
			b.WriteString(line)
		}
	}
	return b.Bytes(), true
}
