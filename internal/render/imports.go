package render

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ast/astutil"
)

// pruneImports removes the imports the Go file src does not use, as
// goimports would, and returns it formatted by gofmt. The reference code
// imports what any project's lines need; each project keeps what its own
// lines use. Unlike goimports it never runs the go command or reads other
// files: an import's package name is its path's (ImportName).
func pruneImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	// A package is used when it qualifies a name: X.Sel where X is declared
	// nowhere in the file.
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	pruned := false
	for _, imp := range append([]*ast.ImportSpec(nil), f.Imports...) {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		local, as := ImportName(p), ""
		if imp.Name != nil {
			if imp.Name.Name == "_" || imp.Name.Name == "." {
				continue // imported for its side effects, or into the file's scope
			}
			local, as = imp.Name.Name, imp.Name.Name
		}
		if !used[local] {
			astutil.DeleteNamedImport(fset, f, as, p)
			pruned = true
		}
	}
	if !pruned {
		return format.Source(src)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return format.Source(b.Bytes())
}

// ImportName is the name a package imported from importPath is known by
// when the import does not name it: the last element of the path, or the
// one before a major version suffix (/v5), without a "go-" prefix and cut
// at the first character that cannot be in an identifier
// (github.com/redis/go-redis/v9 is redis). Every import of the reference
// code must follow it (a test checks); give the import a name otherwise.
func ImportName(importPath string) string {
	base := path.Base(importPath)
	if v, ok := strings.CutPrefix(base, "v"); ok && v != "" && strings.Trim(v, "0123456789") == "" {
		if dir := path.Dir(importPath); dir != "." {
			base = path.Base(dir)
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool { return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) }); i >= 0 {
		base = base[:i]
	}
	return base
}
