package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/prompt"
)

// fakePrompter answers questions by title ("yes" or "no" for a yes/no
// question) and records what was asked, the questions and the defaults
// they offered.
type fakePrompter struct {
	answers   map[string]string
	asked     []string
	questions map[string]prompt.Question
	defaults  map[string]string
	err       error
}

func (f *fakePrompter) Ask(_ context.Context, qs []prompt.Question) error {
	if f.err != nil {
		return f.err
	}
	if f.defaults == nil {
		f.defaults, f.questions = map[string]string{}, map[string]prompt.Question{}
	}
	for _, q := range qs {
		f.asked = append(f.asked, q.Title)
		f.questions[q.Title] = q
		if q.Confirm != nil {
			f.defaults[q.Title] = map[bool]string{true: "yes", false: "no"}[*q.Confirm]
			if a, ok := f.answers[q.Title]; ok {
				*q.Confirm = a == "yes"
			}
			continue
		}
		f.defaults[q.Title] = *q.Value
		if a, ok := f.answers[q.Title]; ok {
			if q.Validate != nil {
				if err := q.Validate(a); err != nil {
					return err
				}
			}
			*q.Value = a
		}
	}
	return nil
}

// runInteractive runs `scaffold new args...` in dir as if on a terminal.
func runInteractive(t *testing.T, dir string, p prompt.Prompter, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir) // a name given at the prompt is a directory in the working directory
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Interactive: true, Getenv: func(string) string { return "" }}
	root := newRootCmd(build{Version: "v1.2.3"}, ios)
	for _, c := range root.Commands() {
		if c.Name() == "new" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newNewCmd(ios, build{Version: "v1.2.3"}, func(ctx context.Context, o *newOptions) error {
		o.Prompter = p
		if o.Dir == "" && o.Name != "" {
			o.Dir = filepath.Join(dir, o.Name)
		}
		return runNew(ctx, o)
	}))
	root.SetArgs(append([]string{"new"}, args...))
	err := root.ExecuteContext(context.Background())
	if err != nil {
		errOut.WriteString(err.Error())
		return exitCode(err), out.String(), errOut.String()
	}
	return 0, out.String(), errOut.String()
}

