package render

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
)

func renderMarkers(t *testing.T, src, prefix string, data any) (string, error) {
	t.Helper()
	tmpl, err := markersToTemplate("x", src, prefix)
	if err != nil {
		return "", err
	}
	parsed, err := template.New("x").Funcs(FuncMap()).Option("missingkey=error").Parse(tmpl)
	if err != nil {
		t.Fatalf("%v\n%s", err, tmpl)
	}
	var b bytes.Buffer
	if err := parsed.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String(), nil
}

func TestMarkers(t *testing.T) {
	const src = `package x

import (
	"fmt"
	//~	"strings"
)

// scaffold:line // Name is {{.Name}}.
// Name is ref.
const greeting = "{{not a template}}"

func f() {
	// scaffold:if .A
	fmt.Println("a")
	// scaffold:else if .B
	//~	fmt.Println("b", strings.ToUpper("{{.Name}}"))
	//~
	// scaffold:else
	//~	fmt.Println("neither")
	// scaffold:end
		// scaffold:line x := {{len .Name}}
	x := 3
}
`
	for _, tt := range []struct {
		data map[string]any
		want []string // lines the output has
		not  []string // lines it has not
	}{
		{map[string]any{"A": true, "B": false, "Name": "ref"}, []string{`	fmt.Println("a")`, "// Name is ref.", "\tx := 3", `const greeting = "{{not a template}}"`, `	"strings"`}, []string{"scaffold:", "~", `"b"`, "neither"}},
		{map[string]any{"A": false, "B": true, "Name": "shop"}, []string{`	fmt.Println("b", strings.ToUpper("shop"))`, "// Name is shop.", "\tx := 4"}, []string{`"a"`, "neither", "Name is ref"}},
		{map[string]any{"A": false, "B": false, "Name": "ab"}, []string{`	fmt.Println("neither")`, "\tx := 2"}, []string{`"a"`, `"b"`}},
	} {
		got, err := renderMarkers(t, src, "//", tt.data)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(got, "\n")
		has := func(l string) bool {
			for _, x := range lines {
				if x == l {
					return true
				}
			}
			return false
		}
		for _, w := range tt.want {
			if !has(w) {
				t.Errorf("%v: no line %q in\n%s", tt.data, w, got)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%v: %q in\n%s", tt.data, n, got)
			}
		}
	}
}

func TestMarkersFile(t *testing.T) {
	src := "// scaffold:file .SQLite\n//go:build ignore && unix\n\npackage x\n"
	got, _ := renderMarkers(t, src, "//", map[string]any{"SQLite": true})
	if got != "//go:build unix\n\npackage x\n" {
		t.Errorf("got %q", got)
	}
	if got, _ := renderMarkers(t, src, "//", map[string]any{"SQLite": false}); got != "" {
		t.Errorf("got %q for a file the project does not have", got)
	}
	src = "-- scaffold:file .SQLite\n--go:build ignore\n\nCREATE TABLE t (id INTEGER);\n"
	if got, _ := renderMarkers(t, "// scaffold:file .A\n//go:build ignore\n\npackage x\n", "//", map[string]any{"A": true}); got != "package x\n" {
		t.Errorf("got %q", got)
	}
	if got, _ := renderMarkers(t, "-- scaffold:if .A\nSELECT 1;\n-- scaffold:end\n--~SELECT 2;\n", "--", map[string]any{"A": false}); got != "SELECT 2;\n" {
		t.Errorf("SQL: got %q", got)
	}
}

func TestMarkersErrors(t *testing.T) {
	for _, src := range []string{
		"// scaffold:if .A\nx\n",
		"x\n// scaffold:end\n",
		"// scaffold:else\n",
		"// scaffold:if\n// scaffold:end\n",
		"x\n// scaffold:file .A\n",
		"// scaffold:unless .A\n",
		"// scaffold:else when .A\n",
		"x\n// scaffold:line {{.A}}",
	} {
		if _, err := markersToTemplate("x.go", src, "//"); err == nil {
			t.Errorf("no error for %q", src)
		} else if !strings.HasPrefix(err.Error(), "x.go") {
			t.Errorf("error %q does not name the file", err)
		}
	}
}

func TestReference(t *testing.T) {
	src := "// scaffold:if .A\n\tcode()\n// scaffold:else\n//~\tother()\n// scaffold:end\n// scaffold:line {{.X}}\nref()\n"
	got, ok := Reference("a.go", []byte(src))
	if !ok || string(got) != "\tcode()\nref()\n" {
		t.Errorf("Reference = %q, %v", got, ok)
	}
	if _, ok := Reference("b.go", []byte("// scaffold:file .SQLite\n//go:build ignore\n\npackage x\n")); ok {
		t.Error("a file left out of the reference's build is in it")
	}
}

func TestMarkersEdges(t *testing.T) {
	data := map[string]any{"A": true, "N": 2}
	// CRLF files keep their line ends, and their build line is dropped.
	got, err := renderMarkers(t, "// scaffold:file .A\r\n//go:build ignore\r\n\r\npackage x\r\n\r\n// scaffold:line var n = {{.N}}\r\nvar n = 1\r\n", "//", data)
	if err != nil || got != "package x\r\n\r\nvar n = 2\r\n" {
		t.Errorf("CRLF: %q, %v", got, err)
	}
	// A comment that starts "// ~" is a comment, unless it holds a comment
	// line of other projects (gofmt's form of //~// in a doc comment).
	got, _ = renderMarkers(t, "// ~5 ms per request.\n// scaffold:if not .A\n// ~// Other projects' doc.\n// scaffold:end\n", "//", map[string]any{"A": false})
	if got != "// ~5 ms per request.\n// Other projects' doc.\n" {
		t.Errorf("// ~: %q", got)
	}
	// Errors name the line of the source, markers counted.
	src := "package x\n\n// scaffold:if .A\nvar a = 1\n// scaffold:else\nvar a = 2\n// scaffold:end\n\n// scaffold:line var n = {{.Missing}}\nvar n = 1\n"
	tmpl, err := markersToTemplate("a.go", src, "//")
	if err != nil {
		t.Fatal(err)
	}
	parsed := template.Must(template.New("a.go").Option("missingkey=error").Parse(tmpl))
	if err := parsed.Execute(new(bytes.Buffer), map[string]any{"A": true}); err == nil || !strings.Contains(err.Error(), "a.go:10:") {
		t.Errorf("error %v does not name line 10", err)
	}
	for src, line := range map[string]string{
		"package x\n\n// scaffold:if .A\n":                 "a.go:3:",
		"package x\n// scaffold:line var n = {{.N}}\n":     "a.go:2:",
		"package x\n\n//scaffold:if .A\n// scaffold:end\n": "a.go:3:",
		"x\n// scaffold:else if\n":                         "a.go:2:",
	} {
		if _, err := markersToTemplate("a.go", src, "//"); err == nil || !strings.HasPrefix(err.Error(), line) {
			t.Errorf("%q: error %v, want it at %s", src, err, line)
		}
	}
}
