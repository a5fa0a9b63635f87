// Scaffold generates a full-stack starter: a Go HTTP API and a Next.js web
// app with authentication wired the same way on both sides.
//
// Usage:
//
//	scaffold new [NAME] [flags]
//	scaffold doctor --web URL --api URL [--topology T] [--register | --user U] [flags]
//	scaffold version
//	scaffold completion bash|zsh|fish|powershell
//
// New creates the project in ./NAME (or --dir). It asks, on a terminal, the
// questions that no flag and no answers file (--config) answered: the auth
// mode (--auth session|jwt|hybrid), how the web app and the API are deployed
// (--topology same-origin|same-site|cross-site), the database (--db
// sqlite|postgres) and the API's Go module path (--module). Without a
// terminal it never asks: NAME and --auth are required unless --yes takes
// the defaults (session, same-origin, sqlite, module NAME).
//
// The project is rendered into a staging directory next to the target and
// renamed into place, so an error or Ctrl-C leaves nothing behind. A
// non-empty target is refused unless --force, which writes the project's
// files and leaves every other file as it was. --dry-run prints the tree
// that would be written. The project records its answers in .scaffold.yaml.
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
// Once deployed, check it:
//
//	scaffold doctor --web https://shop.example --api https://api.example.net --register
package main
