package httpapi

import "net/http"

// route is one endpoint. The table below is the single list the mux
// registers and the OpenAPI test checks the document against.
type route struct {
	Method  string
	Pattern string
	Params  []string // the query parameters it accepts; others get 400
	Handle  func(s *server, w http.ResponseWriter, r *http.Request, q query) error
}

var (
	reportParams       = []string{"currency", "as_of", "key", "key_year", "dataset", "format"}
	contributionParams = []string{"donor", "dataset", "from", "to", "as_of", "limit", "offset", "format"}
)

var routes = []route{
	{"GET", "/api/v1/openapi.json", nil, (*server).openAPI},
	{"GET", "/api/v1/targets", []string{"format"}, (*server).targets},
	{"GET", "/api/v1/targets/{target}", nil, (*server).target},
	{"GET", "/api/v1/reports/{target}", reportParams, (*server).report},
	{"GET", "/api/v1/keys", []string{"format"}, (*server).keys},
	{"GET", "/api/v1/donors", []string{"format"}, (*server).donors},
	{"GET", "/api/v1/donors/{code}", nil, (*server).donor},
	{"GET", "/api/v1/contributions", contributionParams, (*server).contributions},
	{"GET", "/api/v1/contributions/{id}", []string{"as_of"}, (*server).contribution},
	{"GET", "/api/v1/contributions/{id}/history", []string{"format"}, (*server).history},
	{"GET", "/api/v1/datasets", []string{"format"}, (*server).datasets},
	{"GET", "/api/v1/datasets/{id}", nil, (*server).dataset},
	{"GET", "/api/v1/fx/currencies", nil, (*server).currencies},
	{"GET", "/api/v1/fx/convert", []string{"amount", "from", "to", "date"}, (*server).convert},
	{"GET", "/api/v1/policies", []string{"as_of", "format"}, (*server).policies},
	{"GET", "/api/v1/policies/{donor}", []string{"format"}, (*server).donorPolicies},
}
