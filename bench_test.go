package scaffold_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// BenchmarkRender renders a whole project in memory.
func BenchmarkRender(b *testing.B) {
	for _, a := range []project.Answers{combinations()[0], combinations()[len(combinations())-1]} {
		b.Run(a.Key(), func(b *testing.B) {
			p, err := project.Resolve(a, goldenVersion)
			if err != nil {
				b.Fatal(err)
			}
			fsys := scaffold.Templates()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render.Render(context.Background(), fsys, p, render.Options{Executable: scaffold.Executable}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNew renders a project and writes it to disk atomically, as
// `scaffold new` does (without git).
func BenchmarkNew(b *testing.B) {
	a := combinations()[0]
	p, err := project.Resolve(a, goldenVersion)
	if err != nil {
		b.Fatal(err)
	}
	parent := b.TempDir()
	i := 0
	for b.Loop() {
		files, err := render.Render(context.Background(), scaffold.Templates(), p, render.Options{Executable: scaffold.Executable})
		if err != nil {
			b.Fatal(err)
		}
		i++
		if err := render.Write(context.Background(), filepath.Join(parent, fmt.Sprint(i)), files, render.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
