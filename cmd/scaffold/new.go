package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/modfile"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/gitrepo"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/prompt"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// newOptions are the inputs of `scaffold new`.
type newOptions struct {
	IO        *IOStreams
	Prompter  prompt.Prompter
	Build     build
	Templates fs.FS
	// Program is how the printed commands run scaffold: "scaffold" when
	// empty (see invocation).
	Program string

	Name     string
	Auth     string
	Topology string
	DB       string
	Redis    project.Toggle
	Module   string
	Dir      string
	Config   string
	Yes      bool
	DryRun   bool
	Force    bool
	NoGit    bool

	// set records which flags were given on the command line.
	set map[string]bool
}

const newLong = `Create a new project in ./NAME (or --dir).

Questions that no flag and no answers file (--config) answered are asked on a
terminal. Without a terminal scaffold never waits for input: NAME and --auth
are required, or --yes takes the defaults for everything but NAME.

The generated project:

  NAME/
    README.md        what was chosen and why, how to run and deploy it
    Makefile         make setup, dev, test, build
    .scaffold.yaml   the scaffold version and these answers
    compose.yaml     PostgreSQL (and Redis with --redis) for development
                     (--db postgres only)
    api/             the Go HTTP API (cmd/api, configured by the environment)
    web/             the Next.js app (App Router, TypeScript)

The project is rendered into a staging directory and moved into place, so an
error or Ctrl-C leaves nothing behind. A non-empty target is refused unless
--force, which writes the project's files and leaves every other file as it
was.

With git on PATH the project becomes a repository whose first commit, the
project exactly as rendered, is on git's default branch and on the branch
"scaffold": scaffold update merges later versions and answers from there, so
keep that branch. Inside an existing repository (--force into one, or a
subdirectory) scaffold commits nothing, and with --no-git it skips git: commit
the files yourself, then run scaffold update --bootstrap once to use update.`

const newExample = `  # Ask the questions on a terminal
  scaffold new myapp

  # In a script: session auth, web app and API behind one origin, SQLite
  scaffold new myapp --yes

  # JWT auth for an API on another domain, with PostgreSQL
  scaffold new shop --auth jwt --topology cross-site --db postgres --module github.com/acme/shop

  # Several API instances sharing sessions and rate limits through Redis
  scaffold new shop --yes --db postgres --redis

  # Re-render a project from its recorded answers
  scaffold new --config myapp/.scaffold.yaml --dir myapp --force`

