package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scaffoldhq/scaffold/internal/doctor"
	"github.com/scaffoldhq/scaffold/internal/project"
)

// doctorOptions are the inputs of `scaffold doctor`.
type doctorOptions struct {
	IO    *IOStreams
	Build build
	// WorkDir is where the search for .scaffold.yaml starts (the current
	// directory when empty).
	WorkDir string

	Web, API      string
	Topology      string
	User          string
	Password      string
	PasswordStdin bool
	Register      bool
	JSON          bool
	LoginPath     string
	MePath        string
	RegisterPath  string
	LogoutPath    string
	UserField     string
	Form          bool
	Resolve       []string
	CACert        string
	Timeout       time.Duration

	// set records which flags were given on the command line.
	set map[string]bool
}

// passwordEnv holds the password of --user, so it stays out of the shell's
// history and the process list.
const passwordEnv = "SCAFFOLD_DOCTOR_PASSWORD"

const doctorLong = `Diagnose a running deployment's auth wiring, as a browser on the web app
would meet it, and say what to change. It works with any backend: a scaffold
API, or Django, Rails, ... (see --login-path, --user-field, --form).

Checks, one line each (✓ passed, ✗ failed, ! warning) with a one-line fix:
  HTTPS                       https, or http on loopback (which browsers treat as secure)
  Topology                    what the two URLs really form (public suffix list) against
                              the declared --topology
  CORS for the web app        the preflight from the web origin: that exact origin,
                              Allow-Credentials: true, Vary: Origin, Content-Type allowed
  CORS refuses other origins  a look-alike origin, null, the web app's http:// twin and
                              http://localhost:3000 get no CORS headers
  Sign in                     with --user, or a throwaway account with --register
  HttpOnly, Secure, SameSite, Partitioned, Cookie prefixes, Cookie scope
                              every cookie the sign-in sets, for the topology
  Cookie accepted             GET --me-path with the cookies answers 200
  Cross-site forgery refused  POST --logout-path from another site with the cookies is refused
  HSTS                        Strict-Transport-Security on https (missing: a warning)

For a scaffold API (recognized by its answers, or when run inside a generated
project) each fix names the environment variable to set (APP_ORIGINS,
COOKIE_SAMESITE, ...); otherwise it names the header or cookie attribute.

Inside a generated project (a .scaffold.yaml in this directory or above), the
topology defaults to the project's, and without --web and --api the URLs
default to the development setup of 'make dev'.

The doctor writes nothing but the throwaway account of --register (a random
doctor-…@example.com address, named in the report, with a random password);
it signs out of the session it started. It sends at most 10 requests, each bounded by
--timeout.

The password of --user comes from --password-stdin, from the environment
variable SCAFFOLD_DOCTOR_PASSWORD, or from --password (which leaks into the
shell's history: prefer the others).

Exit codes: 0 nothing failed (warnings allowed), 1 a check failed or the API
could not be reached, 2 usage error.`

const doctorExample = `  # A cross-site deployment, with a throwaway account
  scaffold doctor --web https://shop.example --api https://api.example.net --topology cross-site --register

  # Inside a generated project, against 'make dev'
  scaffold doctor --register

  # An existing account, the password from the environment
  SCAFFOLD_DOCTOR_PASSWORD=... scaffold doctor --web https://app.example.com --api https://api.example.com --user ada@example.com

  # A Django API with a form login, before its DNS exists, in CI
  scaffold doctor --web https://app.example.com --api https://api.example.com \
    --resolve api.example.com:443:203.0.113.7 --login-path /accounts/login/ \
    --me-path /api/me/ --logout-path /accounts/logout/ --user-field username --form \
    --user ci --password-stdin --json < password.txt`

