// Package gitrepo runs the git command for scaffold: it records pristine
// renders as commits without touching the user's work tree or index, and
// leaves every merge to git itself, so conflicts look and resolve as in any
// other git merge.
//
// It needs git 2.38 or later (merge-tree --write-tree previews a merge).
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/scaffoldhq/scaffold/internal/render"
)

// ErrNoGit is returned when the git command is not on PATH.
var ErrNoGit = errors.New("git is not installed (not on PATH)")

// ErrNotRepo is returned by Open for a directory outside any git work tree.
var ErrNotRepo = errors.New("not inside a git work tree")

// Available reports whether the git command is on PATH.
func Available() bool {
	_, err := exec.LookPath("git")
	return err == nil
}

// Repo is a git work tree.
type Repo struct {
	// Root is the top-level directory of the work tree.
	Root string
	// gitDir is the absolute path of its git directory.
	gitDir string

	identity      []string
	identityKnown bool
}

// Open finds the work tree that holds dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if !Available() {
		return nil, ErrNoGit
	}
	out, err := run(ctx, dir, nil, nil, "rev-parse", "--show-toplevel", "--absolute-git-dir")
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode == 128 {
			return nil, fmt.Errorf("%s: %w", dir, ErrNotRepo)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] == "" {
		// A bare repository or a git directory has no top level.
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRepo)
	}
	return &Repo{Root: lines[0], gitDir: lines[1]}, nil
}

// Error is a git command that failed.
type Error struct {
	Args     []string
	ExitCode int
	Stderr   string
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.ExitCode)
	}
	return fmt.Sprintf("git %s: %s", e.Args[0], strings.ReplaceAll(msg, "\n", "; "))
}

// run runs git in dir with extra environment and stdin and returns its
// standard output.
func run(ctx context.Context, dir string, env []string, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = stdin
	// On Ctrl-C git gets the terminal's SIGINT itself; a cancelled ctx
	// sends the same, so git removes its lock files on the way out rather
	// than being killed holding them.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return stdout.String(), &Error{Args: args, ExitCode: ee.ExitCode(), Stderr: stderr.String()}
		}
		return "", fmt.Errorf("run git %s: %w", args[0], err)
	}
	return stdout.String(), nil
}

// git runs a git command in the work tree.
func (r *Repo) git(ctx context.Context, args ...string) (string, error) {
	return run(ctx, r.Root, nil, nil, args...)
}

// exitCode is the exit status of a git command: 0 for no error, -1 when
// git did not run.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ge *Error
	if errors.As(err, &ge) {
		return ge.ExitCode
	}
	return -1
}