func newNewCmd(ios *IOStreams, b build, runF func(context.Context, *newOptions) error) *cobra.Command {
	opts := &newOptions{IO: ios, Build: b, Templates: scaffold.Templates(), Program: invocation(b)}
	cmd := &cobra.Command{
		Use:     "new [NAME]",
		Short:   "Create a new project",
		Long:    newLong,
		Example: newExample,
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			opts.set = make(map[string]bool)
			cmd.Flags().Visit(func(f *pflag.Flag) { opts.set[f.Name] = true })
			if opts.Prompter == nil {
				opts.Prompter = prompt.Huh{In: ios.In, Out: ios.Out, Accessible: ios.Getenv("ACCESSIBLE") != ""}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runNew(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Auth, "auth", "", "auth mode: "+choiceList(project.AuthChoices)+" (default session with --yes)")
	f.StringVar(&opts.Topology, "topology", "", "deployment of web app and API: "+choiceList(project.TopologyChoices)+" (default same-origin with --yes)")
	f.StringVar(&opts.DB, "db", "", "database: "+choiceList(project.DBChoices)+" (default sqlite with --yes)")
	toggleFlag(f, &opts.Redis, "redis", "Redis for sessions, rate limits and revocations shared by several API instances; needs --db postgres, even with --yes (default off)")
	f.StringVar(&opts.Module, "module", "", "Go module path of the API (default NAME)")
	f.StringVar(&opts.Dir, "dir", "", "target directory (default ./NAME)")
	f.StringVar(&opts.Config, "config", "", "answers file (YAML, the keys of .scaffold.yaml); flags override it")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "never prompt: unanswered questions take their defaults")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the files that would be written, with sizes; write nothing")
	f.BoolVar(&opts.Force, "force", false, "allow a non-empty target: write the project's files, touch nothing else")
	f.BoolVar(&opts.NoGit, "no-git", false, "skip git init and the first commit (scaffold update then needs --bootstrap once)")

	cmd.RegisterFlagCompletionFunc("auth", fixedCompletion(project.AuthChoices))
	cmd.RegisterFlagCompletionFunc("topology", fixedCompletion(project.TopologyChoices))
	cmd.RegisterFlagCompletionFunc("db", fixedCompletion(project.DBChoices))
	return cmd
}

func choiceList(cs []project.Choice) string {
	vals := make([]string, len(cs))
	for i, c := range cs {
		vals[i] = c.Value
	}
	return strings.Join(vals, "|")
}

func fixedCompletion(cs []project.Choice) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, c := range cs {
			out = append(out, c.Value+"\t"+c.Help)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func runNew(ctx context.Context, opts *newOptions) error {
	answers, err := gatherAnswers(opts)
	if err != nil {
		return err
	}
	// Before any question: where the project goes is known already.
	if !opts.DryRun {
		if err := checkOutsideScaffold(opts.Dir, answers.Name); err != nil {
			return err
		}
	}
	asked := false
	missing := answers.Missing()
	switch {
	case opts.Yes:
	case opts.IO.Interactive && (len(missing) > 0 || asksRedis(answers)):
		if answers, err = ask(ctx, opts, answers); err != nil {
			return err
		}
		asked = true
	case len(missing) > 0:
		if req := required(missing); len(req) > 0 {
			return usageErrorf("missing %s: there is no terminal to ask on; pass %s, or --yes to take the defaults",
				strings.Join(req, " and "), pronoun(req))
		}
	}
	if answers.Name == "" {
		return usageErrorf("missing NAME: give the project a name, e.g. scaffold new myapp")
	}
	answers = answers.WithDefaults()

	p, err := project.Resolve(answers, opts.Build.Version)
	if err != nil {
		return usageError{err}
	}
	dir := opts.Dir
	if dir == "" {
		dir = answers.Name
	}
	if !opts.Force && !opts.DryRun {
		if err := checkTarget(dir); err != nil {
			return err
		}
	}

	files, err := render.Render(ctx, opts.Templates, p, scaffold.RenderOptions(p.Module))
	if err != nil {
		return err
	}
	if opts.DryRun {
		return printTree(opts.IO.Out, dir, files)
	}
	if err := render.Write(ctx, dir, files, render.WriteOptions{Force: opts.Force}); err != nil {
		if errors.Is(err, render.ErrNotEmpty) {
			return fmt.Errorf("%s is not empty: choose another NAME or --dir, or pass --force to write the project's files into it", dir)
		}
		return err
	}

	out := opts.IO.Out
	fmt.Fprintf(out, "Created %s in %s (%s).\n", answers.Name, displayPath(dir), describeAnswers(answers))
	if !opts.NoGit {
		if msg := gitInit(ctx, dir, files, opts.Build.Version); msg != "" {
			fmt.Fprintln(opts.IO.ErrOut, msg)
		}
	}
	fmt.Fprintf(out, "\nNext:\n  cd %s\n  make setup && make dev\n  open http://localhost:3000\n", shellQuote(dir))
	if asked {
		fmt.Fprintf(out, "\nTo do the same without questions:\n  %s\n", equivalentCommand(opts, answers))
	}
	return nil
}

// gatherAnswers merges the answers file, the flags and NAME, flags winning,
// and validates what they answer.
func gatherAnswers(opts *newOptions) (project.Answers, error) {
	for _, name := range []string{"auth", "topology", "db", "module", "dir", "config"} {
		if opts.set[name] && strings.TrimSpace(flagValue(opts, name)) == "" {
			return project.Answers{}, usageErrorf("--%s is empty", name)
		}
	}
	a := project.Answers{
		Name:     opts.Name,
		Module:   opts.Module,
		Auth:     project.Auth(opts.Auth),
		Topology: project.Topology(opts.Topology),
		DB:       project.DB(opts.DB),
		Redis:    opts.Redis,
	}
	if opts.Config != "" {
		fromFile, err := readAnswersFile(opts.Config)
		if err != nil {
			return a, err
		}
		a = a.Merge(fromFile)
	}
	if err := a.Validate(); err != nil {
		return a, usageError{oneLine(err)}
	}
	return a, nil
}

func flagValue(opts *newOptions, name string) string {
	switch name {
	case "auth":
		return opts.Auth
	case "topology":
		return opts.Topology
	case "db":
		return opts.DB
	case "module":
		return opts.Module
	case "dir":
		return opts.Dir
	case "config":
		return opts.Config
	}
	return ""
}

// answersFile is the shape of .scaffold.yaml.
type answersFile struct {
	// Version is the scaffold version that wrote the file; it is recorded,
	// not checked.
	Version         string `yaml:"version,omitempty"`
	project.Answers `yaml:",inline"`
}

func readAnswersFile(name string) (project.Answers, error) {
	f, err := loadAnswersFile(name)
	return f.Answers, err
}

// loadAnswersFile reads an answers file and validates each answer in it,
// strictly: an unknown key is an error. Its callers validate the answers
// again once flags have overridden some.
func loadAnswersFile(name string) (answersFile, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return answersFile{}, usageErrorf("read answers file: %w", err)
	}
	var f answersFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return answersFile{}, usageErrorf("answers file %s: %s", name, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if err := f.Answers.ValidateFields(); err != nil {
		return answersFile{}, usageErrorf("answers file %s: %w", name, oneLine(err))
	}
	return f, nil
}

// oneLine joins the lines of a joined error with "; ".
func oneLine(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
}

// required lists the missing answers that have no default, as flags.
func required(missing []string) []string {
	var req []string
	for _, m := range missing {
		switch m {
		case "name":
			req = append(req, "NAME")
		case "auth":
			req = append(req, "--auth")
		}
	}
	return req
}

func pronoun(req []string) string {
	if len(req) == 1 {
		return "it"
	}
	return "them"
}

// ask prompts for every unanswered question, the name first so that the
// module path can default to it.
func ask(ctx context.Context, opts *newOptions, a project.Answers) (project.Answers, error) {
	if a.Name == "" {
		name := ""
		err := opts.Prompter.Ask(ctx, []prompt.Question{{
			Title:       "Project name",
			Description: "Lowercase letters, digits and '-'; the directory, the npm package and the default Go module path.",
			Validate: func(s string) error {
				if err := project.ValidateName(s); err != nil {
					return err
				}
				if opts.Dir == "" && !opts.Force && !opts.DryRun {
					return checkTarget(s)
				}
				return nil
			},
			Value: &name,
		}})
		if err != nil {
			return a, err
		}
		a.Name = name
	}
	if err := project.ValidateName(a.Name); err != nil {
		return a, usageError{err}
	}

	d := a.WithDefaults()
	module, auth, topology, db := d.Module, string(d.Auth), string(d.Topology), string(d.DB)
	var qs []prompt.Question
	if a.Module == "" {
		qs = append(qs, prompt.Question{
			Title:       "Go module path of the API",
			Description: "As in api/go.mod, e.g. github.com/you/" + a.Name + ".",
			Validate:    project.ValidateModule,
			Value:       &module,
		})
	}
	if a.Auth == "" {
		qs = append(qs, prompt.Question{
			Title:       "Authentication",
			Description: "Pick hybrid when mobile apps, CLIs or services will call the API too.",
			Choices:     project.AuthChoices,
			Value:       &auth,
		})
	}
	if a.Topology == "" {
		qs = append(qs, prompt.Question{
			Title:       "Where will the web app and the API run?",
			Description: "This decides the cookie attributes, CORS and how the browser reaches the API.",
			Choices:     project.TopologyChoices,
			Value:       &topology,
		})
	}
	if a.DB == "" {
		q := prompt.Question{
			Title:   "Database",
			Choices: project.DBChoices,
			Value:   &db,
		}
		if a.Redis.On() {
			// --redis was given: offer the database it needs, and refuse
			// the other at the prompt rather than after every question.
			db = string(project.Postgres)
			q.Description = "--redis needs postgres."
			q.Validate = func(v string) error { return project.Answers{DB: project.DB(v), Redis: a.Redis}.Validate() }
		}
		qs = append(qs, q)
	}
	if len(qs) > 0 {
		if err := opts.Prompter.Ask(ctx, qs); err != nil {
			return a, err
		}
	}
	a.Module, a.Auth, a.Topology, a.DB = module, project.Auth(auth), project.Topology(topology), project.DB(db)

	// Whether Redis is a question depends on the database answered above.
	if asksRedis(a) {
		redis := false
		err := opts.Prompter.Ask(ctx, []prompt.Question{{
			Title:       "Redis for sessions and shared limits?",
			Description: "Several API instances then share sessions, rate limits and revocations; needs PostgreSQL.",
			Confirm:     &redis,
		}})
		if err != nil {
			return a, err
		}
		a.Redis = project.ToggleOf(redis)
	}
	if err := a.Validate(); err != nil {
		return a, usageError{oneLine(err)}
	}
	return a, nil
}

// asksRedis reports whether Redis is still a question: it is one only with
// PostgreSQL (with SQLite it is no).
func asksRedis(a project.Answers) bool {
	return a.Redis == project.Unanswered && a.DB == project.Postgres
}

// describeAnswers names the choices of a, as "session auth, same-origin,
// postgres, redis".
func describeAnswers(a project.Answers) string {
	s := fmt.Sprintf("%s auth, %s, %s", a.Auth, a.Topology, a.DB)
	if a.Redis.On() {
		s += ", redis"
	}
	return s
}

// checkTarget refuses a non-empty directory (or a file) at dir.
func checkTarget(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory: choose another NAME or --dir", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty: choose another NAME or --dir, or pass --force to write the project's files into it", dir)
	}
	return nil
}

