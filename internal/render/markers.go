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
// template before executing it. In Go (SQL writes -- for //, YAML #):
//
//	// scaffold:file PIPELINE     first line: the file exists only where PIPELINE holds
//	// scaffold:if PIPELINE       the lines up to the matching else or end exist
//	// scaffold:else if PIPELINE  only where PIPELINE holds (a text/template
//	// scaffold:else              pipeline over the project: .BearerTokens,
//	// scaffold:end               and .Redis .BrowserSessions, not .CORS)
//	// scaffold:line TEMPLATE     the next line is, in a project, TEMPLATE
//	                              (a text/template line) after that line's
//	                              own indentation
//	//~LINE                       LINE, a template line, belongs to projects the
//	                              reference is not: kept out of the reference's
//	                              build, written as it is where it applies
//
// A marker line is not written; every other line is written as it is.
// A // scaffold:file line may be followed by "//go:build ignore" and a blank
// line, which keep the file out of the reference's build (an alternative
// that cannot sit beside the reference's own file) and are not written
// either; "//go:build ignore && EXPR" is written "//go:build EXPR".
// Markers are whole lines, so gofmt may re-indent them freely. In a doc
// comment gofmt writes //~// as // ~//, which is read alike; any other
// comment that starts "// ~" is a comment.

// markerPrefixes maps the extension of a reference source file to its line
// comment.
var markerPrefixes = map[string]string{".go": "//", ".sql": "--", ".yaml": "#"}

// markerPrefix returns the line comment of a reference source file at p, or
// "" if p is not one.
func markerPrefix(p string) string { return markerPrefixes[path.Ext(p)] }

// offLine returns the template line that body, a line without its
// indentation, holds for other projects (a //~ line), if it is one.
func offLine(body, prefix string) (string, bool) {
	if rest, ok := strings.CutPrefix(body, prefix+"~"); ok {
		return rest, true
	}
	// gofmt's form in a doc comment, where an off line is a comment too.
	if rest, ok := strings.CutPrefix(body, prefix+" ~"); ok && strings.HasPrefix(rest, prefix) {
		return rest, true
	}
	return "", false
}

// lineBreak stands for a line break of the source that the template does
// not write, so that the template's line numbers, in its errors, are the
// source's.
const lineBreak = "{{/*\n*/}}"

// markersToTemplate returns the text/template source equivalent to src, a
// reference source file whose line comments start with prefix.
func markersToTemplate(name, src, prefix string) (string, error) {
	var b strings.Builder
	lines := strings.SplitAfter(src, "\n")
	directive := prefix + " scaffold:"
	var open []int // the lines of the ifs not yet ended
	fileLevel := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		body := strings.TrimLeft(line, " \t")
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, i+1, fmt.Sprintf(format, args...))
		}
		if off, ok := offLine(body, prefix); ok {
			b.WriteString(off)
			continue
		}
		if !strings.HasPrefix(body, directive) {
			if strings.HasPrefix(body, prefix+"scaffold:") {
				return "", fail("write the marker %s, with a space: gofmt moves a %s line to the end of a doc comment", directive+strings.TrimPrefix(strings.TrimSpace(body), prefix+"scaffold:"), prefix+"word:")
			}
			b.WriteString(strings.ReplaceAll(line, "{{", `{{"{{"}}`))
			continue
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(strings.TrimPrefix(body, directive), "\r\n"), " ")
		arg = strings.TrimSpace(arg)
		switch verb {
		case "file":
			if i != 0 || arg == "" {
				return "", fail("%sfile needs a condition and must be the first line", directive)
			}
			b.WriteString("{{if " + arg + "}}" + lineBreak)
			fileLevel = true
			// The reference leaves out of its build a file that cannot sit
			// beside its own (an alternative for another project) with the
			// constraint "ignore"; the project keeps the rest of it.
			if i+1 < len(lines) {
				if rest, ok := strings.CutPrefix(lines[i+1], "//go:build ignore && "); ok {
					lines[i+1] = "//go:build " + rest
				} else if strings.TrimRight(lines[i+1], "\r\n") == "//go:build ignore" && i+2 < len(lines) && strings.TrimSpace(lines[i+2]) == "" {
					b.WriteString(lineBreak + lineBreak)
					i += 2
				}
			}
		case "if":
			if arg == "" {
				return "", fail("%sif needs a condition", directive)
			}
			b.WriteString("{{if " + arg + "}}" + lineBreak)
			open = append(open, i+1)
		case "else":
			if len(open) == 0 {
				return "", fail("%selse outside %sif", directive, directive)
			}
			if arg == "" {
				b.WriteString("{{else}}" + lineBreak)
			} else if cond, ok := strings.CutPrefix(arg, "if "); ok && strings.TrimSpace(cond) != "" {
				b.WriteString("{{else if " + cond + "}}" + lineBreak)
			} else {
				return "", fail("unknown %selse %s", directive, arg)
			}
		case "end":
			if len(open) == 0 {
				return "", fail("%send without %sif", directive, directive)
			}
			b.WriteString("{{end}}" + lineBreak)
			open = open[:len(open)-1]
		case "line":
			if i+1 >= len(lines) || lines[i+1] == "" {
				return "", fail("%sline must be followed by the line it stands for", directive)
			}
			i++
			next := lines[i]
			indent := next[:len(next)-len(strings.TrimLeft(next, " \t"))]
			b.WriteString(lineBreak + indent + arg)
			if strings.HasSuffix(next, "\r\n") {
				b.WriteString("\r\n")
			} else if strings.HasSuffix(next, "\n") {
				b.WriteString("\n")
			}
		default:
			return "", fail("unknown marker %s%s", directive, verb)
		}
	}
	if len(open) != 0 {
		return "", fmt.Errorf("%s:%d: %sif without %send", name, open[len(open)-1], directive, directive)
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
		case isOff(body, prefix):
		default:
			b.WriteString(line)
		}
	}
	return b.Bytes(), true
}

func isOff(body, prefix string) bool {
	_, ok := offLine(body, prefix)
	return ok
}
