// Package render turns a template tree into the files of a project and writes
// them into place atomically.
//
// A tree is any fs.FS mirroring the output: files ending in ".tmpl" are
// executed with text/template and sprig (minus the functions that read the
// environment or are not deterministic) with missingkey=error, and written
// without the suffix; every other file is copied byte for byte. Path elements
// may contain template actions. A rendered file whose output is only white
// space is not written, and files whose base name starts with "_" are
// partials: their {{define}}s are shared by every template, and they are never
// written themselves.
package render

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// File is one file of the output.
type File struct {
	Path string      // slash-separated, relative to the project root
	Data []byte      // contents
	Mode fs.FileMode // 0o644, or 0o755 for executables
	// Rendered is true for files produced by a template, false for copies.
	Rendered bool
}

// Options tune Render.
type Options struct {
	// Executable lists the output paths written with mode 0755; every other
	// file is 0644.
	Executable []string
	// Module renames the Go module of the reference code in every import
	// path of the Go files written, as gonew does.
	Module ModuleRename
}

// templateExt marks files to execute.
const templateExt = ".tmpl"

// nondeterministic are sprig functions that read the environment, the clock
// or a random source: a rendering must depend on its data alone.
var nondeterministic = []string{
	"env", "expandenv",
	"now", "date", "dateInZone", "date_in_zone", "dateModify", "date_modify", "mustDateModify", "must_date_modify",
	"ago", "htmlDate", "htmlDateInZone", "unixEpoch", "duration", "durationRound",
	"randAlpha", "randAlphaNum", "randAscii", "randNumeric", "randBytes", "randInt", "uuidv4",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey", "derivePassword", "shuffle",
}

// FuncMap returns the functions available to templates: sprig's text
// functions without those that would make output depend on anything but the
// data.
func FuncMap() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range nondeterministic {
		delete(fm, name)
	}
	return fm
}

// Render executes the tree fsys with data and returns the files to write,
// sorted by path. It reads every file before executing any, so a broken
// template fails before anything is produced.
func Render(ctx context.Context, fsys fs.FS, data any, opts Options) ([]File, error) {
	root := template.New("").Funcs(FuncMap()).Option("missingkey=error")
	var sources []string // template and plain file paths, in walk order
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		prefix := markerPrefix(p)
		if !strings.HasSuffix(p, templateExt) && prefix == "" {
			sources = append(sources, p)
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		src := string(b)
		if prefix != "" {
			if src, err = markersToTemplate(p, src, prefix); err != nil {
				return err
			}
		}
		if _, err := root.New(p).Parse(src); err != nil {
			return fmt.Errorf("parse template: %w", err)
		}
		if !isPartial(p) {
			sources = append(sources, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}

	var files []File
	seen := make(map[string]string) // output path -> source
	var buf bytes.Buffer
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, err := renderPath(root, src, data)
		if err != nil {
			return nil, err
		}
		if out == "" {
			continue // a path element rendered empty: the file is not wanted
		}
		f := File{Path: out, Mode: 0o644}
		if isTemplate(src) {
			buf.Reset()
			if err := root.ExecuteTemplate(&buf, src, data); err != nil {
				return nil, fmt.Errorf("render %s: %w", src, err)
			}
			if len(bytes.TrimSpace(buf.Bytes())) == 0 {
				continue
			}
			f.Data = bytes.Clone(buf.Bytes())
			f.Rendered = true
			if markerPrefix(src) == "//" {
				if f.Data, err = pruneImports(out, f.Data); err != nil {
					return nil, err
				}
				if f.Data, err = opts.Module.apply(out, f.Data); err != nil {
					return nil, err
				}
			}
		} else {
			if f.Data, err = fs.ReadFile(fsys, src); err != nil {
				return nil, fmt.Errorf("read %s: %w", src, err)
			}
		}
		if prev, dup := seen[out]; dup {
			return nil, fmt.Errorf("render %s: output %s is also produced by %s", src, out, prev)
		}
		seen[out] = src
		if slices.Contains(opts.Executable, out) {
			f.Mode = 0o755
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// isTemplate reports whether the file at p is executed: a template, or
// reference code with markers.
func isTemplate(p string) bool { return strings.HasSuffix(p, templateExt) || markerPrefix(p) != "" }

// isPartial reports whether the template at p only holds definitions: a
// .tmpl file whose name starts with "_".
func isPartial(p string) bool {
	return strings.HasSuffix(p, templateExt) && strings.HasPrefix(path.Base(p), "_")
}

// renderPath executes the template actions in the path of src, strips the
// template suffix and checks that the result stays inside the project. An
// element that renders empty drops the file ("").
func renderPath(root *template.Template, src string, data any) (string, error) {
	out := strings.TrimSuffix(src, templateExt)
	if strings.Contains(out, "{{") {
		var elems []string
		for _, el := range strings.Split(out, "/") {
			if strings.Contains(el, "{{") {
				t, err := root.New("path:" + src).Parse(el)
				if err != nil {
					return "", fmt.Errorf("parse file name %s: %w", src, err)
				}
				var b strings.Builder
				if err := t.Execute(&b, data); err != nil {
					return "", fmt.Errorf("render file name %s: %w", src, err)
				}
				el = strings.TrimSpace(b.String())
				if el == "" {
					return "", nil
				}
			}
			elems = append(elems, el)
		}
		out = strings.Join(elems, "/")
	}
	if !fs.ValidPath(out) || out == "." || strings.Contains(out, `\`) {
		return "", fmt.Errorf("render file name %s: %q is not a path inside the project", src, out)
	}
	return out, nil
}