// scaffoldModule is the module path of scaffold's own source.
const scaffoldModule = "github.com/scaffoldhq/scaffold"

// checkOutsideScaffold refuses a project at dir (where dir is "", at NAME in
// the current directory) inside scaffold's own source tree, such as the
// clone `go run ./cmd/scaffold` runs in: the project would join scaffold's
// Go module (and its go test ./...) and its git repository.
func checkOutsideScaffold(dir, name string) error {
	target := dir
	if target == "" {
		target = "."
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			if modfile.ModulePath(b) != scaffoldModule {
				return nil
			}
			where, base := displayPath(dir), filepath.Base(abs)
			if dir == "" {
				where, base = "the current directory", name
				if base == "" {
					base = "NAME"
				}
			}
			// Beside the clone, as the current directory reaches it.
			outside := filepath.Join(filepath.Dir(d), base)
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, outside); err == nil {
					outside = rel
				}
			}
			return fmt.Errorf("%s is inside scaffold's own source (%s), where the project would become part of scaffold's Go module and git repository: create it outside, e.g. with --dir %s",
				where, d, shellQuote(outside))
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// invocation is how to run this scaffold again: "scaffold", or, for a
// binary that `go run` built (in the go command's temporary directory), the
// go run command that builds it again: ./cmd/scaffold from the root of
// scaffold's source, as in its README's quick start, else the module at
// this version.
func invocation(b build) string {
	exe, err := os.Executable()
	if err != nil || !isGoRunBinary(exe) {
		return "scaffold"
	}
	if src, err := os.ReadFile("go.mod"); err == nil && modfile.ModulePath(src) == scaffoldModule {
		return "go run ./cmd/scaffold"
	}
	version := "latest"
	if strings.HasPrefix(b.Version, "v") {
		version = b.Version
	}
	return "go run " + scaffoldModule + "/cmd/scaffold@" + version
}

