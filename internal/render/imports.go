package render

import (
	"bytes"
	"errors"
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
	drop := map[int]bool{} // the indexes in sc.imports of the unused imports
	for i, imp := range sc.imports {
		local := ImportName(imp.path)
		if imp.name != "" {
			local = imp.name
		}
		switch {
		case local == "_" || local == "." || imp.path == "C":
			// Imported for its side effects, into the file's scope, or cgo.
		case !sc.qualifiers[local]:
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		return squeezeBlankLines(src, sc.literals), nil
	}
	// Delete the lines of the unused imports, with the comment lines just
	// above each, and the blank lines that leaves at the edges of a block.
	// Where that is not a matter of lines (two imports on a line, a block
	// left empty), print the file from its syntax tree instead.
	var out bytes.Buffer
	last := 0
	for d, decl := range sc.decls {
		var specs []int
		for i, imp := range sc.imports {
			if imp.decl == d {
				specs = append(specs, i)
			}
		}
		if len(specs) == 0 {
			continue
		}
		if !decl.paren {
			if i := specs[0]; drop[i] {
				out.Write(src[last:sc.imports[i].start])
				last = sc.imports[i].end
			}
			continue
		}
		var kept []byte
		err := errNotLines // a block on one line
		if decl.body <= decl.end {
			kept, err = pruneBlock(src[decl.body:decl.end], sc.imports, specs, drop, decl.body)
		}
		if err != nil {
			var unused []importSpec
			for i := range drop {
				unused = append(unused, sc.imports[i])
			}
			return printWithout(name, src, unused)
		}
		out.Write(src[last:decl.body])
		out.Write(kept)
		last = decl.end
	}
	out.Write(src[last:])
	b := out.Bytes()
	sc, err = scanGo(name, b)
	if err != nil {
		return nil, err
	}
	return squeezeBlankLines(b, sc.literals), nil
}

// errNotLines says that pruning an import block is not a matter of lines.
var errNotLines = errors.New("not a matter of lines")

// pruneBlock returns the lines of the import block body (which starts at
// offset base of the file) without the imports specs that drop names, nor
// the comment lines just above them, nor blank lines at its edges or
// doubled.
func pruneBlock(body []byte, imports []importSpec, specs []int, drop map[int]bool, base int) ([]byte, error) {
	type line struct {
		text      []byte
		start     int // offset in the file
		drop      bool
		specs     int // imports on it
		dropSpecs int
	}
	var lines []line
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		lines = append(lines, line{text: body[off:end], start: base + off})
		off = end
	}
	lineOf := func(offset int) int {
		for i := len(lines) - 1; i >= 0; i-- {
			if lines[i].start <= offset {
				return i
			}
		}
		return 0
	}
	for _, i := range specs {
		l := lineOf(imports[i].start)
		lines[l].specs++
		if drop[i] {
			lines[l].dropSpecs++
		}
	}
	left := 0
	for i := range lines {
		if lines[i].dropSpecs == 0 {
			left += lines[i].specs
			continue
		}
		if lines[i].dropSpecs != lines[i].specs {
			return nil, errNotLines
		}
		lines[i].drop = true
		for j := i - 1; j >= 0 && bytes.HasPrefix(bytes.TrimSpace(lines[j].text), []byte("//")); j-- {
			lines[j].drop = true
		}
	}
	if left == 0 {
		return nil, errNotLines
	}
	var out bytes.Buffer
	blank := true // at the start of the block, a blank line goes
	var pending bool
	for _, l := range lines {
		if l.drop {
			continue
		}
		if len(bytes.TrimSpace(l.text)) == 0 {
			pending = !blank
			continue
		}
		if pending {
			out.WriteByte('\n')
			pending = false
		}
		out.Write(l.text)
		blank = false
	}
	return out.Bytes(), nil
}

// importSpec is one import of a file: its name (if it has one), its path,
// the byte range of its line, and its declaration (an index in decls).
type importSpec struct {
	name, path string
	start, end int
	decl       int
}

// importDecl is an import declaration: with parentheses, body and end are
// the byte range of the lines between them; without, it has one import.
type importDecl struct {
	paren     bool
	body, end int
}

// goScan is what pruneImports needs to know of a Go file, read by go/scanner
// alone (no parsing: rendering a project would cost ten times as much).
type goScan struct {
	decls   []importDecl
	imports []importSpec
	// qualifiers are the identifiers written before a dot, not after one:
	// the packages used, and variables. A variable named like an import
	// the file does not use keeps it, and the project does not build: give
	// the variable another name (the generated projects' builds catch it).
	qualifiers map[string]bool
	// literals are the byte ranges of the strings and comments that span
	// lines, whose blank lines are theirs.
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
			scanErr = fmt.Errorf("%s: %s", pos, msg)
		}
	}, scanner.ScanComments)
	lineStart := func(off int) int { return bytes.LastIndexByte(src[:off], '\n') + 1 }
	lineEnd := func(off int) int {
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			return off + i + 1
		}
		return len(src)
	}
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
		if tok == token.COMMENT {
			if strings.Contains(lit, "\n") {
				sc.literals = append(sc.literals, [2]int{off, off + len(lit)})
			}
			continue
		}
		switch {
		case tok == token.IMPORT:
			inImport = true
			sc.decls = append(sc.decls, importDecl{})
		case inImport && tok == token.LPAREN:
			paren = true
			d := &sc.decls[len(sc.decls)-1]
			d.paren, d.body = true, lineEnd(off)
		case inImport && tok == token.RPAREN:
			sc.decls[len(sc.decls)-1].end = lineStart(off)
			inImport, paren = false, false
		case inImport && tok == token.IDENT:
			specName = lit
		case inImport && tok == token.PERIOD:
			specName = "."
		case inImport && tok == token.STRING:
			p, err := strconv.Unquote(lit)
			if err != nil {
				return sc, fmt.Errorf("%s: %w", fset.Position(pos), err)
			}
			sc.imports = append(sc.imports, importSpec{name: specName, path: p, start: lineStart(off), end: lineEnd(off), decl: len(sc.decls) - 1})
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
		return nil, err // names the file and line
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