func newDoctorCmd(ios *IOStreams, b build, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{IO: ios, Build: b}
	cmd := &cobra.Command{
		Use:     "doctor",
		Short:   "Diagnose a running deployment's auth wiring",
		Long:    doctorLong,
		Example: doctorExample,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.set = make(map[string]bool)
			cmd.Flags().Visit(func(f *pflag.Flag) { opts.set[f.Name] = true })
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Web, "web", "", "the web app's URL, e.g. https://app.example.com")
	f.StringVar(&opts.API, "api", "", "the API's URL as the browser calls it (same-origin: the web app's URL, the default there)")
	f.StringVar(&opts.Topology, "topology", "", "the declared topology: "+choiceList(project.TopologyChoices)+" (default: the project's .scaffold.yaml)")
	f.StringVar(&opts.User, "user", "", "sign in with this existing account")
	f.StringVar(&opts.Password, "password", "", "the password of --user (prefer --password-stdin or $"+passwordEnv+")")
	f.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password of --user from the first line of stdin")
	f.BoolVar(&opts.Register, "register", false, "sign in with a throwaway account created at --register-path")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON, for CI")
	f.StringVar(&opts.LoginPath, "login-path", doctor.DefaultLoginPath, "the API's sign-in endpoint")
	f.StringVar(&opts.MePath, "me-path", doctor.DefaultMePath, "an endpoint that answers 200 only when signed in")
	f.StringVar(&opts.RegisterPath, "register-path", doctor.DefaultRegisterPath, "the API's sign-up endpoint, for --register")
	f.StringVar(&opts.LogoutPath, "logout-path", doctor.DefaultLogoutPath, "a POST endpoint that needs the sign-in: the forged cross-site write is sent there, and the doctor signs out there")
	f.StringVar(&opts.UserField, "user-field", doctor.DefaultUserField, "the name of the user field in the sign-in body (Django: username)")
	f.BoolVar(&opts.Form, "form", false, "post the sign-in as application/x-www-form-urlencoded instead of JSON")
	f.StringArrayVar(&opts.Resolve, "resolve", nil, "HOST:PORT:ADDRESS: connect to ADDRESS for HOST:PORT, as curl does (repeatable)")
	f.StringVar(&opts.CACert, "cacert", "", "PEM file of certificate authorities to trust besides the system's (SSL_CERT_FILE works too)")
	f.DurationVar(&opts.Timeout, "timeout", doctor.DefaultTimeout, "give up on a request after this long")

	cmd.RegisterFlagCompletionFunc("topology", fixedCompletion(project.TopologyChoices))
	return cmd
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	do, devURLs, err := doctorRunOptions(opts)
	if err != nil {
		return err
	}
	if devURLs != "" && !opts.JSON {
		fmt.Fprintf(opts.IO.Out, "No --web and --api: checking the development setup of %s.\n", devURLs)
	}
	rep, err := doctor.Run(ctx, do)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if devURLs != "" {
			return fmt.Errorf("%w (is 'make dev' running?)", err)
		}
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := rep.WriteText(opts.IO.Out); err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("%d of %d checks failed", rep.Failed, len(rep.Checks))
	}
	return nil
}

