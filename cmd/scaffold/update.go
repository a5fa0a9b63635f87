package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/scaffoldhq/scaffold"
	"github.com/scaffoldhq/scaffold/internal/gitrepo"
	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// scaffoldBranch holds scaffold's pristine renders of the project, one
// commit per render; update merges it into the user's branch.
const scaffoldBranch = "scaffold"

// answersFileName is the project's record of its answers.
const answersFileName = ".scaffold.yaml"

// updateOptions are the inputs of `scaffold update`.
type updateOptions struct {
	IO        *IOStreams
	Build     build
	Templates fs.FS
	// Executable lists the rendered files that get mode 0755.
	Executable []string

	// Answers holds the answers given as flags; the rest come from
	// .scaffold.yaml.
	Answers   project.Answers
	Dir       string
	DryRun    bool
	Bootstrap bool

	// answerFlags are the names of the flags that set an answer, and given
	// those that were on the command line.
	answerFlags []string
	given       []string
}

const updateLong = `Bring a generated project to this version of scaffold, or to new answers,
keeping your own changes.

scaffold keeps every pristine render of the project (what scaffold new would
write for its answers, untouched) as a commit on the branch "scaffold"; the
project's first commit is on both that branch and yours. update renders the
project again, with the answers in .scaffold.yaml and those given as flags,
commits the render on "scaffold" and merges that branch into the branch you
are on with git's own merge. Your changes stay; the template's changes since
the last update come in; a file the new answers no longer produce is deleted,
unless you changed it.

It needs git and a clean work tree (commit or stash first). A clean merge
ends in a merge commit and a list of the files it changed (exit 0). A merge
with conflicts stops like any git merge (exit 1): the files have conflict
markers and the index the three versions your editor shows; resolve them,
git add them and git commit, or back out with git merge --abort. When the
project already matches the render, nothing is written ("up to date").

A project without the scaffold branch (made with --no-git, inside another
repository, or by an older scaffold) needs it recorded once:
scaffold update --bootstrap takes the render of the answers in .scaffold.yaml
as the base your project started from.`

const updateExample = `  # Move the API to another domain: re-wire cookies, CORS and the web app's API client
  scaffold update --topology cross-site

  # See what an update would change, and where it would conflict
  scaffold update --db postgres --dry-run

  # Run several API instances: sessions and rate limits in Redis (PostgreSQL projects)
  scaffold update --redis

  # After upgrading scaffold: bring the project to the new templates
  scaffold update

  # A project made with --no-git: commit it, then record the base once
  git init && git add -A && git commit -m "My project"
  scaffold update --bootstrap`

