package render

import (
	"strings"
	"testing"
)

func TestPruneImports(t *testing.T) {
	src := `package x

import (
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
	jwt "github.com/golang-jwt/jwt/v5"
	_ "modernc.org/sqlite"

	"example.com/app/internal/store"
)

func f(s *store.Store) error {
	strings := []string{"shadowed"}
	_ = strings
	var _ redis.Cmdable
	return fmt.Errorf("x")
}
`
	got, err := pruneImports("x.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `package x

import (
	"fmt"

	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"example.com/app/internal/store"
)
`
	if !strings.HasPrefix(string(got), want) {
		t.Errorf("got\n%s\nwant the imports\n%s", got, want)
	}
	// A file whose imports are all used is only formatted.
	same, err := pruneImports("x.go", got)
	if err != nil || string(same) != string(got) {
		t.Errorf("second pass changed the file (%v):\n%s", err, same)
	}
	if _, err := pruneImports("x.go", []byte("package x\n\nvar s = \"unterminated\n")); err == nil || !strings.Contains(err.Error(), "x.go") {
		t.Errorf("bad Go: err = %v", err)
	}
	// A group emptied, and a file left without imports.
	got, err = pruneImports("y.go", []byte("package y\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/a\"\n)\n\nvar _ = fmt.Sprint()\n"))
	if err != nil || string(got) != "package y\n\nimport (\n\t\"fmt\"\n)\n\nvar _ = fmt.Sprint()\n" {
		t.Errorf("emptied group: %q, %v", got, err)
	}
	got, err = pruneImports("z.go", []byte("package z\n\nimport (\n\t\"fmt\"\n)\n\nvar x = 1\n"))
	if err != nil || string(got) != "package z\n\nvar x = 1\n" {
		t.Errorf("no import left: %q, %v", got, err)
	}
}

func TestImportName(t *testing.T) {
	for path, want := range map[string]string{
		"fmt":                            "fmt",
		"net/http/httptest":              "httptest",
		"github.com/redis/go-redis/v9":   "redis",
		"github.com/golang-jwt/jwt/v5":   "jwt",
		"github.com/jackc/pgx/v5/stdlib": "stdlib",
		"github.com/wneessen/go-mail":    "mail",
		"gopkg.in/yaml.v3":               "yaml",
		"github.com/x/v2x":               "v2x",
	} {
		if got := ImportName(path); got != want {
			t.Errorf("ImportName(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestModuleRename(t *testing.T) {
	src := []byte(`package x

import (
	"fmt"

	"example.com/ref/internal/a"
	b "example.com/ref"
	"example.com/reference/other"
)

// "example.com/ref/internal/a" in a comment stays.
var _ = fmt.Sprint(a.X, b.Y, other.Z, "example.com/ref")
`)
	got, err := ModuleRename{From: "example.com/ref", To: "github.com/acme/shop"}.apply("x.go", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"github.com/acme/shop/internal/a"`, `b "github.com/acme/shop"`, `"example.com/reference/other"`, `// "example.com/ref/internal/a" in a comment stays.`, `"example.com/ref")`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
}

func TestPruneImportsEdges(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"a comment above an unused import goes with it",
			"package x\n\nimport (\n\t\"fmt\"\n\n\t// Redis is the cache.\n\t\"github.com/redis/go-redis/v9\"\n)\n\nvar _ = fmt.Sprint()\n",
			"package x\n\nimport (\n\t\"fmt\"\n)\n\nvar _ = fmt.Sprint()\n"},
		{"every block, and nothing in a string",
			"package x\n\nimport \"fmt\"\n\nimport (\n\t\"os\"\n\n\t\"strings\"\n)\n\nconst t = `import (\n\n\t\"a\"\n\n)\n`\n\nvar _, _ = fmt.Sprint(), os.Args\n",
			"package x\n\nimport \"fmt\"\n\nimport (\n\t\"os\"\n)\n\nconst t = `import (\n\n\t\"a\"\n\n)\n`\n\nvar _, _ = fmt.Sprint(), os.Args\n"},
		{"two imports on a line: printed from the syntax tree",
			"package x\n\nimport (\"os\"; \"strings\")\nimport \"fmt\"\n\nvar _ = strings.ToUpper(fmt.Sprint())\n",
			"package x\n\nimport (\n\t\"strings\"\n)\nimport \"fmt\"\n\nvar _ = strings.ToUpper(fmt.Sprint())\n"},
		{"cgo's C stays; blank lines in a block comment stay",
			"package x\n\n/*\n#include <stdio.h>\n\n\n*/\nimport \"C\"\n\nimport \"os\"\n\nvar x = 1\n",
			"package x\n\n/*\n#include <stdio.h>\n\n\n*/\nimport \"C\"\n\nvar x = 1\n"},
	} {
		got, err := pruneImports("x.go", []byte(tt.src))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got (%v)\n%s\nwant\n%s", tt.name, err, got, tt.want)
		}
	}
}
