package httpapi

import (
	"net/http"

	"github.com/fairshare/fairshare"
)

// route is one endpoint. The table below is the single list the mux
// registers and the OpenAPI test checks the document against.
type route struct {
	Method  string
	Pattern string
	Params  []string // the query parameters it accepts; others get 400
	Handle  func(s *server, w http.ResponseWriter, r *http.Request, q query) error
	Need    fairshare.Role // viewer: reads; editor and admin need a Bearer token
}

const (
	viewer = fairshare.Viewer
	editor = fairshare.Editor
	admin  = fairshare.Admin
)

var (
	reportParams       = []string{"currency", "as_of", "key", "key_year", "dataset", "format", "lang"}
	contributionParams = []string{"donor", "dataset", "from", "to", "as_of", "limit", "offset", "format"}
)

var routes = []route{
	{"GET", "/api/v1/openapi.json", nil, (*server).openAPI, viewer},
	{"GET", "/api/v1/targets", []string{"format"}, (*server).targets, viewer},
	{"GET", "/api/v1/targets/{target}", nil, (*server).target, viewer},
	{"GET", "/api/v1/targets/{target}/history", nil, (*server).targetHistory, viewer},
	{"GET", "/api/v1/reports/{target}", reportParams, (*server).report, viewer},
	{"GET", "/api/v1/compare/{target}", []string{"datasets", "currency", "as_of", "format"}, (*server).compare, viewer},
	{"GET", "/api/v1/keys", []string{"format"}, (*server).keys, viewer},
	{"GET", "/api/v1/donors", []string{"format"}, (*server).donors, viewer},
	{"GET", "/api/v1/donors/{code}", nil, (*server).donor, viewer},
	{"GET", "/api/v1/contributions", contributionParams, (*server).contributions, viewer},
	{"GET", "/api/v1/contributions/{id}", []string{"as_of"}, (*server).contribution, viewer},
	{"GET", "/api/v1/contributions/{id}/history", []string{"format"}, (*server).history, viewer},
	{"GET", "/api/v1/datasets", []string{"format"}, (*server).datasets, viewer},
	{"GET", "/api/v1/datasets/{id}", nil, (*server).dataset, viewer},
	{"GET", "/api/v1/datasets/{id}/stats", []string{"as_of", "format"}, (*server).datasetStats, viewer},
	{"GET", "/api/v1/fx/currencies", nil, (*server).currencies, viewer},
	{"GET", "/api/v1/fx/convert", []string{"amount", "from", "to", "date"}, (*server).convert, viewer},
	{"GET", "/api/v1/policies", []string{"as_of", "all", "format"}, (*server).policies, viewer},
	{"GET", "/api/v1/policies/{donor}", []string{"format"}, (*server).donorPolicies, viewer},
	{"GET", "/api/v1/audit", []string{"since", "user", "limit"}, (*server).audit, editor},

	{"POST", "/api/v1/contributions", nil, (*server).addContribution, editor},
	{"PUT", "/api/v1/contributions/{id}", nil, (*server).amendContribution, editor},
	{"PATCH", "/api/v1/contributions/{id}", nil, (*server).patchContribution, editor},
	{"DELETE", "/api/v1/contributions/{id}", []string{"reason"}, (*server).deleteContribution, editor},
	{"POST", "/api/v1/contributions/{id}/restore", []string{"reason"}, (*server).restoreContribution, editor},
	{"POST", "/api/v1/contributions/import", []string{"dataset", "force_dataset", "reason", "decimal"}, (*server).importContributions, editor},
	{"POST", "/api/v1/targets", nil, (*server).addTarget, admin},
}