func newUpdateCmd(ios *IOStreams, b build, runF func(context.Context, *updateOptions) error) *cobra.Command {
	opts := &updateOptions{IO: ios, Build: b, Templates: scaffold.Templates(), Executable: scaffold.Executable}
	cmd := &cobra.Command{
		Use:     "update",
		Short:   "Bring a project to this version of scaffold or to new answers",
		Long:    updateLong,
		Example: updateExample,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var empty []string
			cmd.Flags().Visit(func(f *pflag.Flag) {
				if f.Value.Type() == "string" && strings.TrimSpace(f.Value.String()) == "" {
					empty = append(empty, "--"+f.Name)
				}
				for _, name := range opts.answerFlags {
					if f.Name == name {
						opts.given = append(opts.given, "--"+name)
					}
				}
			})
			if len(empty) > 0 {
				return usageErrorf("%s is empty", strings.Join(empty, " and "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runUpdate(cmd.Context(), opts)
		},
	}
	opts.answerFlags = bindAnswerFlags(cmd, &opts.Answers)
	f := cmd.Flags()
	f.BoolVar(&opts.DryRun, "dry-run", false, "print what would change and where it would conflict; write nothing")
	f.StringVar(&opts.Dir, "dir", "", "the project's directory (default: the one holding .scaffold.yaml, from the current directory up to the repository's root)")
	f.BoolVar(&opts.Bootstrap, "bootstrap", false, "record the render of .scaffold.yaml's answers as the base of a project without a scaffold branch")
	return cmd
}

// bindAnswerFlags binds the flags that change an answer and returns their
// names. An answer update can change is one line here.
func bindAnswerFlags(cmd *cobra.Command, a *project.Answers) []string {
	return []string{
		choiceFlag(cmd, (*string)(&a.Auth), "auth", "new auth mode", project.AuthChoices),
		choiceFlag(cmd, (*string)(&a.Topology), "topology", "new deployment of web app and API", project.TopologyChoices),
		choiceFlag(cmd, (*string)(&a.DB), "db", "new database", project.DBChoices),
		toggleFlag(cmd.Flags(), &a.Redis, "redis", "add Redis for sessions and shared limits (needs --db postgres), or take it out with --redis=false (default: as in .scaffold.yaml)"),
	}
}

// choiceFlag binds a flag that takes one of choices, with completion.
func choiceFlag(cmd *cobra.Command, p *string, name, usage string, choices []project.Choice) string {
	cmd.Flags().StringVar(p, name, "", usage+": "+choiceList(choices)+" (default: as in .scaffold.yaml)")
	cmd.RegisterFlagCompletionFunc(name, fixedCompletion(choices))
	return name
}

// toggleFlag binds a yes/no flag that leaves the answer unanswered unless
// it is given: --NAME is yes, --NAME=false is no, and without the flag the
// answers file (or .scaffold.yaml) decides, which a plain bool flag cannot
// tell apart from false.
func toggleFlag(fs *pflag.FlagSet, p *project.Toggle, name, usage string) string {
	fs.VarPF(toggleValue{p}, name, "", usage).NoOptDefVal = "true"
	return name
}

// toggleValue is a project.Toggle as a pflag.Value that reads like a bool.
type toggleValue struct{ p *project.Toggle }

func (v toggleValue) String() string   { return strconv.FormatBool(v.p != nil && v.p.On()) }
func (v toggleValue) Type() string     { return "bool" }
func (v toggleValue) IsBoolFlag() bool { return true }

func (v toggleValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v.p = project.ToggleOf(b)
	return nil
}

// conflictError ends an update whose merge stopped with conflicts: exit 1.
type conflictError struct{ n int }

func (e conflictError) Error() string {
	return fmt.Sprintf("the merge stopped with conflicts in %s: resolve them, git add and git commit; or back out with git merge --abort", plural(e.n, "file"))
}

// target is the project being updated and the repository holding it.
type target struct {
	repo *gitrepo.Repo
	// dir is the project's directory; prefix its slash-separated path in
	// the repository ("" at the root).
	dir, prefix string
	// recorded is .scaffold.yaml as committed.
	recorded answersFile
}

func runUpdate(ctx context.Context, opts *updateOptions) error {
	if opts.Bootstrap && len(opts.given) > 0 {
		return usageErrorf("--bootstrap records the answers of %s as they are: run it without %s first, then scaffold update with them",
			answersFileName, strings.Join(opts.given, " and "))
	}
	t, err := findProject(ctx, opts.Dir)
	if err != nil {
		return err
	}
	answers := opts.Answers.Merge(t.recorded.Answers)
	if err := answers.Validate(); err != nil {
		return usageError{oneLine(err)}
	}
	if missing := answers.Missing(); len(missing) > 0 {
		return usageErrorf("%s has no %s: add it to the file (or pass it as a flag)", filepath.Join(t.dir, answersFileName), strings.Join(missing, " and "))
	}
	if _, err := project.Resolve(answers, opts.Build.Version); err != nil {
		return usageError{oneLine(err)}
	}

	repo := t.repo
	if _, ok, err := repo.Commit(ctx, "HEAD"); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("the repository has no commit yet: commit the project (git add -A && git commit -m 'First commit'), then run scaffold update --bootstrap")
	}
	branch, err := repo.Branch(ctx)
	if err != nil {
		return err
	}
	switch branch {
	case "":
		return errors.New("HEAD is detached: check out the branch to update (git switch BRANCH), then run scaffold update again")
	case scaffoldBranch:
		return fmt.Errorf("the %s branch is checked out, and it holds scaffold's renders only: switch to your own branch (git switch -), then run scaffold update again", scaffoldBranch)
	}
	if err := checkClean(ctx, repo); err != nil {
		if !opts.DryRun {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "note: a real update would refuse to start: %v\n", err)
	}

	if opts.Bootstrap {
		return bootstrap(ctx, opts, t, branch)
	}
	tip, ok, err := repo.Commit(ctx, "refs/heads/"+scaffoldBranch)
	if err != nil {
		return err
	}
	if !ok {
		return noBranchError(ctx, repo)
	}
	base, related, err := repo.MergeBase(ctx, "HEAD", tip)
	if err != nil {
		return err
	}
	if !related {
		return fmt.Errorf("branch %s shares no history with the %s branch, so there is no base to merge against: if %s is left from another project, rename it (git branch -m %s %s-old) and run scaffold update --bootstrap",
			branch, scaffoldBranch, scaffoldBranch, scaffoldBranch, scaffoldBranch)
	}
	if err := checkBranchHolds(ctx, t, tip); err != nil {
		return err
	}

	files, err := renderProject(ctx, opts, answers, opts.Build.Version)
	if err != nil {
		return err
	}
	tree, err := repo.WriteTree(ctx, files, t.prefix)
	if err != nil {
		return fmt.Errorf("record the render: %w", err)
	}
	tipTree, err := repo.Tree(ctx, tip)
	if err != nil {
		return err
	}
	// The merge base is the last render merged into the branch: when the
	// new render is that one, there is nothing to merge. (The tip may be a
	// later render whose merge was backed out; it stays as it is.)
	baseTree, err := repo.Tree(ctx, base)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	what := describeRender(answers, opts.Build.Version)
	if tree == baseTree {
		fmt.Fprintf(out, "Already up to date: the project has %s; nothing to do.\n", what)
		return nil
	}

	changes := changeSummary(t.recorded, answers, opts.Build.Version)
	if opts.DryRun {
		return previewUpdate(ctx, opts, t, previewInput{base: base, tip: tip, tree: tree, tipTree: tipTree, what: what, changes: changes, branch: branch})
	}

	commit := tip
	if tree != tipTree {
		commit, err = repo.CommitTree(ctx, tree, []string{tip}, renderMessage(answers, opts.Build.Version))
		if err != nil {
			return fmt.Errorf("commit the render: %w", err)
		}
		if err := repo.SetBranch(ctx, scaffoldBranch, commit, tip, "scaffold update: "+what); err != nil {
			return fmt.Errorf("move the %s branch to the new render: %w", scaffoldBranch, err)
		}
		if len(changes) > 0 {
			fmt.Fprintf(out, "Committed %s on branch %s: %s.\n", what, scaffoldBranch, strings.Join(changes, ", "))
		} else {
			fmt.Fprintf(out, "Committed %s on branch %s.\n", what, scaffoldBranch)
		}
	} else {
		fmt.Fprintf(out, "The %s branch has %s, which %s has not merged yet (an earlier update was backed out?): merging it.\n", scaffoldBranch, what, branch)
	}
	before, _, err := repo.Commit(ctx, "HEAD")
	if err != nil {
		return err
	}
	subject := "scaffold update"
	if len(changes) > 0 {
		subject += ": " + strings.Join(changes, ", ")
	}
	conflicts, err := repo.Merge(ctx, scaffoldBranch, subject+"\n\nMerge of "+what+" (branch "+scaffoldBranch+").")
	if err != nil {
		return fmt.Errorf("%w (the new render is on the %s branch: once the cause is fixed, scaffold update merges it)", err, scaffoldBranch)
	}
	if len(conflicts) > 0 {
		printConflicts(out, branch, conflicts)
		return conflictError{len(conflicts)}
	}
	done, err := repo.Diff(ctx, before, "HEAD", "")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Merged it into %s: %s changed.\n", branch, plural(len(done), "file"))
	printChanges(out, done, nil, nil)
	fmt.Fprintln(out, "\nNext: check the result (make setup && make test). git show --stat shows the merge; git reset --hard ORIG_HEAD undoes it.")
	return nil
}

// findProject finds the project from dir ("" for the current directory):
// the nearest directory from dir up to the repository's root that holds
// .scaffold.yaml.
func findProject(ctx context.Context, dir string) (*target, error) {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, usageErrorf("--dir %s: not a directory", dir)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	repo, err := gitrepo.Open(ctx, abs)
	switch {
	case errors.Is(err, gitrepo.ErrNoGit):
		return nil, errors.New("scaffold update merges with git, which is not installed (not on PATH): install git, then run it again")
	case errors.Is(err, gitrepo.ErrNotRepo):
		if _, serr := os.Stat(filepath.Join(abs, answersFileName)); serr == nil {
			return nil, fmt.Errorf("%s is not in a git repository (made with --no-git?), and scaffold update merges with git: commit the project (git init && git add -A && git commit -m 'My project'), then run scaffold update --bootstrap", displayPath(dir))
		}
		return nil, fmt.Errorf("%s is not in a scaffold project (no %s, no git repository): run scaffold update in the project's directory, or pass --dir", displayPath(dir), answersFileName)
	case err != nil:
		return nil, err
	}
	root, err := filepath.EvalSymlinks(repo.Root)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		name := filepath.Join(d, answersFileName)
		if _, err := os.Stat(name); err == nil {
			f, err := loadAnswersFile(name)
			if err != nil {
				return nil, err
			}
			rel, err := filepath.Rel(root, d)
			if err != nil {
				return nil, err
			}
			t := &target{repo: repo, dir: d, prefix: filepath.ToSlash(rel), recorded: f}
			if t.prefix == "." {
				t.prefix = ""
			}
			return t, nil
		}
		if d == root || filepath.Dir(d) == d {
			break
		}
	}
	return nil, fmt.Errorf("no %s in %s or above it in the repository: run scaffold update in a project made by scaffold new, or pass --dir", answersFileName, displayPath(dir))
}

