// Package openapi is the API's contract: openapi.yaml, an OpenAPI 3.1
// document of every endpoint, which the API serves at /api/openapi.json
// and its tests hold every request and response to.
package openapi

import _ "embed"

// YAML is openapi.yaml.
//
//go:embed openapi.yaml
var YAML []byte
