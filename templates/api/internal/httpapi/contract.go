package httpapi

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	openapi "github.com/scaffoldhq/scaffold/templates/api"
)

// contractJSON is openapi.yaml as JSON, made once.
var contractJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

// contract serves the API's OpenAPI document, for clients to generate
// their types and calls from.
func (s *Server) contract(w http.ResponseWriter, r *http.Request) error {
	doc, err := contractJSON()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(doc)
	return err
}
