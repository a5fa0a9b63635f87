// Package project is the one model of a scaffold project: the answers a user
// gives, their validation, and every setting derived from them.
//
// Templates print what this package decides and never re-derive it: if a
// template needs to know whether CORS is on or which SameSite a cookie takes,
// the answer is a field of Project, computed here once.
package project

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/module"
)

// Auth is how users are authenticated.
type Auth string

// The auth modes.
const (
	AuthSession Auth = "session"
	AuthJWT     Auth = "jwt"
	AuthHybrid  Auth = "hybrid"
)

// Topology is how the web app and the API are deployed relative to each other.
type Topology string

// The topologies.
const (
	SameOrigin Topology = "same-origin"
	SameSite   Topology = "same-site"
	CrossSite  Topology = "cross-site"
)

// DB is the API's database.
type DB string

// The databases.
const (
	SQLite   DB = "sqlite"
	Postgres DB = "postgres"
)

// Choice is one allowed value of a question, with the one-line explanation
// shown next to it in prompts and help text.
type Choice struct {
	Value string
	Title string
	Help  string
}

// AuthChoices, TopologyChoices and DBChoices list the allowed values in the
// order prompts show them; the first is the default.
var (
	AuthChoices = []Choice{
		{string(AuthSession), "session", "server-side sessions in an HttpOnly cookie; the simplest choice for a browser-only app"},
		{string(AuthJWT), "jwt", "short-lived access JWT + rotating refresh token in HttpOnly cookies, bearer tokens for other clients"},
		{string(AuthHybrid), "hybrid", "session cookie for the browser, bearer JWTs for mobile apps, CLIs and services"},
	}
	TopologyChoices = []Choice{
		{string(SameOrigin), "same-origin", "the web app proxies /api to the API: first-party SameSite=Lax cookies, no CORS"},
		{string(SameSite), "same-site", "app.example.com + api.example.com: SameSite=Lax cookies, CORS allow-list"},
		{string(CrossSite), "cross-site", "different domains: SameSite=None; Secure; Partitioned (CHIPS) cookies, CORS allow-list"},
	}
	DBChoices = []Choice{
		{string(SQLite), "sqlite", "a file under api/data, pure Go (no cgo), nothing to install"},
		{string(Postgres), "postgres", "PostgreSQL through pgx; compose.yaml runs one for development"},
	}
)

// Answers are the user's choices: what flags, an answers file and prompts
// fill in, and what .scaffold.yaml records. A zero field is unanswered.
type Answers struct {
	Name     string   `yaml:"name,omitempty"`
	Module   string   `yaml:"module,omitempty"`
	Auth     Auth     `yaml:"auth,omitempty"`
	Topology Topology `yaml:"topology,omitempty"`
	DB       DB       `yaml:"db,omitempty"`
	// Redis keeps sessions, rate limits and revocations in Redis, shared by
	// every API instance (SPEC §7); it needs Postgres.
	Redis Toggle `yaml:"redis,omitempty"`
}

// Toggle is a yes/no answer that can also be unanswered, which a bool
// cannot say: --redis=false must override an answers file's redis: true.
type Toggle uint8

// The values of a Toggle.
const (
	Unanswered Toggle = iota
	No
	Yes
)

// ToggleOf is Yes for true and No for false.
func ToggleOf(b bool) Toggle {
	if b {
		return Yes
	}
	return No
}

// On reports whether the answer is yes.
func (t Toggle) On() bool { return t == Yes }

// MarshalYAML writes a Toggle as a YAML boolean.
func (t Toggle) MarshalYAML() (any, error) { return t == Yes, nil }

// UnmarshalYAML reads a YAML boolean, strictly: a quoted "true" is a
// string, and 1 a number.
func (t *Toggle) UnmarshalYAML(value *yaml.Node) error {
	if value.Kind == yaml.AliasNode && value.Alias != nil {
		value = value.Alias
	}
	var b bool
	if value.Kind != yaml.ScalarNode || value.Decode(&b) != nil {
		return fmt.Errorf("line %d: want true or false, not %s", value.Line, nodeDescription(value))
	}
	*t = ToggleOf(b)
	return nil
}

// nodeDescription names what a YAML node holds, for error messages.
func nodeDescription(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind != yaml.ScalarNode:
		return "a mapping"
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		return fmt.Sprintf("the string %q (leave out the quotes)", n.Value)
	}
	return strconv.Quote(n.Value)
}

