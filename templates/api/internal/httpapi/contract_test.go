package httpapi

// The API's contract, openapi.yaml, held to the handlers: every request a
// test sends and every response it gets is checked against it (see
// client.do), and the routes and the document's operations are the same.

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	openapi "github.com/scaffoldhq/scaffold/templates/api"
)

// loadContract returns openapi.yaml, validated, and a router over it.
var loadContract = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// contractRouter finds the operation of a test's request: the document's
// server is the tests' host.
var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: "http://api.test"}}
	return legacy.NewRouter(doc)
})

// checkContract checks a request a test sent (body, its body) and the
// response the API gave against the contract: the response must be one
// the document gives for the operation, status and body alike; a request
// the document refuses must have been refused (4xx) by the API too, unless
// lenient; a request no operation takes must have been answered 404 or 405.
func checkContract(t testing.TB, req *http.Request, body []byte, rec *httptest.ResponseRecorder, lenient bool) {
	t.Helper()
	if req.Method == http.MethodOptions {
		return // a CORS preflight, answered by the middleware before any route
	}
	router, err := contractRouter()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	req = req.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d, and the contract has no such operation (%v)", req.Method, req.URL.Path, rec.Code, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 && !lenient {
		t.Errorf("%s %s: the API answered %d to a request the contract refuses: %v", req.Method, req.URL.Path, rec.Code, err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: %d is not what the contract says: %v\nbody: %.300s", req.Method, req.URL.Path, rec.Code, err, rec.Body)
	}
}

// TestContractRoutes: the routes of server.go and the operations of
// openapi.yaml are the same, so neither can gain one the other lacks.
func TestContractRoutes(t *testing.T) {
	doc, err := loadContract()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	var routed []string
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "HandleFunc" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, _ := strconv.Unquote(lit.Value)
		if pattern != "/" { // the catch-all: 404 and 405 in JSON
			routed = append(routed, pattern)
		}
		return true
	})
	slices.Sort(documented)
	slices.Sort(routed)
	if !slices.Equal(documented, routed) {
		t.Errorf("routes and contract differ:\n%s", diffLists(routed, documented))
	}
}

// diffLists says what is only in routes (-) and only in the contract (+).
func diffLists(routes, contract []string) string {
	var b strings.Builder
	for _, r := range routes {
		if !slices.Contains(contract, r) {
			fmt.Fprintf(&b, "- %s (a route the contract lacks)\n", r)
		}
	}
	for _, c := range contract {
		if !slices.Contains(routes, c) {
			fmt.Fprintf(&b, "+ %s (in the contract, not routed)\n", c)
		}
	}
	return b.String()
}

// TestContractServed: the document the API serves is openapi.yaml.
func TestContractServed(t *testing.T) {
	e := newTestEnv(t, nil)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	e.client().do("GET", "/api/openapi.json", nil).want(t, http.StatusOK).decode(t, &doc)
	want, _ := loadContract()
	if doc.OpenAPI != "3.1.0" || len(doc.Paths) != want.Paths.Len() {
		t.Fatalf("served %s with %d paths, want 3.1.0 with %d", doc.OpenAPI, len(doc.Paths), want.Paths.Len())
	}
}