func TestInteractiveAsksOnlyWhatIsUnanswered(t *testing.T) {
	dir := t.TempDir()
	p := &fakePrompter{answers: map[string]string{
		"Authentication": "jwt",
		"Where will the web app and the API run?": "cross-site",
		"Database":                  "postgres",
		"Go module path of the API": "github.com/acme/shop",
		redisQuestion:               "yes",
	}}
	code, out, errOut := runInteractive(t, dir, p, "shop", "--no-git")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []string{"Go module path of the API", "Authentication", "Where will the web app and the API run?", "Database", redisQuestion}
	if strings.Join(p.asked, "|") != strings.Join(want, "|") {
		t.Errorf("asked %q, want %q", p.asked, want)
	}
	if p.defaults[redisQuestion] != "no" {
		t.Errorf("the Redis question defaults to %s, want no", p.defaults[redisQuestion])
	}
	b, err := os.ReadFile(filepath.Join(dir, "shop", ".scaffold.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"auth: jwt", "topology: cross-site", "db: postgres", `module: "github.com/acme/shop"`, "redis: true"} {
		if !strings.Contains(string(b), line+"\n") {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", line, b)
		}
	}
	if !strings.Contains(out, "(jwt auth, cross-site, postgres, redis).") {
		t.Errorf("the summary does not name the choices:\n%s", out)
	}
	// The equivalent command reproduces the run without questions.
	wantCmd := "scaffold new shop --auth jwt --topology cross-site --db postgres --redis --module github.com/acme/shop --dir " + filepath.Join(dir, "shop") + " --no-git"
	if !strings.Contains(out, wantCmd) {
		t.Errorf("output lacks the equivalent command %q:\n%s", wantCmd, out)
	}
}

const redisQuestion = "Redis for sessions and shared limits?"

// Redis is a question only with PostgreSQL, whether the database was a
// flag or an answer; with SQLite it is no, and answered it is not asked.
func TestInteractiveRedisQuestion(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		answers map[string]string
		asked   []string
		// yaml is .scaffold.yaml's redis line; command the equivalent
		// command's end ("" when nothing was asked).
		yaml, command string
	}{
		{
			name:    "sqlite answered",
			args:    []string{"--auth", "session", "--topology", "same-origin", "--module", "app"},
			answers: map[string]string{"Database": "sqlite", redisQuestion: "yes"},
			asked:   []string{"Database"},
			yaml:    "redis: false", command: "--db sqlite --no-git",
		},
		{
			name:    "postgres flag, nothing else to ask",
			args:    []string{"--auth", "session", "--topology", "same-origin", "--db", "postgres", "--module", "app"},
			answers: map[string]string{redisQuestion: "no"},
			asked:   []string{redisQuestion},
			yaml:    "redis: false", command: "--db postgres --redis=false --no-git",
		},
		{
			name:    "postgres flag, yes",
			args:    []string{"--auth", "session", "--db", "postgres", "--module", "app"},
			answers: map[string]string{"Where will the web app and the API run?": "same-site", redisQuestion: "yes"},
			asked:   []string{"Where will the web app and the API run?", redisQuestion},
			yaml:    "redis: true", command: "--topology same-site --db postgres --redis --no-git",
		},
		{
			name:  "--redis=false",
			args:  []string{"--auth", "session", "--topology", "same-origin", "--db", "postgres", "--module", "app", "--redis=false"},
			asked: nil,
			yaml:  "redis: false",
		},
		{
			name:  "--redis",
			args:  []string{"--auth", "session", "--topology", "same-origin", "--db", "postgres", "--module", "app", "--redis"},
			asked: nil,
			yaml:  "redis: true",
		},
		{
			name:  "--yes",
			args:  []string{"--yes", "--db", "postgres"},
			asked: nil,
			yaml:  "redis: false",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := &fakePrompter{answers: tt.answers}
			code, out, errOut := runInteractive(t, dir, p, append([]string{"app", "--no-git"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.Join(p.asked, "|") != strings.Join(tt.asked, "|") {
				t.Errorf("asked %q, want %q", p.asked, tt.asked)
			}
			b, err := os.ReadFile(filepath.Join(dir, "app", ".scaffold.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "\n"+tt.yaml+"\n") {
				t.Errorf(".scaffold.yaml lacks %q:\n%s", tt.yaml, b)
			}
			if tt.command == "" {
				if strings.Contains(out, "without questions") {
					t.Errorf("printed an equivalent command though nothing was asked:\n%s", out)
				}
				return
			}
			var command string
			for line := range strings.Lines(out) {
				if strings.HasPrefix(line, "  scaffold new ") {
					// runInteractive passes --dir.
					command = strings.Replace(strings.TrimSpace(line), " --dir "+filepath.Join(dir, "app"), "", 1)
				}
			}
			if !strings.HasSuffix(command, tt.command) {
				t.Errorf("equivalent command %q does not end with %q", command, tt.command)
			}
		})
	}
}

// With --redis and no database, the database question offers postgres, the
// one --redis works with, and refuses sqlite at the prompt.
func TestInteractiveRedisFlagOffersPostgres(t *testing.T) {
	dir := t.TempDir()
	p := &fakePrompter{}
	code, out, errOut := runInteractive(t, dir, p, "app", "--no-git", "--auth", "jwt", "--topology", "same-origin", "--module", "app", "--redis")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Join(p.asked, "|") != "Database" || p.defaults["Database"] != "postgres" {
		t.Errorf("asked %q with defaults %q; want only the database, postgres by default", p.asked, p.defaults)
	}
	if !strings.Contains(out, "(jwt auth, same-origin, postgres, redis).") {
		t.Errorf("not a Redis project:\n%s", out)
	}
	// The prompt refuses sqlite with the reason, and asks again.
	if v := p.questions["Database"].Validate; v == nil || v("postgres") != nil || v("sqlite") == nil || !strings.Contains(v("sqlite").Error(), "redis needs the postgres database") {
		t.Error("the database question does not refuse sqlite with the reason")
	}

	p = &fakePrompter{answers: map[string]string{"Database": "sqlite"}}
	code, _, errOut = runInteractive(t, dir, p, "other", "--no-git", "--auth", "jwt", "--topology", "same-origin", "--module", "other", "--redis")
	if code == 0 || !strings.Contains(errOut, "redis needs the postgres database") {
		t.Errorf("exit %d, stderr %q: want sqlite refused", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "other")); err == nil {
		t.Error("a refused answer left a project")
	}
}

func TestInteractiveFlagsAreNotAsked(t *testing.T) {
	dir := t.TempDir()
	p := &fakePrompter{answers: map[string]string{"Project name": "app"}}
	code, out, errOut := runInteractive(t, dir, p, "--auth", "hybrid", "--topology", "same-site", "--db", "sqlite", "--module", "app", "--no-git")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Join(p.asked, "|") != "Project name" {
		t.Errorf("asked %q, want only the name", p.asked)
	}
	if !strings.Contains(out, "scaffold new app --auth hybrid --topology same-site --db sqlite") {
		t.Errorf("no equivalent command in:\n%s", out)
	}
}

func TestInteractiveYesNeverAsks(t *testing.T) {
	dir := t.TempDir()
	p := &fakePrompter{}
	code, out, errOut := runInteractive(t, dir, p, "app", "--yes", "--no-git")
	if code != 0 || len(p.asked) > 0 {
		t.Fatalf("exit %d, asked %q: %s", code, p.asked, errOut)
	}
	if strings.Contains(out, "without questions") {
		t.Errorf("printed an equivalent command though nothing was asked:\n%s", out)
	}
}

func TestInteractiveCancelWritesNothing(t *testing.T) {
	dir := t.TempDir()
	code, _, _ := runInteractive(t, dir, &fakePrompter{err: prompt.ErrCancelled}, "app", "--no-git")
	if code != exitCancelled {
		t.Errorf("exit %d, want %d", code, exitCancelled)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled run left %v", entries)
	}
}

func TestInteractiveNamePromptRefusesBusyDirectory(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "taken"), 0o755)
	os.WriteFile(filepath.Join(dir, "taken", "x"), []byte("x"), 0o644)
	p := &fakePrompter{answers: map[string]string{"Project name": "taken"}}
	code, _, errOut := runInteractive(t, dir, p, "--yes=false", "--auth", "session", "--no-git")
	if code == 0 || !strings.Contains(errOut, "taken is not empty") {
		t.Errorf("exit %d, stderr %q: want the name refused", code, errOut)
	}
}

func TestCancelledContextExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	var out bytes.Buffer
	opts := &newOptions{
		IO:    &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out, Getenv: os.Getenv},
		Build: build{Version: "v1"}, Templates: scaffold.Templates(),
		Name: "app", Yes: true, NoGit: true, Dir: filepath.Join(dir, "app"),
	}
	err := runNew(ctx, opts)
	if exitCode(err) != exitCancelled {
		t.Fatalf("err = %v, exit %d; want 130", err, exitCode(err))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled run left %v", entries)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{usageErrorf("bad"), exitUsage},
		{prompt.ErrCancelled, exitCancelled},
		{context.Canceled, exitCancelled},
		{os.ErrPermission, exitFailure},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// A project inside scaffold's own source would join its module and its
// repository: refused, with a directory outside to use instead.
func TestNewRefusesScaffoldsOwnSource(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module "+scaffoldModule+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(src)
	for _, dir := range []string{"", "myapp", filepath.Join("internal", "myapp"), filepath.Join(src, "myapp")} {
		err := checkOutsideScaffold(dir, "myapp")
		if err == nil || !strings.Contains(err.Error(), "scaffold's own source") {
			t.Errorf("%q: %v", dir, err)
		}
	}
	// The directory suggested is beside the clone, from where the command runs.
	if err := checkOutsideScaffold("", "myapp"); err == nil || !strings.Contains(err.Error(), "--dir ../myapp") {
		t.Errorf("no directory outside suggested: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(src, "cmd", "scaffold"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(src, "cmd", "scaffold"))
	if err := checkOutsideScaffold("", "myapp"); err == nil || !strings.Contains(err.Error(), "--dir ../../../myapp") {
		t.Errorf("from cmd/scaffold: %v", err)
	}
	t.Chdir(src)
	var out bytes.Buffer
	opts := &newOptions{
		IO:    &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out, Getenv: os.Getenv},
		Build: build{Version: "v1"}, Templates: scaffold.Templates(),
		Name: "myapp", Yes: true, NoGit: true,
	}
	if err := runNew(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "inside scaffold's own source") {
		t.Fatalf("scaffold new into its own source: %v", err)
	}
	if _, err := os.Stat("myapp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("myapp was written: %v", err)
	}

	// Next to the clone, or inside another module, is fine.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/monorepo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(filepath.Dir(src), "myapp"), filepath.Join(other, "myapp")} {
		if err := checkOutsideScaffold(dir, "myapp"); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

func TestEquivalentCommandRunsThisScaffold(t *testing.T) {
	a := project.Answers{Name: "shop", Module: "shop", Auth: project.AuthJWT, Topology: project.CrossSite, DB: project.SQLite}
	for program, want := range map[string]string{
		"":                      "scaffold new shop --auth jwt --topology cross-site --db sqlite --dir ../shop",
		"go run ./cmd/scaffold": "go run ./cmd/scaffold new shop --auth jwt --topology cross-site --db sqlite --dir ../shop",
	} {
		if got := equivalentCommand(&newOptions{Program: program, Dir: "../shop"}, a); got != want {
			t.Errorf("Program %q: %s, want %s", program, got, want)
		}
	}
	for exe, want := range map[string]bool{
		"/tmp/go-build1234/b001/exe/scaffold": true,
		"/root/.cache/go-build/b1/b1fd482322e4e5138c6fc87e804d83dbc1b2a02b3ac5e94e6ff127c9d65d6fed-d/scaffold": true,
		"/root/.cache/go-build/b1/0000482322e4e5138c6fc87e804d83dbc1b2a02b3ac5e94e6ff127c9d65d6fed-d/scaffold": false,
		"/tmp/go-build1234/b001/scaffold.test":       false,
		"/usr/local/bin/scaffold":                    false,
		"/home/me/go-build-tools/exe/scaffold-other": false,
	} {
		if got := isGoRunBinary(exe); got != want {
			t.Errorf("isGoRunBinary(%s) = %v", exe, got)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"app": "app", "github.com/a/b": "github.com/a/b", "my dir": "'my dir'", "it's": `'it'\''s'`, "": "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
