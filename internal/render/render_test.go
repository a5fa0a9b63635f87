package render

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

type data struct {
	Name string
	On   bool
}

func TestRender(t *testing.T) {
	fsys := fstest.MapFS{
		"plain.txt":                     {Data: []byte("{{.Name}} is copied as is\n")},
		"hello.txt.tmpl":                {Data: []byte("hello {{.Name}}\n")},
		"only-when-on.txt.tmpl":         {Data: []byte("{{if .On}}on{{end}}\n  \n")},
		"_helpers.tmpl":                 {Data: []byte(`{{define "shout"}}{{. | upper}}{{end}}`)},
		"uses-partial.txt.tmpl":         {Data: []byte(`{{template "shout" .Name}}`)},
		"dir/{{.Name}}.txt.tmpl":        {Data: []byte("named\n")},
		"{{if .On}}gone{{end}}/x.txt":   {Data: []byte("x")},
		"bin/run.sh":                    {Data: []byte("#!/bin/sh\n")},
		"nested/deep/file.go.tmpl":      {Data: []byte("package {{.Name}}\n")},
		"nested/deep/{{.Name}}.md.tmpl": {Data: []byte("{{.Name | title}}\n")},
	}
	files, err := Render(context.Background(), fsys, data{Name: "demo"}, Options{Executable: []string{"bin/run.sh"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]File{}
	var order []string
	for _, f := range files {
		got[f.Path] = f
		order = append(order, f.Path)
	}
	want := map[string]string{
		"plain.txt":           "{{.Name}} is copied as is\n",
		"hello.txt":           "hello demo\n",
		"uses-partial.txt":    "DEMO",
		"dir/demo.txt":        "named\n",
		"bin/run.sh":          "#!/bin/sh\n",
		"nested/deep/file.go": "package demo\n",
		"nested/deep/demo.md": "Demo\n",
	}
	for p, content := range want {
		f, ok := got[p]
		if !ok {
			t.Errorf("missing file %s (got %v)", p, order)
			continue
		}
		if string(f.Data) != content {
			t.Errorf("%s = %q, want %q", p, f.Data, content)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected file %s", p)
		}
	}
	if m := got["bin/run.sh"].Mode; m != 0o755 {
		t.Errorf("bin/run.sh mode = %v, want 0755", m)
	}
	if m := got["hello.txt"].Mode; m != 0o644 {
		t.Errorf("hello.txt mode = %v, want 0644", m)
	}
	if !got["hello.txt"].Rendered || got["plain.txt"].Rendered {
		t.Errorf("Rendered flags wrong: hello.txt %v, plain.txt %v", got["hello.txt"].Rendered, got["plain.txt"].Rendered)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("files not sorted: %q before %q", order[i-1], order[i])
		}
	}

	// With On, the conditional file and directory appear.
	files, err = Render(context.Background(), fsys, data{Name: "demo", On: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, f := range files {
		paths[f.Path] = string(f.Data)
	}
	if paths["only-when-on.txt"] != "on\n  \n" {
		t.Errorf("only-when-on.txt = %q", paths["only-when-on.txt"])
	}
	if _, ok := paths["gone/x.txt"]; !ok {
		t.Errorf("gone/x.txt missing with On: %v", paths)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing key", fstest.MapFS{"a.tmpl": {Data: []byte("{{.Nope}}")}}, "a.tmpl"},
		{"missing map key", fstest.MapFS{"m.tmpl": {Data: []byte(`{{index . "x"}}{{.y}}`)}}, "m.tmpl"},
		{"parse error", fstest.MapFS{"b.tmpl": {Data: []byte("{{if}}")}}, "b.tmpl"},
		{"env removed", fstest.MapFS{"c.tmpl": {Data: []byte(`{{env "HOME"}}`)}}, `function "env" not defined`},
		{"expandenv removed", fstest.MapFS{"c.tmpl": {Data: []byte(`{{expandenv "$HOME"}}`)}}, `function "expandenv" not defined`},
		{"now removed", fstest.MapFS{"c.tmpl": {Data: []byte(`{{now}}`)}}, `function "now" not defined`},
		{"random removed", fstest.MapFS{"c.tmpl": {Data: []byte(`{{randAlphaNum 8}}`)}}, `function "randAlphaNum" not defined`},
		{"escaping name", fstest.MapFS{"{{.Name}}/x.txt": {Data: []byte("x")}}, "not a path inside the project"},
		{"two sources one output", fstest.MapFS{"a.txt": {}, "a.txt.tmpl": {Data: []byte("x")}}, "also produced by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d any = data{Name: ".."}
			if tt.name == "missing map key" {
				d = map[string]string{"x": "1"}
			}
			_, err := Render(context.Background(), tt.fsys, d, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestRenderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, fstest.MapFS{"a.txt": {Data: []byte("a")}}, nil, Options{})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestFuncMapIsDeterministic(t *testing.T) {
	fm := FuncMap()
	for _, name := range nondeterministic {
		if _, ok := fm[name]; ok {
			t.Errorf("FuncMap has %s", name)
		}
	}
	for _, name := range []string{"upper", "quote", "trimSuffix", "join"} {
		if _, ok := fm[name]; !ok {
			t.Errorf("FuncMap lacks %s", name)
		}
	}
}