// checkClean refuses a work tree with uncommitted changes or an operation
// in progress: the merge must not mix with them, and git merge --abort must
// bring back exactly the last commit.
func checkClean(ctx context.Context, repo *gitrepo.Repo) error {
	if op := repo.Operation(); op != "" {
		how := "git " + op + " --abort"
		if op == "merge" {
			how = "git commit, or git merge --abort"
		}
		if op == "bisect" {
			how = "git bisect reset"
		}
		return fmt.Errorf("a %s is in progress: finish it (%s), then run scaffold update again", op, how)
	}
	changes, err := repo.Changes(ctx)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	shown := changes[:min(len(changes), 3)]
	more := ""
	if len(changes) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(changes)-len(shown))
	}
	return fmt.Errorf("the work tree has uncommitted changes (%s%s): commit or stash them (git stash -u), then run scaffold update again",
		strings.Join(shown, ", "), more)
}

// checkBranchHolds refuses a scaffold branch that holds the renders of
// another project of the repository: merging this project's render against
// it would delete the other one.
func checkBranchHolds(ctx context.Context, t *target, tip string) error {
	found, err := t.repo.Find(ctx, tip, answersFileName)
	if err != nil {
		return err
	}
	want := path.Join(t.prefix, answersFileName)
	if slices.Contains(found, want) {
		return nil
	}
	where := "no project"
	if len(found) > 0 {
		where = "the project at " + place(path.Dir(found[0]))
	}
	return fmt.Errorf("the %s branch holds the renders of %s, not of the one at %s: scaffold update keeps one project per repository",
		scaffoldBranch, where, place(path.Dir(want)))
}

