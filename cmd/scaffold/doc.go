// Scaffold generates a full-stack starter: a Go HTTP API and a Next.js web
// app with authentication wired the same way on both sides.
//
// Usage:
//
//	scaffold new [NAME] [flags]
//	scaffold update [--auth …] [--topology …] [--db …] [--redis] [--dry-run] [--dir DIR] [--bootstrap]
//	scaffold doctor --web URL --api URL [--topology T] [--register | --user U] [flags]
//	scaffold version
//	scaffold completion bash|zsh|fish|powershell
//
// New creates the project in ./NAME (or --dir). It asks, on a terminal, the
// questions that no flag and no answers file (--config) answered: the auth
// mode (--auth session|jwt|hybrid), how the web app and the API are deployed
// (--topology same-origin|same-site|cross-site), the database (--db
// sqlite|postgres), with PostgreSQL whether Redis keeps sessions and shared
// limits for several API instances (--redis, or --redis=false), and the
// API's Go module path (--module). Without a terminal it never asks: NAME
// and --auth are required unless --yes takes the defaults (session,
// same-origin, sqlite, no Redis, module NAME); --redis needs --db postgres.
//
// The project is rendered into a staging directory next to the target and
// renamed into place, so an error or Ctrl-C leaves nothing behind. A
// non-empty target is refused unless --force, which writes the project's
// files and leaves every other file as it was. --dry-run prints the tree
// that would be written. The project records its answers in .scaffold.yaml.
// With git on PATH the project's first commit is on git's default branch and
// on the branch "scaffold".
//
// Update brings a generated project to this version of scaffold, or to new
// answers given as flags (the others come from .scaffold.yaml), keeping the
// user's changes: it commits the new pristine render on the scaffold branch
// and merges that branch into the current one with git's own merge. It needs
// a clean work tree. A clean merge exits 0 with a merge commit; conflicts
// exit 1 and stop like any git merge (resolve, git add, git commit; or git
// merge --abort); a project that already matches the render is "up to date".
// --dry-run previews the merge and writes nothing. --bootstrap records the
// base of a project that has no scaffold branch (made with --no-git, or
// inside another repository).
//
// Doctor diagnoses a running deployment's auth wiring as a browser on the
// web app meets it: HTTPS, the topology the two URLs form, CORS, a sign-in
// (--register for a throwaway account) and the attributes of its cookies,
// the cookies accepted back, a forged cross-site write refused, HSTS. Each
// check prints ✓, ✗ or ! and, for a problem, a one-line fix naming the
// scaffold environment variable (or, for another backend, the header or
// cookie attribute); --json prints the same results. It exits 1 when a
// check failed.
//
// Exit codes: 0 success, 1 failure, 2 usage or validation error, 130
// cancelled.
//
// # Example
//
// Create a project with JWT auth for an API on another domain:
//
//	scaffold new shop --auth jwt --topology cross-site
//	cd shop && make setup && make dev
//
// Later, move the API to the web app's origin, keeping your changes:
//
//	scaffold update --topology same-origin
//
// Once deployed, check it:
//
//	scaffold doctor --web https://shop.example --api https://api.example.net --register
package main