// Commit resolves rev to a commit id; ok is false when there is no such
// commit.
func (r *Repo) Commit(ctx context.Context, rev string) (id string, ok bool, err error) {
	out, err := r.git(ctx, "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
	if exitCode(err) == 1 {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return strings.TrimSpace(out), true, nil
}

// Tree returns the id of a commit's tree.
func (r *Repo) Tree(ctx context.Context, commit string) (string, error) {
	out, err := r.git(ctx, "rev-parse", "--verify", "--end-of-options", commit+"^{tree}")
	return strings.TrimSpace(out), err
}

// IsAncestor reports whether commit a is an ancestor of (or is) commit b.
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := r.git(ctx, "merge-base", "--is-ancestor", a, b)
	switch exitCode(err) {
	case 0:
		return true, nil
	case 1:
		return false, nil
	}
	return false, err
}

// MergeBase returns the best common ancestor of a and b; ok is false when
// their histories are unrelated.
func (r *Repo) MergeBase(ctx context.Context, a, b string) (base string, ok bool, err error) {
	out, err := r.git(ctx, "merge-base", a, b)
	if exitCode(err) == 1 {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return strings.TrimSpace(out), true, nil
}

// Branch is the short name of the branch checked out; "" when HEAD is
// detached.
func (r *Repo) Branch(ctx context.Context) (string, error) {
	out, err := r.git(ctx, "symbolic-ref", "-q", "--short", "HEAD")
	if exitCode(err) == 1 {
		return "", nil
	}
	return strings.TrimSpace(out), err
}

// Operation names a git operation left half-done in the work tree (a merge,
// rebase, cherry-pick, revert or bisect), or "" when there is none. Like git
// itself, it looks for the state files in the work tree's git directory.
func (r *Repo) Operation() string {
	for _, op := range []struct{ name, file string }{
		{"merge", "MERGE_HEAD"},
		{"cherry-pick", "CHERRY_PICK_HEAD"},
		{"revert", "REVERT_HEAD"},
		{"rebase", "rebase-merge"},
		{"rebase", "rebase-apply"},
		{"bisect", "BISECT_LOG"},
	} {
		if _, err := os.Stat(filepath.Join(r.gitDir, op.file)); err == nil {
			return op.name
		}
	}
	return ""
}

// Changes lists what `git status` shows as uncommitted in the work tree:
// staged and unstaged changes and untracked files that are not ignored, as
// `git status --short` shows them ("M path", "?? path"). Untracked files are listed whatever status.showUntrackedFiles
// says, since a merge could overwrite them.
func (r *Repo) Changes(ctx context.Context) ([]string, error) {
	out, err := r.git(ctx, "status", "--porcelain=v1", "-z", "--untracked-files=all")
	if err != nil {
		return nil, err
	}
	var changes []string
	fields := strings.Split(out, "\x00")
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if len(f) < 4 {
			continue
		}
		changes = append(changes, strings.TrimSpace(f[:2])+" "+f[3:])
		if f[0] == 'R' || f[0] == 'C' {
			i++ // the source of a rename or copy follows
		}
	}
	return changes, nil
}

// Identity is the environment that gives scaffold's own commits an author
// and committer when git has none configured (no user.name or user.email, or
// user.useConfigOnly): nil when git knows who the user is.
func (r *Repo) Identity(ctx context.Context) []string {
	if !r.identityKnown {
		r.identity, r.identityKnown = identity(ctx, r.Root), true
	}
	return r.identity
}

// FallbackName and FallbackEmail sign scaffold's commits when git has no
// identity for the user.
const (
	FallbackName  = "scaffold"
	FallbackEmail = "scaffold@localhost"
)

func identity(ctx context.Context, dir string) []string {
	_, errA := run(ctx, dir, nil, nil, "var", "GIT_AUTHOR_IDENT")
	_, errC := run(ctx, dir, nil, nil, "var", "GIT_COMMITTER_IDENT")
	if errA == nil && errC == nil {
		return nil
	}
	var env []string
	for _, kv := range [][2]string{
		{"GIT_AUTHOR_NAME", FallbackName}, {"GIT_AUTHOR_EMAIL", FallbackEmail},
		{"GIT_COMMITTER_NAME", FallbackName}, {"GIT_COMMITTER_EMAIL", FallbackEmail},
	} {
		if os.Getenv(kv[0]) == "" {
			env = append(env, kv[0]+"="+kv[1])
		}
	}
	return env
}

// Init makes dir a new repository whose first commit holds exactly files
// (already written in dir; any other file is left untracked) with message,
// and starts branch extra at that commit too. The first branch is whatever
// git's init.defaultBranch says. It returns the commit's id.
func Init(ctx context.Context, dir string, files []render.File, message, extra string) (string, error) {
	if !Available() {
		return "", ErrNoGit
	}
	if _, err := run(ctx, dir, nil, nil, "init", "-q"); err != nil {
		return "", err
	}
	if err := add(ctx, dir, nil, nil, files); err != nil {
		return "", err
	}
	// --no-verify: the project's hooks are not installed yet, but a global
	// core.hooksPath could run the user's hooks on generated files.
	if _, err := run(ctx, dir, identity(ctx, dir), nil, "commit", "-q", "--no-verify", "-m", message); err != nil {
		return "", err
	}
	out, err := run(ctx, dir, nil, nil, "rev-parse", "HEAD")
	if err != nil {
		return "", err
	}
	if _, err := run(ctx, dir, nil, nil, "branch", extra); err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// add stages exactly the paths of files in the work tree dir, through
// git's own add so that the same filters and attributes apply as to any
// file the user adds. -f: a file of the project is committed even if a
// global excludes file would ignore it; literal pathspecs: Next.js routes
// such as app/[id] are names, not patterns.
func add(ctx context.Context, dir string, env, cfg []string, files []render.File) error {
	var paths bytes.Buffer
	for _, f := range files {
		paths.WriteString(f.Path)
		paths.WriteByte(0)
	}
	args := slices.Concat(cfg, []string{"--literal-pathspecs", "add", "-f", "--pathspec-from-file=-", "--pathspec-file-nul"})
	_, err := run(ctx, dir, env, &paths, args...)
	return err
}

// WriteTree stores files, placed under the directory prefix ("" for the
// root), as a tree in the repository's object database and returns its id.
// The user's work tree and index are not touched: the files are staged from
// a temporary directory into a temporary index.
func (r *Repo) WriteTree(ctx context.Context, files []render.File, prefix string) (string, error) {
	tmp, err := os.MkdirTemp("", "scaffold-render-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "work")
	placed := make([]render.File, len(files))
	var executable []string
	for i, f := range files {
		f.Path = path.Join(prefix, f.Path)
		placed[i] = f
		if f.Mode&0o111 != 0 {
			executable = append(executable, f.Path)
		}
		name := filepath.Join(work, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(name, f.Data, f.Mode); err != nil {
			return "", err
		}
	}
	env := []string{
		"GIT_DIR=" + r.gitDir,
		"GIT_WORK_TREE=" + work,
		"GIT_INDEX_FILE=" + filepath.Join(tmp, "index"),
	}
	// The temporary work tree must not start an fsmonitor daemon or be
	// held to the user's sparse-checkout cone.
	cfg := []string{"-c", "core.fsmonitor=false", "-c", "core.sparseCheckout=false"}
	if err := add(ctx, work, env, cfg, placed); err != nil {
		return "", fmt.Errorf("stage the render: %w", err)
	}
	if len(executable) > 0 {
		// With core.fileMode=false, add would not record the executable bit.
		args := slices.Concat(cfg, []string{"update-index", "--chmod=+x", "--"}, executable)
		if _, err := run(ctx, work, env, nil, args...); err != nil {
			return "", err
		}
	}
	out, err := run(ctx, work, env, nil, slices.Concat(cfg, []string{"write-tree"})...)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// CommitTree makes a commit of tree with parents (none for a root commit)
// and message, signed by the user or, without a configured identity, by
// scaffold. It moves no ref.
func (r *Repo) CommitTree(ctx context.Context, tree string, parents []string, message string) (string, error) {
	// scaffold's pristine commits are not signed: they are generated, and
	// a signing prompt in the middle of an update would be a surprise.
	args := []string{"commit-tree", "--no-gpg-sign"}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	args = append(args, tree)
	out, err := run(ctx, r.Root, r.Identity(ctx), strings.NewReader(message), args...)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// SetBranch points branch at commit, but only if it still points at old
// ("" when the branch must not exist yet).
func (r *Repo) SetBranch(ctx context.Context, branch, commit, old, reason string) error {
	_, err := r.git(ctx, "update-ref", "-m", reason, "refs/heads/"+branch, commit, old)
	return err
}

// Merge merges rev into the current branch with git's own merge and a merge
// commit with message, whatever the user's merge.ff, merge.verifySignatures
// or branch.<name>.mergeOptions say; the rest of their configuration
// (conflict style, rerere, rename limits, merge drivers) applies. With
// conflicts it returns them and leaves the merge in progress, as `git merge`
// does; any other failure is an error.
func (r *Repo) Merge(ctx context.Context, rev, message string, extra ...string) ([]Conflict, error) {
	args := append([]string{
		"merge", "--no-ff", "--commit", "--no-squash", "--no-edit",
		"--no-verify-signatures", "--no-verify", "-m", message,
	}, extra...)
	args = append(args, rev)
	out, err := run(ctx, r.Root, r.Identity(ctx), nil, args...)
	if err == nil {
		return nil, nil
	}
	if exitCode(err) != 1 {
		return nil, err
	}
	conflicts, cerr := r.Conflicts(ctx)
	if cerr != nil {
		return nil, cerr
	}
	if len(conflicts) == 0 {
		var ge *Error
		errors.As(err, &ge)
		ge.Stderr = strings.TrimSpace(ge.Stderr + "\n" + out)
		return nil, ge
	}
	return conflicts, nil
}

// Conflict is a path left unmerged, and how.
type Conflict struct {
	Path string
	Kind ConflictKind
}

// ConflictKind says which sides changed a conflicted path, from the index
// stages git left: 1 the common ancestor, 2 ours (the user's branch), 3
// theirs (the new render).
type ConflictKind int

// The kinds of conflict.
const (
	// BothChanged: both sides changed the file in overlapping places (or it
	// is binary): the file holds conflict markers.
	BothChanged ConflictKind = iota
	// DeletedByUs: the user deleted (or renamed away) a file the render
	// changed.
	DeletedByUs
	// DeletedByThem: the new render no longer has a file the user changed.
	DeletedByThem
	// BothAdded: both sides added a file at the same path with different
	// contents.
	BothAdded
	// Other: a rename that collided (rename/rename, rename/delete).
	Other
)

func (k ConflictKind) String() string {
	switch k {
	case BothChanged:
		return "content"
	case DeletedByUs:
		return "modify/delete"
	case DeletedByThem:
		return "modify/delete"
	case BothAdded:
		return "add/add"
	}
	return "rename"
}

// Conflicts lists the unmerged paths of the index.
func (r *Repo) Conflicts(ctx context.Context) ([]Conflict, error) {
	out, err := r.git(ctx, "ls-files", "-u", "-z")
	if err != nil {
		return nil, err
	}
	return parseStages(out), nil
}

// parseStages reads "<mode> <object> <stage>\t<path>" records, NUL
// terminated (the format of `ls-files -u -z` and of `merge-tree`'s
// conflicted file info), and classifies each path by the stages it has.
func parseStages(out string) []Conflict {
	stages := map[string]*[4]bool{}
	var order []string
	for _, rec := range strings.Split(out, "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if len(f) != 3 || len(f[2]) != 1 || f[2][0] < '1' || f[2][0] > '3' {
			continue
		}
		s := stages[p]
		if s == nil {
			s = new([4]bool)
			stages[p] = s
			order = append(order, p)
		}
		s[f[2][0]-'0'] = true
	}
	var cs []Conflict
	for _, p := range order {
		s := stages[p]
		k := Other
		switch {
		case s[1] && s[2] && s[3]:
			k = BothChanged
		case s[1] && !s[2] && s[3]:
			k = DeletedByUs
		case s[1] && s[2] && !s[3]:
			k = DeletedByThem
		case !s[1] && s[2] && s[3]:
			k = BothAdded
		}
		cs = append(cs, Conflict{Path: p, Kind: k})
	}
	return cs
}

// MergeTree computes, without touching the work tree, the index or any
// ref, what merging theirs into ours would conflict on (git 2.38 or later).
func (r *Repo) MergeTree(ctx context.Context, ours, theirs string) ([]Conflict, error) {
	out, err := r.git(ctx, "merge-tree", "--write-tree", "-z", "--no-messages", ours, theirs)
	switch exitCode(err) {
	case 0:
		return nil, nil
	case 1:
		// The tree's id, then the conflicted file info.
		_, info, _ := strings.Cut(out, "\x00")
		return parseStages(info), nil
	}
	if strings.Contains(err.Error(), "write-tree") || strings.Contains(err.Error(), "usage") {
		return nil, fmt.Errorf("this git is too old to preview a merge (git merge-tree --write-tree needs git 2.38 or later): %w", err)
	}
	return nil, err
}

// Change is one file changed between two trees.
type Change struct {
	// Status is 'A' added, 'M' modified (content or mode), 'D' deleted,
	// 'R' renamed, 'T' changed type.
	Status byte
	Path   string
	// From is the old path of a rename.
	From string
}

// Diff lists the files that differ between two trees or commits, with
// renames detected, limited to the paths under prefix ("" for all).
func (r *Repo) Diff(ctx context.Context, from, to, prefix string) ([]Change, error) {
	args := []string{"diff-tree", "-r", "-z", "--no-commit-id", "--name-status", "-M", from, to}
	if prefix != "" {
		args = append(args, "--", prefix)
	}
	out, err := r.git(ctx, args...)
	if err != nil {
		return nil, err
	}
	var cs []Change
	fields := strings.Split(out, "\x00")
	for i := 0; i+1 < len(fields); i++ {
		st := fields[i]
		if st == "" {
			continue
		}
		c := Change{Status: st[0], Path: fields[i+1]}
		i++
		if (c.Status == 'R' || c.Status == 'C') && i+1 < len(fields) {
			c.From, c.Path = c.Path, fields[i+1]
			i++
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// Find lists the paths of the files named name in the tree of rev.
func (r *Repo) Find(ctx context.Context, rev, name string) ([]string, error) {
	out, err := r.git(ctx, "ls-tree", "-r", "-z", "--name-only", rev)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, p := range strings.Split(out, "\x00") {
		if path.Base(p) == name {
			found = append(found, p)
		}
	}
	return found, nil
}

// RemoteBranches lists the remote-tracking branches named branch (such as
// origin/scaffold).
func (r *Repo) RemoteBranches(ctx context.Context, branch string) ([]string, error) {
	out, err := r.git(ctx, "for-each-ref", "--format=%(refname:short)", "refs/remotes/*/"+branch)
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}
