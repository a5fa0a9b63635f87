package scaffold_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/rhysd/actionlint"
	"golang.org/x/mod/modfile"

	"github.com/scaffoldhq/scaffold/internal/project"
	"github.com/scaffoldhq/scaffold/internal/projecttest"
	"github.com/scaffoldhq/scaffold/internal/render"
)

// fileOf returns the rendered file at path, failing the test without it.
func fileOf(t *testing.T, files []render.File, path string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no %s rendered", path)
	return nil
}

// TestWorkflowLints checks every combination's GitHub Actions workflow with
// actionlint: syntax, expressions, the inputs of the actions it uses, and
// the shell of its run steps when shellcheck is installed.
func TestWorkflowLints(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Log("shellcheck is not installed: the run steps' shell is not checked (apt-get install -y shellcheck)")
	}
	const path = ".github/workflows/ci.yml"
	// Several combinations share a workflow: each one is linted once.
	linted := map[string]string{}
	for _, a := range combinations() {
		workflow := fileOf(t, renderProject(t, a), path)
		if same, ok := linted[string(workflow)]; ok {
			t.Logf("%s: the workflow of %s", a.Key(), same)
			continue
		}
		linted[string(workflow)] = a.Key()
		t.Run(a.Key(), func(t *testing.T) {
			linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: shellcheck})
			if err != nil {
				t.Fatal(err)
			}
			errs, err := linter.Lint(path, workflow, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				t.Errorf("%s:%d:%d: %s [%s]", path, e.Line, e.Column, e.Message, e.Kind)
			}
		})
	}
}