// isGoRunBinary reports whether exe is a command go run built: in a
// temporary directory, $GOTMPDIR/go-build…/b001/exe/NAME, or, since Go 1.24,
// in the build cache, $GOCACHE/xx/<64 hex digits>-d/NAME.
func isGoRunBinary(exe string) bool {
	dir := filepath.Dir(exe)
	if d, ok := strings.CutSuffix(filepath.Base(dir), "-d"); ok && len(d) == 64 && isHex(d) {
		up := filepath.Base(filepath.Dir(dir))
		return len(up) == 2 && isHex(up) && strings.HasPrefix(d, up)
	}
	if filepath.Base(dir) != "exe" {
		return false
	}
	for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
		if n, ok := strings.CutPrefix(filepath.Base(d), "go-build"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

func isHex(s string) bool { return strings.Trim(s, "0123456789abcdef") == "" }

// equivalentCommand is the command line that gives the same project without
// questions.
func equivalentCommand(opts *newOptions, a project.Answers) string {
	args := []string{"new", a.Name, "--auth", string(a.Auth), "--topology", string(a.Topology), "--db", string(a.DB)}
	switch {
	case a.Redis.On():
		args = append(args, "--redis")
	case a.DB == project.Postgres:
		// Unanswered, Redis would be asked on a terminal.
		args = append(args, "--redis=false")
	}
	if a.Module != a.Name {
		args = append(args, "--module", a.Module)
	}
	if opts.Dir != "" {
		args = append(args, "--dir", opts.Dir)
	}
	if opts.Force {
		args = append(args, "--force")
	}
	if opts.NoGit {
		args = append(args, "--no-git")
	}
	for i, s := range args {
		args[i] = shellQuote(s)
	}
	program := opts.Program
	if program == "" {
		program = "scaffold"
	}
	return program + " " + strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// gitInit makes the project a git repository whose first commit holds the
// pristine render, on git's default branch and on the scaffold branch, the
// base of scaffold update. It returns a message to print, or "" when all
// went well or git is not installed.
func gitInit(ctx context.Context, dir string, files []render.File, version string) string {
	if !gitrepo.Available() {
		return ""
	}
	if repo, err := gitrepo.Open(ctx, dir); err == nil {
		// Committing here would commit into someone else's history; the
		// user decides what goes into it.
		return fmt.Sprintf("note: no commit made: %s is inside the git repository %s.\n"+
			"Commit the project's files yourself; if the repository has no %s branch yet, run scaffold update --bootstrap after that commit, so that scaffold update can merge later versions and answers.",
			displayPath(dir), repo.Root, scaffoldBranch)
	}
	if _, err := gitrepo.Init(ctx, dir, files, "Initial commit from scaffold "+version, scaffoldBranch); err != nil {
		return fmt.Sprintf("warning: the project has no first commit (%v).\n"+
			"The project itself is complete: commit it yourself, then run scaffold update --bootstrap so that scaffold update can merge later versions and answers.", err)
	}
	return ""
}

// printTree writes the files as an indented tree with sizes.
func printTree(w io.Writer, dir string, files []render.File) error {
	var total int
	fmt.Fprintf(w, "%s/ (dry run: nothing written)\n", filepath.ToSlash(filepath.Clean(dir)))
	printed := map[string]bool{}
	for _, f := range files {
		parts := strings.Split(f.Path, "/")
		for i := 1; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/")
			if !printed[d] {
				printed[d] = true
				fmt.Fprintf(w, "%s%s/\n", strings.Repeat("  ", i), parts[i-1])
			}
		}
		depth := len(parts)
		name := parts[depth-1]
		if f.Mode&0o111 != 0 {
			name += "*"
		}
		fmt.Fprintf(w, "%s%-*s %8s\n", strings.Repeat("  ", depth), max(1, 48-2*depth), name, humanSize(len(f.Data)))
		total += len(f.Data)
	}
	_, err := fmt.Fprintf(w, "%d files, %s\n", len(files), humanSize(total))
	return err
}

func humanSize(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

// displayPath shows a relative directory as ./dir, so it reads as a path.
func displayPath(dir string) string {
	if filepath.IsAbs(dir) || strings.HasPrefix(dir, ".") {
		return dir
	}
	return "." + string(filepath.Separator) + dir
}
