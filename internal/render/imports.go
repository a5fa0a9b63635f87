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
// goimports would, and squeezes the blank lines a marked block leaves, as
// gofmt would. The reference code imports what any project's lines need;
// each project keeps what its own lines use. Unlike goimports it never runs
// the go command or reads other files: an import's package name is its
// path's (ImportName). Only a file that loses an import is printed again
// (go/printer); every other keeps its text, so the reference must keep
// gofmt's alignment whatever lines a project has (a test renders every
// combination and checks).
func pruneImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
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
	var unused []*ast.ImportSpec
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		local := ImportName(p)
		if imp.Name != nil {
			if imp.Name.Name == "_" || imp.Name.Name == "." {
				continue // imported for its side effects, or into the file's scope
			}
			local = imp.Name.Name
		}
		if !used[local] {
			unused = append(unused, imp)
		}
	}
	if len(unused) == 0 {
		return squeezeBlankLines(fset, f, src), nil
	}
	// Parse again with the comments, which the file is printed with.
	fset = token.NewFileSet()
	if f, err = parser.ParseFile(fset, name, src, parser.ParseComments); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	for _, imp := range unused {
		p, _ := strconv.Unquote(imp.Path.Value)
		as := ""
		if imp.Name != nil {
			as = imp.Name.Name
		}
		astutil.DeleteNamedImport(fset, f, as, p)
	}
	// Print as gofmt does: its import order, then its layout, which
	// leaves no blank line where an import was.
	ast.SortImports(fset, f)
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return format.Source(b.Bytes())
}

// squeezeBlankLines returns src, parsed as f, with each run of blank lines
// outside string literals made one, as gofmt makes them: where a project
// has neither the lines of a marked block nor the code beside them, the
// blank lines around it meet. (Printing the whole file with go/printer
// would cost ten times the rest of rendering.)
func squeezeBlankLines(fset *token.FileSet, f *ast.File, src []byte) []byte {
	var literals [][2]int // byte ranges of strings that span lines
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && bytes.IndexByte([]byte(lit.Value), '\n') >= 0 {
			literals = append(literals, [2]int{fset.Position(lit.Pos()).Offset, fset.Position(lit.End()).Offset})
		}
		return true
	})
	inLiteral := func(off int) bool {
		for _, r := range literals {
			if off > r[0] && off < r[1] {
				return true
			}
		}
		return false
	}
	var out bytes.Buffer
	out.Grow(len(src))
	prevBlank := false
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off + 1
		}
		line := src[off:end]
		blank := len(bytes.TrimSpace(line)) == 0 && !inLiteral(off)
		if !(blank && prevBlank) {
			out.Write(line)
		}
		prevBlank = blank
		off = end
	}
	// and none at the end.
	b := out.Bytes()
	for bytes.HasSuffix(b, []byte("\n\n")) {
		b = b[:len(b)-1]
	}
	return b
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