// place names a directory of the repository.
func place(dir string) string {
	if dir == "." {
		return "the repository's root"
	}
	return dir + "/"
}

// noBranchError explains a repository without the scaffold branch.
func noBranchError(ctx context.Context, repo *gitrepo.Repo) error {
	remotes, err := repo.RemoteBranches(ctx, scaffoldBranch)
	if err != nil {
		return err
	}
	if len(remotes) > 0 {
		return fmt.Errorf("there is no local %s branch, but %s has one: create it (git branch %s %s), then run scaffold update again",
			scaffoldBranch, strings.Split(remotes[0], "/")[0], scaffoldBranch, remotes[0])
	}
	return fmt.Errorf("the repository has no %s branch, so there is no base to merge against (the project was made with --no-git, inside another repository, or by an older scaffold): run scaffold update --bootstrap once to record the render of .scaffold.yaml's answers as that base, then scaffold update",
		scaffoldBranch)
}

// bootstrap records the render of the committed answers as the base the
// user's branch started from: a root commit on the scaffold branch, merged
// into the branch with the "ours" strategy, so the files stay as they are
// and later updates merge only what changes after it.
func bootstrap(ctx context.Context, opts *updateOptions, t *target, branch string) error {
	repo := t.repo
	if _, ok, err := repo.Commit(ctx, "refs/heads/"+scaffoldBranch); err != nil {
		return err
	} else if ok {
		if err := checkBranchHolds(ctx, t, "refs/heads/"+scaffoldBranch); err != nil {
			return err
		}
		return fmt.Errorf("the repository has a %s branch already, so there is nothing to bootstrap: run scaffold update (to record a new base instead, delete the branch first: git branch -D %s)", scaffoldBranch, scaffoldBranch)
	}
	// The base is stamped with the version .scaffold.yaml records, so the
	// lines that name it match the project's; the templates can only be
	// this binary's.
	stamp := t.recorded.Version
	if stamp == "" {
		stamp = opts.Build.Version
	}
	files, err := renderProject(ctx, opts, t.recorded.Answers, stamp)
	if err != nil {
		return err
	}
	tree, err := repo.WriteTree(ctx, files, t.prefix)
	if err != nil {
		return fmt.Errorf("record the render: %w", err)
	}
	yours, err := repo.Diff(ctx, tree, "HEAD", t.prefix)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	what := describeRender(t.recorded.Answers, opts.Build.Version)
	if opts.DryRun {
		fmt.Fprintf(out, "Dry run: nothing written. scaffold update --bootstrap would record %s as the base of %s.\n", what, branch)
	} else {
		commit, err := repo.CommitTree(ctx, tree, nil, renderMessage(t.recorded.Answers, stamp)+
			"\n\nRecorded by scaffold update --bootstrap as the base of scaffold update.")
		if err != nil {
			return fmt.Errorf("commit the render: %w", err)
		}
		// The "ours" strategy cannot conflict: it records the render as
		// merged and keeps every file of the branch as it is.
		if _, err := repo.Merge(ctx, commit, "scaffold update --bootstrap: record "+what+" as the base of scaffold update",
			"-s", "ours", "--allow-unrelated-histories"); err != nil {
			return err
		}
		if err := repo.SetBranch(ctx, scaffoldBranch, commit, "", "scaffold update --bootstrap"); err != nil {
			return err
		}
		fmt.Fprintf(out, "Recorded %s as the base of %s: branch %s, merged into %s without changing a file.\n", what, branch, scaffoldBranch, branch)
	}
	if len(yours) == 0 {
		fmt.Fprintln(out, "The project matches that render exactly.")
	} else {
		fmt.Fprintf(out, "The project differs from it in %s; scaffold update keeps these as your changes:\n", plural(len(yours), "file"))
		printChanges(out, yours, nil, nil)
	}
	if t.recorded.Version != "" && t.recorded.Version != opts.Build.Version {
		fmt.Fprintf(out, "\nNote: %s says scaffold %s generated the project; this is scaffold %s, which can only render its own templates. "+
			"What the templates changed between the two counts as your change above, so scaffold update keeps %s's version of those lines. "+
			"For an exact base, bootstrap with scaffold %s instead (if it has update --bootstrap), then update with this one.\n",
			answersFileName, t.recorded.Version, opts.Build.Version, t.recorded.Version, t.recorded.Version)
	}
	if !opts.DryRun {
		fmt.Fprintf(out, "\nNext: scaffold update (with new answers, e.g. --topology cross-site, or after upgrading scaffold). Push the %s branch along with yours so that every clone can update.\n", scaffoldBranch)
	}
	return nil
}