// Merge returns a with every unanswered field taken from b.
func (a Answers) Merge(b Answers) Answers {
	if a.Name == "" {
		a.Name = b.Name
	}
	if a.Module == "" {
		a.Module = b.Module
	}
	if a.Auth == "" {
		a.Auth = b.Auth
	}
	if a.Topology == "" {
		a.Topology = b.Topology
	}
	if a.DB == "" {
		a.DB = b.DB
	}
	if a.Redis == Unanswered {
		a.Redis = b.Redis
	}
	return a
}

// WithDefaults fills every unanswered question but the name with its default.
func (a Answers) WithDefaults() Answers {
	return a.Merge(Answers{
		Module:   a.Name,
		Auth:     AuthSession,
		Topology: SameOrigin,
		DB:       SQLite,
		Redis:    No,
	})
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// MaxNameLen is the longest project name accepted.
const MaxNameLen = 64

// ValidateName reports why name cannot be a project name, or nil.
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("project name is empty")
	case len(name) > MaxNameLen:
		return fmt.Errorf("project name is %d characters long; the limit is %d", len(name), MaxNameLen)
	case !nameRE.MatchString(name):
		return fmt.Errorf("project name %q must be lowercase letters, digits and '-', starting with a letter", name)
	}
	return nil
}

// ValidateModule reports why path cannot be the API's Go module path, or nil.
func ValidateModule(path string) error {
	if err := module.CheckImportPath(path); err != nil {
		return fmt.Errorf("module path %q is not a valid Go import path: %w", path, unwrapModuleErr(err))
	}
	return nil
}

// unwrapModuleErr drops the repeated path from x/mod's message.
func unwrapModuleErr(err error) error {
	var ie *module.InvalidPathError
	if errors.As(err, &ie) && ie.Err != nil {
		return ie.Err
	}
	return err
}

func validateChoice(question, value string, choices []Choice) error {
	for _, c := range choices {
		if c.Value == value {
			return nil
		}
	}
	return fmt.Errorf("%s %q is not one of %s", question, value, ChoiceValues(choices))
}

// ChoiceValues lists the allowed values as "a, b or c".
func ChoiceValues(choices []Choice) string {
	vals := make([]string, len(choices))
	for i, c := range choices {
		vals[i] = c.Value
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// ValidateAuth, ValidateTopology and ValidateDB report why a value is not
// allowed, or nil.
func ValidateAuth(v Auth) error { return validateChoice("auth", string(v), AuthChoices) }

// ValidateTopology reports why v is not a topology, or nil.
func ValidateTopology(v Topology) error {
	return validateChoice("topology", string(v), TopologyChoices)
}

// ValidateDB reports why v is not a database, or nil.
func ValidateDB(v DB) error { return validateChoice("db", string(v), DBChoices) }

// Validate checks every answered field and the answers together;
// unanswered fields are not errors.
func (a Answers) Validate() error {
	err := a.ValidateFields()
	if a.Redis.On() && a.DB != "" && a.DB != Postgres {
		// Worded for flags: new and update both take --db and --redis=false.
		err = errors.Join(err, errors.New("redis needs the postgres database (users and notes stay in PostgreSQL): use --db postgres, or leave Redis out with --redis=false"))
	}
	return err
}

// ValidateFields checks each answered field on its own. An answers file is
// checked so before flags override it, so that a flag can still fix a
// combination (--redis=false over a file's redis: true and db: sqlite).
func (a Answers) ValidateFields() error {
	var errs []error
	if a.Name != "" {
		errs = append(errs, ValidateName(a.Name))
	}
	if a.Module != "" {
		errs = append(errs, ValidateModule(a.Module))
	}
	if a.Auth != "" {
		errs = append(errs, ValidateAuth(a.Auth))
	}
	if a.Topology != "" {
		errs = append(errs, ValidateTopology(a.Topology))
	}
	if a.DB != "" {
		errs = append(errs, ValidateDB(a.DB))
	}
	return errors.Join(errs...)
}

// Missing lists the questions still unanswered, by flag name ("name" for the
// positional NAME). Redis is not among them: unanswered, it is no, and it is
// only a question with Postgres.
func (a Answers) Missing() []string {
	var m []string
	if a.Name == "" {
		m = append(m, "name")
	}
	if a.Module == "" {
		m = append(m, "module")
	}
	if a.Auth == "" {
		m = append(m, "auth")
	}
	if a.Topology == "" {
		m = append(m, "topology")
	}
	if a.DB == "" {
		m = append(m, "db")
	}
	return m
}
