package render

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/scanner"
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
// each project keeps what its own lines use: the packages whose name
// qualifies an identifier. Unlike goimports it never runs the go command or
// reads other files: an import's package name is its path's (ImportName).
// It works on the text, with go/scanner (printing the file with go/printer
// would cost ten times the rest of rendering), so the reference must keep
// gofmt's layout whatever lines a project has: a test renders every
// combination and checks.
func pruneImports(name string, src []byte) ([]byte, error) {
	sc, err := scanGo(name, src)
	if err != nil {
		return nil, err
	}
	var unused []importSpec
	for _, imp := range sc.imports {
		local := ImportName(imp.path)
		if imp.name != "" {
			if imp.name == "_" || imp.name == "." {
				continue // imported for its side effects, or into the file's scope
			}
			local = imp.name
		}
		if !sc.qualifiers[local] {
			unused = append(unused, imp)
		}
	}
	if len(unused) == 0 {
		return squeezeBlankLines(src, sc.literals), nil
	}
	if len(unused) == len(sc.imports) {
		return printWithout(name, src, unused)
	}
	// Delete the lines of the unused imports, then the blank lines that
	// leaves at the edges of the import block.
	var out bytes.Buffer
	last := 0
	for _, imp := range unused {
		out.Write(src[last:imp.start])
		last = imp.end
	}
	out.Write(src[last:])
	b := out.Bytes()
	b = bytes.Replace(b, []byte("import (\n\n"), []byte("import (\n"), 1)
	if i := bytes.Index(b, []byte("import (\n")); i >= 0 {
		if j := bytes.Index(b[i:], []byte("\n)\n")); j >= 0 {
			block := b[i : i+j]
			trimmed := bytes.TrimRight(block, "\n")
			b = append(append(append([]byte(nil), b[:i]...), trimmed...), b[i+j:]...)
		}
	}
	sc, err = scanGo(name, b)
	if err != nil {
		return nil, err
	}
	return squeezeBlankLines(b, sc.literals), nil
}

// importSpec is one import of a file: its name (if it has one), its path,
// and the byte range of its line.
type importSpec struct {
	name, path string
	start, end int
}

// goScan is what pruneImports needs to know of a Go file, read by go/scanner
// alone (no parsing: rendering a project would cost ten times as much).
type goScan struct {
	imports []importSpec
	// qualifiers are the identifiers written before a dot, not after one:
	// the packages used (and variables, which do no harm here).
	qualifiers map[string]bool
	// literals are the byte ranges of the strings that span lines.
	literals [][2]int
}

func scanGo(name string, src []byte) (goScan, error) {
	sc := goScan{qualifiers: map[string]bool{}}
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var scanErr error
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) {
		if scanErr == nil {
			scanErr = fmt.Errorf("render %s: %s: %s", name, pos, msg)
		}
	}, 0)
	inImport, paren := false, false
	specName := ""
	var prev, prev2 token.Token
	prevLit := ""
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch {
		case tok == token.IMPORT:
			inImport = true
		case inImport && tok == token.LPAREN:
			paren = true
		case inImport && tok == token.RPAREN:
			inImport, paren = false, false
		case inImport && tok == token.IDENT:
			specName = lit
		case inImport && tok == token.PERIOD:
			specName = "."
		case inImport && tok == token.STRING:
			p, err := strconv.Unquote(lit)
			if err != nil {
				return sc, fmt.Errorf("render %s: %s: %w", name, fset.Position(pos), err)
			}
			start := bytes.LastIndexByte(src[:off], '\n') + 1
			end := len(src)
			if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
				end = off + i + 1
			}
			sc.imports = append(sc.imports, importSpec{name: specName, path: p, start: start, end: end})
			specName = ""
			if !paren {
				inImport = false
			}
		case tok == token.STRING && strings.Contains(lit, "\n"):
			sc.literals = append(sc.literals, [2]int{off, off + len(lit)})
		case tok == token.PERIOD && prev == token.IDENT && prev2 != token.PERIOD:
			sc.qualifiers[prevLit] = true
		}
		prev2, prev, prevLit = prev, tok, lit
	}
	return sc, scanErr
}

// printWithout is the slow way, for a file none of whose imports stay:
// delete them from its syntax tree and print it as gofmt does.
func printWithout(name string, src []byte, unused []importSpec) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	for _, imp := range unused {
		astutil.DeleteNamedImport(fset, f, imp.name, imp.path)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return format.Source(b.Bytes())
}

// squeezeBlankLines returns src with each run of blank lines outside the
// string literals at literals made one, as gofmt makes them: where a
// project has neither the lines of a marked block nor the code beside them,
// the blank lines around it meet. None is left at the end.
func squeezeBlankLines(src []byte, literals [][2]int) []byte {
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