type previewInput struct {
	base, tip, tree, tipTree string
	what, branch             string
	changes                  []string
}

// previewUpdate prints what an update would change and where it would
// conflict. It moves no ref and touches neither the work tree nor the index;
// the only writes are git objects (the render's blobs, tree and an
// unreferenced commit), which git's garbage collection removes.
func previewUpdate(ctx context.Context, opts *updateOptions, t *target, in previewInput) error {
	repo := t.repo
	theirs := in.tip
	if in.tree != in.tipTree {
		var err error
		theirs, err = repo.CommitTree(ctx, in.tree, []string{in.tip}, "scaffold update --dry-run")
		if err != nil {
			return fmt.Errorf("commit the render: %w", err)
		}
	}
	template, err := repo.Diff(ctx, in.base, in.tree, t.prefix)
	if err != nil {
		return err
	}
	yours, err := repo.Diff(ctx, in.base, "HEAD", t.prefix)
	if err != nil {
		return err
	}
	conflicts, err := repo.MergeTree(ctx, "HEAD", theirs)
	if err != nil {
		return err
	}
	changedByYou := map[string]bool{}
	for _, c := range yours {
		changedByYou[c.Path] = true
		if c.From != "" {
			changedByYou[c.From] = true
		}
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Dry run: nothing written. scaffold update would merge %s into %s", in.what, in.branch)
	if len(in.changes) > 0 {
		fmt.Fprintf(out, " (%s)", strings.Join(in.changes, ", "))
	}
	fmt.Fprintln(out, ".")
	fmt.Fprintf(out, "Files the template changes (%d):\n", len(template))
	printChanges(out, template, changedByYou, conflicts)
	if len(conflicts) == 0 {
		fmt.Fprintln(out, "It would merge cleanly.")
		return nil
	}
	paths := make([]string, len(conflicts))
	for i, c := range conflicts {
		paths[i] = c.Path
	}
	fmt.Fprintf(out, "It would stop with conflicts in %s: %s.\n", plural(len(conflicts), "file"), strings.Join(paths, ", "))
	return nil
}

// printChanges lists changed files, one a line. A file also in yours is
// marked as changed on both sides, and whether it would conflict.
func printChanges(w io.Writer, cs []gitrepo.Change, yours map[string]bool, conflicts []gitrepo.Conflict) {
	conflicted := map[string]gitrepo.Conflict{}
	for _, c := range conflicts {
		conflicted[c.Path] = c
	}
	width := 0
	for _, c := range cs {
		width = max(width, len([]rune(changeName(c))))
	}
	for _, c := range cs {
		verb := map[byte]string{'A': "added", 'M': "modified", 'D': "deleted", 'R': "renamed", 'T': "modified"}[c.Status]
		if verb == "" {
			verb = string(c.Status)
		}
		note := ""
		if k, ok := conflicted[c.Path]; ok {
			note = "conflict, " + conflictHelp(k.Kind)
		} else if yours[c.Path] || (c.From != "" && yours[c.From]) {
			note = "you changed it too: merges cleanly"
		}
		if note == "" {
			fmt.Fprintf(w, "  %-9s %s\n", verb, changeName(c))
		} else {
			fmt.Fprintf(w, "  %-9s %-*s  %s\n", verb, width, changeName(c), note)
		}
	}
}

func changeName(c gitrepo.Change) string {
	if c.From != "" {
		return c.From + " → " + c.Path
	}
	return c.Path
}

// conflictHelp says in words what a kind of conflict means here.
func conflictHelp(k gitrepo.ConflictKind) string {
	switch k {
	case gitrepo.BothChanged:
		return "content: you and the template changed the same lines"
	case gitrepo.DeletedByUs:
		return "modify/delete: you deleted it, the template changed it"
	case gitrepo.DeletedByThem:
		return "modify/delete: you changed it, the new render no longer has it"
	case gitrepo.BothAdded:
		return "add/add: you and the template both added it"
	}
	return "rename: a file renamed on one side collides with the other"
}

// printConflicts lists the conflicted files and what to do next.
func printConflicts(w io.Writer, branch string, cs []gitrepo.Conflict) {
	fmt.Fprintf(w, "Merging it into %s stopped with conflicts in %s:\n", branch, plural(len(cs), "file"))
	deletes := false
	for _, c := range cs {
		fmt.Fprintf(w, "  %s\n      %s\n", c.Path, conflictHelp(c.Kind))
		if c.Kind == gitrepo.DeletedByUs || c.Kind == gitrepo.DeletedByThem {
			deletes = true
		}
	}
	fmt.Fprintln(w, "\nNext:")
	fmt.Fprintln(w, "  resolve each file: edit the conflict markers (<<<<<<< HEAD is yours, >>>>>>> scaffold the template's),")
	fmt.Fprintln(w, "    or open your merge tool: git mergetool")
	if deletes {
		fmt.Fprintln(w, "    for modify/delete: keep the file (git add FILE) or take the deletion (git rm FILE)")
	}
	fmt.Fprintln(w, "  git add FILE...   when a file is resolved")
	fmt.Fprintln(w, "  git commit        to finish the merge")
	fmt.Fprintln(w, "or back out with git merge --abort (the render stays on the scaffold branch: scaffold update merges it again).")
}

// renderProject renders the project of a, stamped with version, exactly
// as scaffold new would.
func renderProject(ctx context.Context, opts *updateOptions, a project.Answers, version string) ([]render.File, error) {
	p, err := project.Resolve(a, version)
	if err != nil {
		return nil, usageError{oneLine(err)}
	}
	ro := scaffold.RenderOptions(p.Module)
	ro.Executable = opts.Executable
	return render.Render(ctx, opts.Templates, p, ro)
}

// describeRender names a render for messages.
func describeRender(a project.Answers, version string) string {
	return fmt.Sprintf("scaffold %s's render (%s)", version, describeAnswers(a))
}

// renderMessage is the message of a commit on the scaffold branch.
func renderMessage(a project.Answers, version string) string {
	return fmt.Sprintf("scaffold %s: %s\n\nThe files scaffold %s renders for the answers of %s, untouched.\nscaffold update merges this branch into yours; do not commit to it.",
		version, describeAnswers(a), version, answersFileName)
}

// changeSummary lists what differs from the recorded version and answers,
// as "topology same-origin → cross-site". It compares the answers as
// .scaffold.yaml writes them, so a new answer needs no line here.
func changeSummary(recorded answersFile, a project.Answers, version string) []string {
	var out []string
	if recorded.Version != version {
		out = append(out, "scaffold "+orUnset(recorded.Version)+" → "+version)
	}
	from, to := yamlFields(recorded.Answers), yamlFields(a)
	seen := map[string]bool{}
	for _, kv := range append(to, from...) {
		k := kv[0]
		if seen[k] {
			continue
		}
		seen[k] = true
		if old, now := lookup(from, k), lookup(to, k); old != now {
			out = append(out, k+" "+orUnset(old)+" → "+orUnset(now))
		}
	}
	return out
}

// yamlFields are the key-value pairs of v as YAML writes them, in order.
func yamlFields(v any) [][2]string {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil
	}
	var kvs [][2]string
	for i := 0; i+1 < len(n.Content); i += 2 {
		kvs = append(kvs, [2]string{n.Content[i].Value, n.Content[i+1].Value})
	}
	return kvs
}

func lookup(kvs [][2]string, k string) string {
	for _, kv := range kvs {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

func orUnset(s string) string {
	if s == "" {
		return "(unset)"
	}
	return s
}

// plural formats n things.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