// TestWorkflowLintCatches makes sure the check above can fail: a workflow
// with a misspelt input of a known action is refused.
func TestWorkflowLintCatches(t *testing.T) {
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bad := "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-versoin-file: go.mod\n"
	errs, err := linter.Lint("ci.yml", []byte(bad), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 {
		t.Error("actionlint accepted an unknown input of actions/setup-go")
	}
}

// deployEnv is what a user writes into deploy/.env: .env.example with the
// secrets filled in, as the README and the CI workflow do.
func deployEnv(t *testing.T, p *project.Project, example []byte) string {
	t.Helper()
	env := string(example)
	if p.Postgres {
		env = strings.Replace(env, "\nPOSTGRES_PASSWORD=\n", "\nPOSTGRES_PASSWORD=0123456789abcdef\n", 1)
	}
	if p.Redis {
		env = strings.Replace(env, "\nREDIS_PASSWORD=\n", "\nREDIS_PASSWORD=fedcba9876543210\n", 1)
	}
	if p.BearerTokens {
		env += "JWT_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIG5vdCBhIHJlYWwga2V5LCBvbmx5IGEgdGVzdCEhISE=\n-----END PRIVATE KEY-----\"\n"
	}
	return env
}

// loadCompose loads deploy/compose.yaml of the project in dir with the
// loader Docker Compose itself uses: schema, interpolation, env_file.
func loadCompose(t *testing.T, dir string) (*types.Project, error) {
	t.Helper()
	deploy := filepath.Join(dir, "deploy")
	opts, err := cli.NewProjectOptions([]string{filepath.Join(deploy, "compose.yaml")},
		cli.WithWorkingDirectory(deploy),
		cli.WithEnvFiles(filepath.Join(deploy, ".env")),
		cli.WithDotEnv,
	)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// TestDeployCompose loads every combination's deploy/compose.yaml the way
// `docker compose up` would, and checks the wiring a production deployment
// depends on, which no container run on this machine can show.
func TestDeployCompose(t *testing.T) {
	for _, a := range combinations() {
		t.Run(a.Key(), func(t *testing.T) {
			p, err := project.Resolve(a, goldenVersion)
			if err != nil {
				t.Fatal(err)
			}
			dir := projecttest.Generate(t, a)
			example, err := os.ReadFile(filepath.Join(dir, "deploy", ".env.example"))
			if err != nil {
				t.Fatal(err)
			}
			envPath := filepath.Join(dir, "deploy", ".env")

			// .env.example alone lacks the secrets: compose must say which.
			if p.Postgres {
				if err := os.WriteFile(envPath, example, 0o600); err != nil {
					t.Fatal(err)
				}
				if _, err := loadCompose(t, dir); err == nil || !strings.Contains(err.Error(), "_PASSWORD") {
					t.Errorf("without POSTGRES_PASSWORD: %v, want an error naming it", err)
				}
			}

			if err := os.WriteFile(envPath, []byte(deployEnv(t, p, example)), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := loadCompose(t, dir)
			if err != nil {
				t.Fatalf("docker compose would refuse deploy/compose.yaml: %v", err)
			}
			checkCompose(t, p, c)
		})
	}
}

func checkCompose(t *testing.T, p *project.Project, c *types.Project) {
	t.Helper()
	want := []string{"api", "caddy", "web"}
	if p.Postgres {
		want = append(want, "db")
	}
	if p.Redis {
		want = append(want, "redis")
	}
	got := c.ServiceNames()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("services %q, want %q", got, want)
	}
	env := func(service, name string) string {
		v := c.Services[service].Environment[name]
		if v == nil {
			return ""
		}
		return *v
	}
	dependsHealthy := func(service, on string) {
		if d, ok := c.Services[service].DependsOn[on]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("%s does not wait for %s to be healthy", service, on)
		}
	}

	// Every service but Caddy has a health check, and starts after what it
	// needs is healthy.
	for _, s := range c.Services {
		if s.Name != "caddy" && (s.HealthCheck == nil || len(s.HealthCheck.Test) == 0) {
			t.Errorf("%s has no health check", s.Name)
		}
		if s.Restart != types.RestartPolicyUnlessStopped {
			t.Errorf("%s: restart %q, want unless-stopped", s.Name, s.Restart)
		}
	}
	if hc := c.Services["api"].HealthCheck; hc != nil && strings.Join(hc.Test, " ") != "CMD /usr/local/bin/api -healthcheck" {
		t.Errorf("api health check %q: the distroless image has only the binary", hc.Test)
	}
	dependsHealthy("caddy", "web")
	dependsHealthy("web", "api")
	if p.Deploy.APIHost != "" {
		dependsHealthy("caddy", "api")
	}
	if p.Postgres {
		dependsHealthy("api", "db")
	}
	if p.Redis {
		dependsHealthy("api", "redis")
		if got := env("api", "REDIS_URL"); got != "redis://:fedcba9876543210@redis:6379/0" {
			t.Errorf("api REDIS_URL=%q: not the redis service with the password of .env", got)
		}
		if vols := c.Services["redis"].Volumes; len(vols) != 1 || vols[0].Target != "/data" {
			t.Errorf("redis volumes %v: its sessions must survive a restart", vols)
		}
	}
	if p.WebProxiesAPI && env("web", "TRUSTED_PROXIES") != env("api", "TRUSTED_PROXIES") {
		t.Errorf("web TRUSTED_PROXIES=%q: the web server must believe Caddy's X-Forwarded-For", env("web", "TRUSTED_PROXIES"))
	}

	// Only Caddy is published.
	for _, s := range c.Services {
		if s.Name != "caddy" && len(s.Ports) > 0 {
			t.Errorf("%s publishes ports %v: only Caddy faces the internet", s.Name, s.Ports)
		}
	}

	// The API: production, the web app's https origin, and the proxies in
	// front of it (the whole private network) trusted for X-Forwarded-For.
	if got := env("api", "APP_ENV"); got != "production" {
		t.Errorf("api APP_ENV=%q", got)
	}
	if got, want := env("api", "APP_ORIGINS"), p.Deploy.AppOrigin; got != want {
		t.Errorf("api APP_ORIGINS=%q, want %q", got, want)
	}
	var subnets []string
	for _, pool := range c.Networks["default"].Ipam.Config {
		subnets = append(subnets, pool.Subnet)
	}
	if len(subnets) != 1 || env("api", "TRUSTED_PROXIES") != subnets[0] {
		t.Errorf("api TRUSTED_PROXIES=%q, want the network's subnet %q", env("api", "TRUSTED_PROXIES"), subnets)
	}
	if p.BearerTokens && !strings.Contains(env("api", "JWT_PRIVATE_KEY"), "BEGIN PRIVATE KEY") {
		t.Error("the API does not get JWT_PRIVATE_KEY from .env")
	}
	if p.Postgres {
		if got := env("api", "DATABASE_URL"); !strings.HasPrefix(got, "postgres://") || !strings.Contains(got, "0123456789abcdef@db:5432/") {
			t.Errorf("api DATABASE_URL=%q: not the db service with the password of .env", got)
		}
	} else if vols := c.Services["api"].Volumes; len(vols) != 1 || vols[0].Target != "/data" {
		t.Errorf("api volumes %v: the SQLite database needs one at /data", vols)
	}

	// The web server: the API on the private network, COOKIE_DOMAIN as the
	// API has it, the public API URL in the build, and no secret.
	if got := env("web", "API_URL"); got != p.Deploy.APIURL {
		t.Errorf("web API_URL=%q, want %q", got, p.Deploy.APIURL)
	}
	if p.ServerSeesCookiesOnlyWithDomain {
		if got, want := env("web", "COOKIE_DOMAIN"), env("api", "COOKIE_DOMAIN"); got != want || got != p.Deploy.CookieDomain {
			t.Errorf("COOKIE_DOMAIN: web %q, api %q; want both %q", got, want, p.Deploy.CookieDomain)
		}
	}
	for name := range c.Services["web"].Environment {
		if name == "JWT_PRIVATE_KEY" || name == "POSTGRES_PASSWORD" || name == "REDIS_PASSWORD" || name == "SMTP_URL" {
			t.Errorf("the web server gets %s", name)
		}
	}
	arg := c.Services["web"].Build.Args["NEXT_PUBLIC_API_URL"]
	switch {
	case p.Deploy.PublicAPIURL == "" && arg != nil:
		t.Errorf("same-origin web image built with NEXT_PUBLIC_API_URL=%q", *arg)
	case p.Deploy.PublicAPIURL != "" && (arg == nil || *arg != p.Deploy.PublicAPIURL):
		t.Errorf("web image's NEXT_PUBLIC_API_URL = %v, want %q", arg, p.Deploy.PublicAPIURL)
	}

	// Caddy: the host names, ports 80 and 443, its certificates kept.
	if got := env("caddy", "APP_HOST"); got != p.Deploy.AppHost {
		t.Errorf("caddy APP_HOST=%q, want %q", got, p.Deploy.AppHost)
	}
	if got := env("caddy", "API_HOST"); got != p.Deploy.APIHost {
		t.Errorf("caddy API_HOST=%q, want %q", got, p.Deploy.APIHost)
	}
	published := map[string]bool{}
	for _, port := range c.Services["caddy"].Ports {
		published[fmt.Sprintf("%s/%s", port.Published, port.Protocol)] = true
	}
	for _, want := range []string{"80/tcp", "443/tcp", "443/udp"} {
		if !published[want] {
			t.Errorf("caddy does not publish %s (has %v)", want, published)
		}
	}
	kept := false
	for _, v := range c.Services["caddy"].Volumes {
		kept = kept || (v.Type == types.VolumeTypeVolume && v.Target == "/data")
	}
	if !kept {
		t.Error("caddy's /data (certificates) is not a volume")
	}
}

// TestDeployToolchains checks that the images build with the toolchains
// the project declares: the golang image's version is api/go.mod's (the
// golang images refuse a newer go directive), and the Node.js version of
// the web image is the one the CI workflow tests with.
func TestDeployToolchains(t *testing.T) {
	from := regexp.MustCompile(`(?m)^FROM (\S+)`)
	for _, a := range combinations() {
		files := renderProject(t, a)
		p, err := project.Resolve(a, goldenVersion)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := modfile.ParseLax("go.mod", fileOf(t, files, "api/go.mod"), nil)
		if err != nil || mod.Go == nil {
			t.Fatalf("%s: api/go.mod: %v", a.Key(), err)
		}
		if !strings.HasPrefix(mod.Go.Version+".", p.Deploy.Images.GoVersion+".") {
			t.Errorf("%s: api/go.mod says go %s; the image builds with Go %s", a.Key(), mod.Go.Version, p.Deploy.Images.GoVersion)
		}
		api := from.FindAllStringSubmatch(string(fileOf(t, files, "api/Dockerfile")), -1)
		if len(api) != 2 || api[0][1] != p.Deploy.Images.GoBuild || api[1][1] != p.Deploy.Images.APIRuntime {
			t.Errorf("%s: api/Dockerfile's images %v", a.Key(), api)
		}
		for _, m := range from.FindAllStringSubmatch(string(fileOf(t, files, "web/Dockerfile")), -1) {
			if m[1] != p.Deploy.Images.Node || !strings.Contains(m[1], ":"+p.Deploy.Images.NodeVersion+"-") {
				t.Errorf("%s: web/Dockerfile builds FROM %s; CI tests Node.js %s", a.Key(), m[1], p.Deploy.Images.NodeVersion)
			}
		}
		if ci := string(fileOf(t, files, ".github/workflows/ci.yml")); !strings.Contains(ci, "node-version: "+p.Deploy.Images.NodeVersion+"\n") {
			t.Errorf("%s: the CI workflow does not set up Node.js %s", a.Key(), p.Deploy.Images.NodeVersion)
		}
	}
}
