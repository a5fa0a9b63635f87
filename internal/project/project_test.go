package project

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestValidateName(t *testing.T) {
	good := []string{"a", "myapp", "my-app", "app2", "a-1-b", strings.Repeat("a", 64)}
	for _, n := range good {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", n, err)
		}
	}
	bad := []string{"", "1app", "-app", "My-App", "my_app", "my app", "app.", "../x", "a/b", "é", strings.Repeat("a", 65), "app\n"}
	for _, n := range bad {
		if err := ValidateName(n); err == nil {
			t.Errorf("ValidateName(%q) = nil, want an error", n)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("ValidateName(%q) error spans lines: %q", n, err)
		}
	}
}

func TestValidateModule(t *testing.T) {
	for _, m := range []string{"myapp", "github.com/acme/shop", "example.com/a/b/v2", "my-app"} {
		if err := ValidateModule(m); err != nil {
			t.Errorf("ValidateModule(%q) = %v", m, err)
		}
	}
	for _, m := range []string{"", "foo bar", "/abs", "a//b", "a/../b", "github.com/acme/shop/", `a\b`} {
		if err := ValidateModule(m); err == nil {
			t.Errorf("ValidateModule(%q) = nil, want an error", m)
		}
	}
}

func TestValidateChoices(t *testing.T) {
	a := Answers{Auth: "oauth", Topology: "same-planet", DB: "mysql"}
	err := a.Validate()
	if err == nil {
		t.Fatal("Validate accepted unknown choices")
	}
	for _, want := range []string{`auth "oauth" is not one of session, jwt or hybrid`, `topology "same-planet"`, `db "mysql" is not one of sqlite or postgres`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := (Answers{}).Validate(); err != nil {
		t.Errorf("empty answers: %v (unanswered is not invalid)", err)
	}
}

func TestMergeAndDefaults(t *testing.T) {
	flags := Answers{Name: "shop", Auth: AuthJWT}
	file := Answers{Name: "other", Auth: AuthHybrid, DB: Postgres}
	got := flags.Merge(file).WithDefaults()
	want := Answers{Name: "shop", Module: "shop", Auth: AuthJWT, Topology: SameOrigin, DB: Postgres, Redis: No}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if m := (Answers{Auth: AuthJWT}).Missing(); strings.Join(m, ",") != "name,module,topology,db" {
		t.Errorf("Missing = %v", m)
	}
}

// TestResolveCookies pins the cookie and CORS decisions per topology: these
// are the settings that make a deployment work in a browser or not.
func TestResolveCookies(t *testing.T) {
	tests := []struct {
		topology                     Topology
		sameSite                     string
		partitioned, secureDev, cors bool
		proxies, serverSees          bool
		publicAPIURL                 string
	}{
		{SameOrigin, "Lax", false, false, false, true, true, ""},
		{SameSite, "Lax", false, false, true, false, true, "http://localhost:8080"},
		{CrossSite, "None", true, true, true, false, false, "http://127.0.0.1:8080"},
	}
	for _, tt := range tests {
		p, err := Resolve(Answers{Name: "app", Module: "app", Auth: AuthSession, Topology: tt.topology, DB: SQLite}, "v1")
		if err != nil {
			t.Fatal(err)
		}
		if p.Cookie.SameSite != tt.sameSite || p.Cookie.Partitioned != tt.partitioned || p.Cookie.SecureInDevelopment != tt.secureDev {
			t.Errorf("%s: cookie = %+v", tt.topology, p.Cookie)
		}
		// A browser rejects SameSite=None or Partitioned without Secure.
		if (p.Cookie.SameSite == "None" || p.Cookie.Partitioned) && !p.Cookie.SecureInDevelopment {
			t.Errorf("%s: SameSite=None/Partitioned without Secure in development", tt.topology)
		}
		if p.CORS != tt.cors || p.WebProxiesAPI != tt.proxies || p.ServerMaySeeCookies != tt.serverSees {
			t.Errorf("%s: CORS %v, proxy %v, server sees cookies %v", tt.topology, p.CORS, p.WebProxiesAPI, p.ServerMaySeeCookies)
		}
		if p.Dev.PublicAPIURL != tt.publicAPIURL {
			t.Errorf("%s: PublicAPIURL = %q, want %q", tt.topology, p.Dev.PublicAPIURL, tt.publicAPIURL)
		}
	}
}

func TestResolveModes(t *testing.T) {
	for _, a := range All("my-app") {
		p, err := Resolve(a, "v1")
		if err != nil {
			t.Fatalf("%s: %v", a.Key(), err)
		}
		if p.BrowserSessions == p.BrowserJWT {
			t.Errorf("%s: the browser must use exactly one of sessions and JWT cookies", a.Key())
		}
		if p.BearerTokens != (a.Auth != AuthSession) {
			t.Errorf("%s: BearerTokens = %v", a.Key(), p.BearerTokens)
		}
		if p.Postgres && p.Dev.DatabaseURL != "postgres://postgres:postgres@localhost:5432/my_app?sslmode=disable" {
			t.Errorf("%s: DatabaseURL = %q", a.Key(), p.Dev.DatabaseURL)
		}
		if p.SQLite && p.Dev.DatabaseURL != "sqlite:data/app.db" {
			t.Errorf("%s: DatabaseURL = %q", a.Key(), p.Dev.DatabaseURL)
		}
	}
	// 3 auth modes × 3 topologies × (SQLite, Postgres, Postgres with Redis).
	if n := len(All("x")); n != 27 {
		t.Errorf("All has %d combinations, want 27", n)
	}
	if _, err := Resolve(Answers{Name: "x"}, "v1"); err == nil {
		t.Error("Resolve accepted unanswered questions")
	}
}

func TestRedisNeedsPostgres(t *testing.T) {
	for _, a := range All("x") {
		p, err := Resolve(a, "v1")
		if err != nil {
			t.Fatalf("%s: %v", a.Key(), err)
		}
		if p.Redis != (a.Redis == Yes) || p.Redis && (!p.Postgres || p.Dev.RedisURL == "") {
			t.Errorf("%s: Redis %v, Postgres %v, RedisURL %q", a.Key(), p.Redis, p.Postgres, p.Dev.RedisURL)
		}
	}
	err := Answers{DB: SQLite, Redis: Yes}.Validate()
	if err == nil || !strings.Contains(err.Error(), "--db postgres") {
		t.Errorf("redis with sqlite: %v", err)
	}
	if err := (Answers{Redis: Yes}).Validate(); err != nil {
		t.Errorf("redis with the database unanswered: %v", err)
	}
	if got := (Answers{Redis: Yes}).Merge(Answers{Redis: No}); got.Redis != Yes {
		t.Errorf("Merge overrode an answered toggle: %v", got.Redis)
	}
	if got := (Answers{}).Merge(Answers{Redis: No}); got.Redis != No {
		t.Errorf("Merge did not fill an unanswered toggle: %v", got.Redis)
	}
	// Each field is fine on its own: the combination is what is refused.
	if err := (Answers{DB: SQLite, Redis: Yes}).ValidateFields(); err != nil {
		t.Errorf("ValidateFields refused a combination: %v", err)
	}
	if err := (Answers{DB: "mysql", Redis: Yes}).ValidateFields(); err == nil {
		t.Error("ValidateFields accepted db mysql")
	}
}

func TestToggleYAML(t *testing.T) {
	type doc struct {
		Redis Toggle `yaml:"redis,omitempty"`
	}
	for in, want := range map[string]Toggle{"redis: true": Yes, "redis: false": No, "redis: yes": Yes, "{}": Unanswered, "redis:": Unanswered} {
		var d doc
		if err := yaml.Unmarshal([]byte(in), &d); err != nil || d.Redis != want {
			t.Errorf("%q: %v, %v; want %v", in, d.Redis, err, want)
		}
	}
	for in, want := range map[string]string{
		"redis: maybe":    `line 1: want true or false, not "maybe"`,
		"redis: 1":        `line 1: want true or false, not "1"`,
		`redis: "true"`:   `line 1: want true or false, not the string "true" (leave out the quotes)`,
		"redis: [true]":   "line 1: want true or false, not a list",
		"\nredis: {a: 1}": "line 2: want true or false, not a mapping",
	} {
		var d doc
		if err := yaml.Unmarshal([]byte(in), &d); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	for toggle, want := range map[Toggle]string{Yes: "redis: true\n", No: "redis: false\n", Unanswered: "{}\n"} {
		if b, err := yaml.Marshal(doc{toggle}); err != nil || string(b) != want {
			t.Errorf("Marshal(%v) = %q, %v; want %q", toggle, b, err, want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d      Duration
		goExpr string
		env    string
	}{
		{Duration(24 * time.Hour), "24 * time.Hour", "24h"},
		{Duration(10 * time.Minute), "10 * time.Minute", "10m"},
		{Duration(90 * time.Second), "90 * time.Second", "90s"},
		{Duration(336 * time.Hour), "336 * time.Hour", "336h"},
	}
	for _, tt := range tests {
		if got := tt.d.Go(); got != tt.goExpr {
			t.Errorf("Go() = %q, want %q", got, tt.goExpr)
		}
		if got := tt.d.Env(); got != tt.env {
			t.Errorf("Env() = %q, want %q", got, tt.env)
		}
		// The environment form must read back as the same duration.
		if back, err := time.ParseDuration(tt.env); err != nil || back != time.Duration(tt.d) {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.env, back, err)
		}
	}
	if l := defaultLifetimes; l.AccessToken > l.MaxAccessToken || l.MaxAccessToken > Duration(15*time.Minute) {
		t.Errorf("access token lifetime %v over the bound %v (the spec allows at most 15m)", l.AccessToken.Env(), l.MaxAccessToken.Env())
	}
}

// TestResolveDeploy pins the production deployment per topology: the host
// names of SPEC §6, what the browser and the web server are told, and when
// the web server can see the API's cookies.
func TestResolveDeploy(t *testing.T) {
	tests := []struct {
		topology                      Topology
		appHost, apiHost, cookieDom   string
		appOrigin, publicAPIURL       string
		maySeeCookies, onlyWithDomain bool
	}{
		{SameOrigin, "app.example.com", "", "", "https://app.example.com", "", true, false},
		{SameSite, "app.example.com", "api.example.com", "example.com", "https://app.example.com", "https://api.example.com", true, true},
		{CrossSite, "shop.example", "api.example.net", "", "https://shop.example", "https://api.example.net", false, false},
	}
	for _, tt := range tests {
		p, err := Resolve(Answers{Name: "app", Module: "app", Auth: AuthJWT, Topology: tt.topology, DB: Postgres}, "v1")
		if err != nil {
			t.Fatal(err)
		}
		d := p.Deploy
		if d.AppHost != tt.appHost || d.APIHost != tt.apiHost || d.CookieDomain != tt.cookieDom {
			t.Errorf("%s: hosts %q %q, cookie domain %q", tt.topology, d.AppHost, d.APIHost, d.CookieDomain)
		}
		if d.AppOrigin != tt.appOrigin || d.PublicAPIURL != tt.publicAPIURL {
			t.Errorf("%s: origin %q, public API URL %q", tt.topology, d.AppOrigin, d.PublicAPIURL)
		}
		if p.ServerMaySeeCookies != tt.maySeeCookies || p.ServerSeesCookiesOnlyWithDomain != tt.onlyWithDomain {
			t.Errorf("%s: server may see cookies %v, only with COOKIE_DOMAIN %v", tt.topology, p.ServerMaySeeCookies, p.ServerSeesCookiesOnlyWithDomain)
		}
		// The cookie domain covers both hosts, and nothing narrower would.
		if d.CookieDomain != "" && (!strings.HasSuffix(d.AppHost, "."+d.CookieDomain) || !strings.HasSuffix(d.APIHost, "."+d.CookieDomain)) {
			t.Errorf("%s: COOKIE_DOMAIN %q does not cover %s and %s", tt.topology, d.CookieDomain, d.AppHost, d.APIHost)
		}
		if p.WebProxiesAPI != (d.APIHost == "") {
			t.Errorf("%s: the API is public (%q) though the web server proxies it, or the other way round", tt.topology, d.APIHost)
		}
	}
}