// doctorRunOptions turns the flags, the environment and the project's
// .scaffold.yaml into the doctor's options. devURLs names the answers file
// when the URLs are its development defaults.
func doctorRunOptions(opts *doctorOptions) (do doctor.Options, devURLs string, err error) {
	for _, name := range []string{"web", "api", "topology", "user", "login-path", "me-path", "register-path", "logout-path", "user-field", "cacert"} {
		if opts.set[name] && strings.TrimSpace(doctorFlagValue(opts, name)) == "" {
			return do, "", usageErrorf("--%s is empty", name)
		}
	}
	if opts.Timeout <= 0 {
		return do, "", usageErrorf("--timeout %s: must be positive", opts.Timeout)
	}

	var proj *project.Project
	answersPath, err := findAnswersFile(opts.WorkDir)
	if err != nil {
		return do, "", err
	}
	if answersPath != "" {
		answers, err := readAnswersFile(answersPath)
		if err != nil {
			return do, "", err
		}
		if proj, err = project.Resolve(answers.WithDefaults(), opts.Build.Version); err != nil {
			return do, "", usageErrorf("answers file %s: %w", answersPath, err)
		}
		do.ScaffoldProject = true
	}

	switch {
	case opts.Topology != "":
		if err := project.ValidateTopology(project.Topology(opts.Topology)); err != nil {
			return do, "", usageError{err}
		}
		do.Declared, do.DeclaredFrom = project.Topology(opts.Topology), "--topology"
	case proj != nil:
		do.Declared, do.DeclaredFrom = proj.Topology, displayAnswersPath(opts.WorkDir, answersPath)
	}

	web, api := opts.Web, opts.API
	if web != "" {
		u, err := doctor.ParseURL(web)
		if err != nil {
			return do, "", usageErrorf("--web %w", err)
		}
		// Only the origin counts: --web may be any page of the app.
		web = doctor.Origin(u)
	}
	switch {
	case web == "" && api == "" && proj != nil:
		// The development setup of `make dev`.
		web, api = proj.Dev.WebOrigin, proj.Dev.PublicAPIURL
		if api == "" {
			api = web
		}
		devURLs = displayAnswersPath(opts.WorkDir, answersPath)
	case web == "":
		return do, "", usageErrorf("missing --web: the web app's URL, such as https://app.example.com")
	case api == "" && do.Declared == project.SameOrigin:
		api = web
	case api == "":
		return do, "", usageErrorf("missing --api: the API's URL as the browser calls it (for a same-origin deployment, the web app's URL)")
	}
	if do.Web, err = doctor.ParseURL(web); err != nil {
		return do, "", usageErrorf("--web %w", err)
	}
	if do.API, err = doctor.ParseURL(api); err != nil {
		return do, "", usageErrorf("--api %w", err)
	}

	switch {
	case opts.Register && (opts.User != "" || opts.Password != "" || opts.PasswordStdin):
		return do, "", usageErrorf("--register and --user exclude each other: sign in with an existing account or a throwaway one")
	case opts.Password != "" && opts.PasswordStdin:
		return do, "", usageErrorf("--password and --password-stdin exclude each other")
	case opts.User == "" && (opts.Password != "" || opts.PasswordStdin):
		return do, "", usageErrorf("a password without --user: name the account with --user")
	}
	do.User, do.Register = opts.User, opts.Register
	if opts.User != "" {
		if do.Password, err = doctorPassword(opts); err != nil {
			return do, "", err
		}
	}

	do.LoginPath, do.MePath, do.RegisterPath, do.LogoutPath = opts.LoginPath, opts.MePath, opts.RegisterPath, opts.LogoutPath
	do.UserField, do.Form = opts.UserField, opts.Form
	do.Timeout = opts.Timeout
	if do.Client, err = doctor.NewClient(doctor.ClientOptions{
		Resolve:    opts.Resolve,
		CACertFile: opts.CACert,
		Timeout:    opts.Timeout,
		UserAgent:  "scaffold-doctor/" + opts.Build.Version,
	}); err != nil {
		return do, "", usageError{err}
	}
	if err := do.Validate(); err != nil {
		return do, "", usageError{err}
	}
	return do, devURLs, nil
}

func doctorFlagValue(opts *doctorOptions, name string) string {
	switch name {
	case "web":
		return opts.Web
	case "api":
		return opts.API
	case "topology":
		return opts.Topology
	case "user":
		return opts.User
	case "login-path":
		return opts.LoginPath
	case "me-path":
		return opts.MePath
	case "register-path":
		return opts.RegisterPath
	case "logout-path":
		return opts.LogoutPath
	case "user-field":
		return opts.UserField
	case "cacert":
		return opts.CACert
	}
	return ""
}

// doctorPassword is the password of --user: --password, --password-stdin
// or SCAFFOLD_DOCTOR_PASSWORD.
func doctorPassword(opts *doctorOptions) (string, error) {
	switch {
	case opts.Password != "":
		return opts.Password, nil
	case opts.PasswordStdin:
		line, err := bufio.NewReader(opts.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return "", usageErrorf("--password-stdin: no password on stdin")
		}
		if pw := strings.TrimRight(line, "\r\n"); pw != "" {
			return pw, nil
		}
		return "", usageErrorf("--password-stdin: the first line of stdin is empty")
	case opts.IO.Getenv != nil && opts.IO.Getenv(passwordEnv) != "":
		return opts.IO.Getenv(passwordEnv), nil
	}
	return "", usageErrorf("--user %s needs a password: pipe it to --password-stdin or set %s", opts.User, passwordEnv)
}

// findAnswersFile returns the .scaffold.yaml in dir or the nearest
// directory above it, or "" when there is none.
func findAnswersFile(dir string) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("current directory: %w", err)
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ".scaffold.yaml")
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("look for .scaffold.yaml: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// displayAnswersPath shows the answers file relative to the work directory
// when that is shorter.
func displayAnswersPath(workDir, p string) string {
	if workDir == "" {
		workDir, _ = os.Getwd()
	}
	if rel, err := filepath.Rel(workDir, p); err == nil && len(rel) < len(p) {
		return rel
	}
	return p
}
