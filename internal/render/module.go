package render

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// ModuleRename replaces the module path From by To in import paths.
type ModuleRename struct {
	From, To string
}

// apply rewrites the import paths of the Go file src that are From or lie
// under it. It finds them with go/parser and replaces only their literals,
// so the rest of the file is untouched.
func (m ModuleRename) apply(name string, src []byte) ([]byte, error) {
	if m.From == "" || m.From == m.To {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	var out bytes.Buffer
	last := 0
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		rest, ok := strings.CutPrefix(p, m.From)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			continue
		}
		start := fset.Position(imp.Path.Pos()).Offset
		end := fset.Position(imp.Path.End()).Offset
		out.Write(src[last:start])
		out.WriteString(strconv.Quote(m.To + rest))
		last = end
	}
	if last == 0 {
		return src, nil
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}
