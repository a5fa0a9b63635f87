package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scaffoldhq/scaffold/internal/doctor"
	"github.com/scaffoldhq/scaffold/internal/project"
)

// doctorOptionsFor parses `scaffold doctor args...` as the command would,
// in workDir, with env as the environment and stdin as standard input, and
// returns the doctor's options without sending anything.
func doctorOptionsFor(t *testing.T, workDir string, env map[string]string, stdin string, args ...string) (doctor.Options, string, error) {
	t.Helper()
	ios := &IOStreams{In: strings.NewReader(stdin), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
	var got doctor.Options
	var dev string
	var runErr error
	cmd := newDoctorCmd(ios, build{Version: "v1.2.3"}, func(_ context.Context, o *doctorOptions) error {
		o.WorkDir = workDir
		got, dev, runErr = doctorRunOptions(o)
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		return got, dev, err
	}
	return got, dev, runErr
}

// writeProject writes the .scaffold.yaml of a generated project in a new
// directory with an api/ subdirectory, and returns the directory.
func writeProject(t *testing.T, topology project.Topology) string {
	t.Helper()
	dir := t.TempDir()
	yaml := "version: \"v1.2.3\"\nname: shop\nmodule: \"example.com/shop\"\nauth: jwt\ntopology: " + string(topology) + "\ndb: sqlite\n"
	if err := os.WriteFile(filepath.Join(dir, ".scaffold.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDoctorProjectDefaults: inside a generated project, the topology comes
// from .scaffold.yaml and, without --web and --api, the URLs are those of
// `make dev`; the fixes name scaffold's variables.
func TestDoctorProjectDefaults(t *testing.T) {
	for _, tc := range []struct {
		topology project.Topology
		web, api string
	}{
		{project.SameOrigin, "http://localhost:3000", "http://localhost:3000"},
		{project.SameSite, "http://localhost:3000", "http://localhost:8080"},
		{project.CrossSite, "http://localhost:3000", "http://127.0.0.1:8080"},
	} {
		t.Run(string(tc.topology), func(t *testing.T) {
			dir := writeProject(t, tc.topology)
			// From a subdirectory: the answers file is found above.
			o, dev, err := doctorOptionsFor(t, filepath.Join(dir, "api"), nil, "", "--register")
			if err != nil {
				t.Fatal(err)
			}
			if o.Web.String() != tc.web || o.API.String() != tc.api {
				t.Errorf("URLs %s and %s, want %s and %s", o.Web, o.API, tc.web, tc.api)
			}
			if o.Declared != tc.topology || o.DeclaredFrom != filepath.Join("..", ".scaffold.yaml") {
				t.Errorf("declared %s from %q", o.Declared, o.DeclaredFrom)
			}
			if !o.ScaffoldProject || dev == "" || !o.Register {
				t.Errorf("scaffold project %v, development URLs %q, register %v", o.ScaffoldProject, dev, o.Register)
			}
		})
	}

	dir := writeProject(t, project.SameSite)
	o, dev, err := doctorOptionsFor(t, dir, nil, "", "--web", "https://app.example.com", "--api", "https://api.other.com", "--topology", "cross-site")
	if err != nil {
		t.Fatal(err)
	}
	if o.Declared != project.CrossSite || o.DeclaredFrom != "--topology" || dev != "" || o.Web.Host != "app.example.com" {
		t.Errorf("flags did not win over .scaffold.yaml: %+v, dev %q", o, dev)
	}

	// --web alone: the API is on the same origin only in same-origin.
	o, _, err = doctorOptionsFor(t, writeProject(t, project.SameOrigin), nil, "", "--web", "https://app.example.com/dashboard")
	if err != nil || o.API.String() != "https://app.example.com" {
		t.Errorf("same-origin --web alone: API %v, err %v", o.API, err)
	}
	if _, _, err := doctorOptionsFor(t, dir, nil, "", "--web", "https://app.example.com"); err == nil || exitCode(err) != exitUsage || !strings.Contains(err.Error(), "missing --api") {
		t.Errorf("same-site --web alone: %v", err)
	}
}

func TestDoctorOutsideProject(t *testing.T) {
	dir := t.TempDir()
	o, dev, err := doctorOptionsFor(t, dir, nil, "", "--web", "https://app.example.com", "--api", "https://api.example.com",
		"--login-path", "/accounts/login/", "--me-path", "/api/me/", "--logout-path", "/accounts/logout/", "--user-field", "username", "--form",
		"--user", "ada", "--password", "pw", "--timeout", "3s")
	if err != nil {
		t.Fatal(err)
	}
	if o.ScaffoldProject || o.Declared != "" || dev != "" {
		t.Errorf("outside a project: scaffold %v, declared %q, dev %q", o.ScaffoldProject, o.Declared, dev)
	}
	if o.LoginPath != "/accounts/login/" || o.MePath != "/api/me/" || o.LogoutPath != "/accounts/logout/" || o.UserField != "username" || !o.Form ||
		o.User != "ada" || o.Password != "pw" || o.Timeout != 3*time.Second || o.Client == nil {
		t.Errorf("options %+v", o)
	}
}

func TestDoctorPasswordSources(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--web", "https://app.example.com", "--api", "https://api.example.com", "--user", "ada"}
	env := map[string]string{passwordEnv: "from-env"}

	o, _, err := doctorOptionsFor(t, dir, env, "", base...)
	if err != nil || o.Password != "from-env" {
		t.Errorf("$%s: password %q, err %v", passwordEnv, o.Password, err)
	}
	o, _, err = doctorOptionsFor(t, dir, env, "from stdin\nsecond line\n", append(base, "--password-stdin")...)
	if err != nil || o.Password != "from stdin" {
		t.Errorf("--password-stdin: password %q, err %v", o.Password, err)
	}
	o, _, err = doctorOptionsFor(t, dir, env, "", append(base, "--password", "from-flag")...)
	if err != nil || o.Password != "from-flag" {
		t.Errorf("--password: password %q, err %v", o.Password, err)
	}

	for _, tc := range []struct {
		env   map[string]string
		stdin string
		args  []string
		want  string
	}{
		{nil, "", base, "needs a password: pipe it to --password-stdin or set SCAFFOLD_DOCTOR_PASSWORD"},
		{nil, "", append(base, "--password-stdin"), "--password-stdin: no password on stdin"},
		{nil, "\n", append(base, "--password-stdin"), "the first line of stdin is empty"},
		{nil, "", append(base, "--password", "a", "--password-stdin"), "exclude each other"},
		{env, "", append(base, "--register"), "--register and --user exclude each other"},
		{nil, "", []string{"--web", "https://app.example.com", "--api", "https://api.example.com", "--password", "x"}, "a password without --user"},
	} {
		_, _, err := doctorOptionsFor(t, dir, tc.env, tc.stdin, tc.args...)
		if err == nil || exitCode(err) != exitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want a usage error saying %q", tc.args, err, tc.want)
		}
	}
}

func TestDoctorUsageErrors(t *testing.T) {
	dir := t.TempDir()
	ok := []string{"--web", "https://app.example.com", "--api", "https://api.example.com"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing --web"},
		{[]string{"--web", "https://app.example.com"}, "missing --api"},
		{[]string{"--web", "app.example.com", "--api", "https://api.example.com"}, `--web "app.example.com": want an http:// or https:// URL`},
		{[]string{"--web", "https://app.example.com", "--api", "https://u:p@api.example.com"}, "leave the user name and password out"},
		{append(ok, "--topology", "diagonal"), `topology "diagonal" is not one of same-origin, same-site or cross-site`},
		{append(ok, "--resolve", "api.example.com:443"), "want HOST:PORT:ADDRESS"},
		{append(ok, "--cacert", filepath.Join(dir, "missing.pem")), "--cacert"},
		{append(ok, "--timeout", "0s"), "--timeout 0s: must be positive"},
		{append(ok, "--login-path", "api/auth/login"), "--login-path"},
		{append(ok, "--user-field", ""), "--user-field is empty"},
		{append(ok, "extra"), "unknown command"},
	} {
		_, _, err := doctorOptionsFor(t, dir, nil, "", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line saying %q", tc.args, err, tc.want)
		}
		if err != nil && exitCode(err) != exitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, exitCode(err), exitUsage)
		}
	}
}
