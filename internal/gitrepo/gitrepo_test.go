package gitrepo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffoldhq/scaffold/internal/render"
)

// isolate gives the test a git without the machine's configuration: no
// identity unless the test sets one (user.useConfigOnly: git must not guess
// one from the host name).
func isolate(t *testing.T) {
	t.Helper()
	if !Available() {
		t.Skip("git is not installed")
	}
	global := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(global, []byte("[user]\n\tuseConfigOnly = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, v := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

func setIdentity(t *testing.T) {
	t.Setenv("GIT_AUTHOR_NAME", "Tester")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.test")
	t.Setenv("GIT_COMMITTER_NAME", "Tester")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.test")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFiles(t *testing.T, dir string, files []render.File) {
	t.Helper()
	for _, f := range files {
		name := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
}

var project = []render.File{
	{Path: "README.md", Data: []byte("# app\n"), Mode: 0o644},
	{Path: "web/app/notes/[id]/page.tsx", Data: []byte("export default function Page() {}\n"), Mode: 0o644},
	{Path: "bin/setup", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
}

// newRepo makes a repository whose first commit is project, with branch
// "pristine" there too.
func newRepo(t *testing.T) *Repo {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, project)
	if _, err := Init(context.Background(), dir, project, "First", "pristine"); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestInitCommitsExactlyTheFilesOnBothBranches(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	writeFiles(t, dir, project)
	// Not part of the project: stays untracked.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	// A global excludes file must not keep a project file out.
	excludes := filepath.Join(t.TempDir(), "ignore")
	os.WriteFile(excludes, []byte("README.md\n"), 0o644)
	git(t, dir, "config", "--global", "core.excludesFile", excludes)

	commit, err := Init(context.Background(), dir, project, "First", "pristine")
	if err != nil {
		t.Fatal(err)
	}
	if got := git(t, dir, "rev-parse", "pristine"); got != commit {
		t.Errorf("pristine is at %s, want the first commit %s", got, commit)
	}
	if got := git(t, dir, "rev-parse", "HEAD"); got != commit {
		t.Errorf("HEAD is at %s, want the first commit %s", got, commit)
	}
	want := "100644 README.md\n100755 bin/setup\n100644 web/app/notes/[id]/page.tsx"
	if got := lsTree(t, dir, commit); got != want {
		t.Errorf("first commit holds\n%s\nwant\n%s", got, want)
	}
	if got := git(t, dir, "status", "--porcelain"); got != "?? notes.txt" {
		t.Errorf("status after Init: %q, want only the untracked notes.txt", got)
	}
	// No identity was configured: scaffold signed the commit.
	if got := git(t, dir, "log", "-1", "--format=%an <%ae>"); got != FallbackName+" <"+FallbackEmail+">" {
		t.Errorf("author %q, want the fallback identity", got)
	}
}

func lsTree(t *testing.T, dir, rev string) string {
	t.Helper()
	return git(t, dir, "ls-tree", "-r", "--format=%(objectmode) %(path)", rev)
}

func TestIdentity(t *testing.T) {
	isolate(t)
	r := newRepo(t)
	ctx := context.Background()
	identity := func() []string {
		r, err := Open(ctx, r.Root) // Identity is cached per Repo
		if err != nil {
			t.Fatal(err)
		}
		return r.Identity(ctx)
	}
	env := identity()
	if !slices.Contains(env, "GIT_AUTHOR_NAME="+FallbackName) || !slices.Contains(env, "GIT_COMMITTER_EMAIL="+FallbackEmail) {
		t.Errorf("without an identity: %q, want the fallback", env)
	}
	git(t, r.Root, "config", "user.name", "Ada")
	git(t, r.Root, "config", "user.email", "ada@example.test")
	if env := identity(); env != nil {
		t.Errorf("with user.name and user.email: %q, want nil", env)
	}
	// Without an email git refuses to guess, and so scaffold signs.
	git(t, r.Root, "config", "--unset", "user.email")
	if env := identity(); env == nil {
		t.Error("without user.email: nil, want the fallback")
	}
}

func TestWriteTreeLeavesWorkTreeAndIndexAlone(t *testing.T) {
	isolate(t)
	setIdentity(t)
	r := newRepo(t)
	ctx := context.Background()
	// A staged change and an unstaged one: WriteTree must not disturb them.
	os.WriteFile(filepath.Join(r.Root, "README.md"), []byte("# staged\n"), 0o644)
	git(t, r.Root, "add", "README.md")
	os.WriteFile(filepath.Join(r.Root, "README.md"), []byte("# unstaged\n"), 0o644)
	before := git(t, r.Root, "status", "--porcelain")
	index, _ := os.ReadFile(filepath.Join(r.Root, ".git", "index"))

	next := []render.File{
		{Path: "README.md", Data: []byte("# app v2\n"), Mode: 0o644},
		{Path: "web/app/notes/[id]/page.tsx", Data: []byte("export default function Page() { return null }\n"), Mode: 0o644},
		{Path: "bin/setup", Data: []byte("#!/bin/sh\nset -e\n"), Mode: 0o755},
	}
	// core.fileMode=false (as on Windows or some mounts) must not lose the
	// executable bit.
	git(t, r.Root, "config", "core.fileMode", "false")
	tree, err := r.WriteTree(ctx, next, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "100644 README.md\n100755 bin/setup\n100644 web/app/notes/[id]/page.tsx"
	if got := lsTree(t, r.Root, tree); got != want {
		t.Errorf("tree holds\n%s\nwant\n%s", got, want)
	}
	if got := git(t, r.Root, "show", tree+":README.md"); got != "# app v2" {
		t.Errorf("README.md in the tree: %q", got)
	}
	if after := git(t, r.Root, "status", "--porcelain"); after != before {
		t.Errorf("status changed from %q to %q", before, after)
	}
	if after, _ := os.ReadFile(filepath.Join(r.Root, ".git", "index")); string(after) != string(index) {
		t.Error("the index file changed")
	}
	if got, _ := os.ReadFile(filepath.Join(r.Root, "README.md")); string(got) != "# unstaged\n" {
		t.Errorf("work tree README.md: %q", got)
	}

	// Under a prefix, for a project in a subdirectory.
	tree, err = r.WriteTree(ctx, next[:1], "apps/shop")
	if err != nil {
		t.Fatal(err)
	}
	if got := lsTree(t, r.Root, tree); got != "100644 apps/shop/README.md" {
		t.Errorf("prefixed tree holds %q", got)
	}
}

func TestCommitTreeMergeAndConflicts(t *testing.T) {
	isolate(t)
	setIdentity(t)
	r := newRepo(t)
	ctx := context.Background()
	// The user edits README.md and deletes bin/setup.
	os.WriteFile(filepath.Join(r.Root, "README.md"), []byte("# my app\n"), 0o644)
	git(t, r.Root, "rm", "-q", "bin/setup")
	git(t, r.Root, "commit", "-qam", "mine")

	// The next render changes both, and moves the page.
	next := []render.File{
		{Path: "README.md", Data: []byte("# app, version 2\n"), Mode: 0o644},
		{Path: "bin/setup", Data: []byte("#!/bin/sh\nset -e\n"), Mode: 0o755},
		{Path: "web/app/notes/[id]/view.tsx", Data: project[1].Data, Mode: 0o644},
	}
	tree, err := r.WriteTree(ctx, next, "")
	if err != nil {
		t.Fatal(err)
	}
	tip, _, _ := r.Commit(ctx, "refs/heads/pristine")
	commit, err := r.CommitTree(ctx, tree, []string{tip}, "render 2")
	if err != nil {
		t.Fatal(err)
	}
	changes, err := r.Diff(ctx, tip, commit, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Status: 'M', Path: "README.md"},
		{Status: 'M', Path: "bin/setup"},
		{Status: 'R', From: "web/app/notes/[id]/page.tsx", Path: "web/app/notes/[id]/view.tsx"},
	}
	if !slices.Equal(changes, want) {
		t.Errorf("Diff = %+v, want %+v", changes, want)
	}

	wantConflicts := []Conflict{{Path: "README.md", Kind: BothChanged}, {Path: "bin/setup", Kind: DeletedByUs}}
	preview, err := r.MergeTree(ctx, "HEAD", commit)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(preview, wantConflicts) {
		t.Errorf("MergeTree = %+v, want %+v", preview, wantConflicts)
	}
	if got := git(t, r.Root, "status", "--porcelain"); got != "" {
		t.Errorf("MergeTree touched the work tree: %q", got)
	}

	if err := r.SetBranch(ctx, "pristine", commit, "0000000000000000000000000000000000000000", "test"); err == nil {
		t.Error("SetBranch moved a branch that was not at the old value")
	}
	if err := r.SetBranch(ctx, "pristine", commit, tip, "test"); err != nil {
		t.Fatal(err)
	}
	// merge.ff=only and verifySignatures must not stop scaffold's merge.
	git(t, r.Root, "config", "merge.ff", "only")
	git(t, r.Root, "config", "merge.verifySignatures", "true")
	conflicts, err := r.Merge(ctx, "pristine", "merge render 2")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(conflicts, wantConflicts) {
		t.Errorf("Merge conflicts = %+v, want %+v", conflicts, wantConflicts)
	}
	if op := r.Operation(); op != "merge" {
		t.Errorf("Operation = %q, want merge", op)
	}
	if _, err := os.Stat(filepath.Join(r.Root, "web/app/notes/[id]/view.tsx")); err != nil {
		t.Errorf("the rename was not merged: %v", err)
	}
	git(t, r.Root, "merge", "--abort")
	if op := r.Operation(); op != "" {
		t.Errorf("Operation after abort = %q", op)
	}
}

func TestCleanMergeMakesAMergeCommit(t *testing.T) {
	isolate(t)
	setIdentity(t)
	r := newRepo(t)
	ctx := context.Background()
	git(t, r.Root, "config", "merge.ff", "only")
	tip, _, _ := r.Commit(ctx, "refs/heads/pristine")
	tree, err := r.WriteTree(ctx, append(slices.Clone(project), render.File{Path: "NEW.md", Data: []byte("new\n"), Mode: 0o644}), "")
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.CommitTree(ctx, tree, []string{tip}, "render 2")
	if err != nil {
		t.Fatal(err)
	}
	// HEAD could fast-forward; scaffold's update is a merge commit anyway.
	conflicts, err := r.Merge(ctx, commit, "merge render 2")
	if err != nil || len(conflicts) > 0 {
		t.Fatalf("Merge: %v, %v", conflicts, err)
	}
	if got := git(t, r.Root, "rev-list", "--count", "--merges", "HEAD"); got != "1" {
		t.Errorf("%s merge commits, want 1", got)
	}
	if got := git(t, r.Root, "log", "-1", "--format=%s"); got != "merge render 2" {
		t.Errorf("message %q", got)
	}
}

func TestChanges(t *testing.T) {
	isolate(t)
	setIdentity(t)
	r := newRepo(t)
	ctx := context.Background()
	if cs, err := r.Changes(ctx); err != nil || len(cs) != 0 {
		t.Fatalf("clean repository: %q, %v", cs, err)
	}
	os.WriteFile(filepath.Join(r.Root, "README.md"), []byte("changed\n"), 0o644)
	os.MkdirAll(filepath.Join(r.Root, "new"), 0o755)
	os.WriteFile(filepath.Join(r.Root, "new", "file.txt"), nil, 0o644)
	git(t, r.Root, "mv", "bin/setup", "bin/install")
	git(t, r.Root, "config", "status.showUntrackedFiles", "no")
	cs, err := r.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"M README.md", "R bin/install", "?? new/file.txt"}
	if !slices.Equal(cs, want) {
		t.Errorf("Changes = %q, want %q", cs, want)
	}
}

func TestParseStages(t *testing.T) {
	rec := func(stage, path string) string {
		return "100644 0123456789abcdef0123456789abcdef01234567 " + stage + "\t" + path + "\x00"
	}
	out := rec("1", "both") + rec("2", "both") + rec("3", "both") +
		rec("1", "we deleted") + rec("3", "we deleted") +
		rec("1", "they deleted") + rec("2", "they deleted") +
		rec("2", "both added") + rec("3", "both added") +
		rec("2", "renamed")
	want := []Conflict{
		{"both", BothChanged}, {"we deleted", DeletedByUs}, {"they deleted", DeletedByThem},
		{"both added", BothAdded}, {"renamed", Other},
	}
	if got := parseStages(out); !slices.Equal(got, want) {
		t.Errorf("parseStages = %+v, want %+v", got, want)
	}
}

func TestOpenOutsideARepository(t *testing.T) {
	isolate(t)
	_, err := Open(context.Background(), t.TempDir())
	if !errors.Is(err, ErrNotRepo) {
		t.Errorf("Open outside a repository: %v, want ErrNotRepo", err)
	}
}
