package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/render"
)

// newTestServer serves the API over real HTTP on 127.0.0.1 from a fresh
// SQLite file holding the shipped reference data and datasets.
func newTestServer(t *testing.T) (*httptest.Server, *app.App) {
	t.Helper()
	a, err := app.Open(context.Background(), filepath.Join(t.TempDir(), "fairshare.db"), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ts := httptest.NewServer(NewServer(a, Options{}))
	t.Cleanup(ts.Close)
	return ts, a
}

func get(t *testing.T, ts *httptest.Server, method, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestEndpoints(t *testing.T) {
	ts, a := newTestServer(t)
	cs, err := a.ListContributions(context.Background(), fairshareFilterDNK())
	if err != nil || len(cs) == 0 {
		t.Fatalf("no DNK contributions to test with: %v", err)
	}
	id := cs[0].ID
	tests := []struct {
		path  string
		ctype string
		want  []string // substrings of the body
	}{
		{"/api/v1/openapi.json", "application/json", []string{`"openapi"`}},
		{"/api/v1/targets", "application/json", []string{`"id": "nato-2024"`, `"amount": "40000000000.00"`}},
		{"/api/v1/targets?format=csv", "text/csv", []string{"id,name,amount", "nato-2024,"}},
		{"/api/v1/targets/nato-2024", "application/json", []string{`"key_year": 2023`}},
		{"/api/v1/reports/nato-2024?as_of=2025-06-30", "application/json", []string{`"as_of": "2025-06-30T23:59:59Z"`, `"donor": "DNK"`}},
		{"/api/v1/reports/nato-2024?currency=DKK&key=population&key_year=2023&dataset=kiel-r29&as_of=2025-06-30", "application/json", []string{`"currency": "DKK"`, `"key": "population"`, `"dataset": "kiel-r29"`}},
		{"/api/v1/reports/nato-2024?format=csv&as_of=2025-06-30", "text/csv", []string{strings.Join(render.CSVColumns, ","), "\nDNK,Denmark,"}},
		{"/api/v1/reports/nato-2024.csv?currency=DKK", "text/csv", []string{",DKK,"}},
		{"/api/v1/keys", "application/json", []string{`"key": "population"`}},
		{"/api/v1/keys?format=csv", "text/csv", []string{"key,formula"}},
		{"/api/v1/donors", "application/json", []string{`"code": "DNK"`, `"name_da": "Danmark"`}},
		{"/api/v1/donors?format=csv", "text/csv", []string{"DNK,Denmark,Danmark"}},
		{"/api/v1/donors/dnk", "application/json", []string{`"indicators"`, `"kind": "gdp"`, `"kind": "population"`}},
		{"/api/v1/contributions?donor=DNK&limit=2", "application/json", []string{`"total"`, `"limit": 2`, `"donor": "DNK"`}},
		{"/api/v1/contributions?donor=DNK&dataset=dk-mod&from=2024-01-01&to=2024-12-31&as_of=2026-01-01&format=csv", "text/csv", []string{"id,donor,recipient,date", ",DNK,UKR,2024-"}},
		{"/api/v1/contributions/" + id, "application/json", []string{`"id": "` + id + `"`}},
		{"/api/v1/contributions/" + id + "/history", "application/json", []string{`"version": 1`}},
		{"/api/v1/contributions/" + id + "/history?format=csv", "text/csv", []string{id}},
		{"/api/v1/datasets", "application/json", []string{`"id": "kiel-r29"`}},
		{"/api/v1/datasets?format=csv", "text/csv", []string{"id,name,publisher", "dk-mod,"}},
		{"/api/v1/datasets/dk-mod", "application/json", []string{`"contributions": `}},
		{"/api/v1/fx/currencies", "application/json", []string{`"DKK"`, `"EUR"`}},
		{"/api/v1/fx/convert?amount=100000000000&from=EUR&to=DKK&date=2024-05-31", "application/json", []string{`"result": "7`, `"basis"`}},
		{"/api/v1/policies", "application/json", []string{`"donor": "USA"`, `"status": "limited"`}},
		{"/api/v1/policies?as_of=2024-06-01&format=csv", "text/csv", []string{"donor,name,status,since", "USA,United States,limited,2024-05-30"}},
		{"/api/v1/compare/nato-2024?datasets=kiel-r29,dk-mod", "application/json", []string{`"statuses_a": [`, `"note": "not like for like`}},
		{"/api/v1/datasets/dk-mod/stats", "application/json", []string{`"donor": "DNK"`, `"total_eur"`}},
		{"/api/v1/policies/dnk", "application/json", []string{`"donor": "DNK"`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts, "GET", tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("body lacks %q:\n%.600s", w, body)
				}
			}
			if strings.HasPrefix(tt.ctype, "application/json") && !json.Valid(body) {
				t.Error("invalid JSON")
			}
		})
	}
}

func TestErrors(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		method, path string
		status       int
		code, field  string
	}{
		{"GET", "/api/v1/reports/nato-2024?colour=red", 400, "invalid", "colour"},
		{"GET", "/api/v1/targets/nato-2024?x=1", 400, "invalid", "x"},
		{"GET", "/api/v1/reports/nato-2024?as_of=31-13-2024", 400, "invalid", "as_of"},
		{"GET", "/api/v1/reports/nato-2024?as_of=2024-01-01&as_of=2025-01-01", 400, "invalid", "as_of"},
		{"GET", "/api/v1/reports/nato-2024?key_year=last", 400, "invalid", "key_year"},
		{"GET", "/api/v1/reports/nato-2024?key=custom", 400, "invalid", "key"},
		{"GET", "/api/v1/reports/nato-2024?key=shoe-size", 400, "invalid", "key"},
		{"GET", "/api/v1/reports/nato-2024?currency=XYZ", 400, "invalid", ""},
		{"GET", "/api/v1/reports/nato-2024?format=xml", 400, "invalid", "format"},
		{"GET", "/api/v1/reports/nato-2024.csv?format=json", 400, "invalid", "format"},
		{"GET", "/api/v1/reports/nato-2099", 404, "not_found", ""},
		{"GET", "/api/v1/reports/nato-2024?dataset=nope", 404, "not_found", ""},
		{"GET", "/api/v1/targets/nato-2099", 404, "not_found", ""},
		{"GET", "/api/v1/donors/XXX", 404, "not_found", ""},
		{"GET", "/api/v1/contributions/no-such-id", 404, "not_found", ""},
		{"GET", "/api/v1/contributions/no-such-id/history", 404, "not_found", ""},
		{"GET", "/api/v1/contributions?from=2024-02-30", 400, "invalid", "from"},
		{"GET", "/api/v1/contributions?limit=0", 400, "invalid", "limit"},
		{"GET", "/api/v1/contributions?limit=5000", 400, "invalid", "limit"},
		{"GET", "/api/v1/contributions?offset=-1", 400, "invalid", "offset"},
		{"GET", "/api/v1/contributions?donor=XXX", 400, "invalid", "donor"},
		{"GET", "/api/v1/contributions?dataset=nope", 400, "invalid", "dataset"},
		{"GET", "/api/v1/contributions?from=2024-12-31&to=2024-01-01", 400, "invalid", "to"},
		{"GET", "/api/v1/datasets/nope", 404, "not_found", ""},
		{"GET", "/api/v1/fx/convert?amount=1,000.50&from=EUR&to=DKK", 400, "invalid", "amount"},
		{"GET", "/api/v1/fx/convert?amount=10&from=EUR&to=XYZ", 400, "invalid", "to"},
		{"GET", "/api/v1/fx/convert?amount=10&to=DKK", 400, "invalid", "from"},
		{"GET", "/api/v1/fx/convert?amount=10&from=EUR&to=DKK&date=yesterday", 400, "invalid", "date"},
		{"GET", "/api/v1/policies?as_of=soon", 400, "invalid", "as_of"},
		{"GET", "/api/v1/policies?all=true", 400, "invalid", "all"},
		{"GET", "/api/v1/compare/nato-2024", 400, "invalid", "datasets"},
		{"GET", "/api/v1/compare/nato-2024?datasets=kiel-r29,nope", 404, "not_found", ""},
		{"GET", "/api/v1/compare/no-target?datasets=kiel-r29,dk-mod", 404, "not_found", ""},
		{"GET", "/api/v1/datasets/nope/stats", 404, "not_found", ""},
		{"GET", "/api/v1/policies/XXX", 404, "not_found", ""},
		{"GET", "/api/v1/nothing-here", 404, "not_found", ""},
		{"POST", "/api/v1/contributions", 401, "unauthorized", ""},
		{"PUT", "/api/v1/contributions/abc", 401, "unauthorized", ""},
		{"DELETE", "/api/v1/contributions/abc", 401, "unauthorized", ""},
		{"GET", "/api/v1/audit", 401, "unauthorized", ""},
		{"PATCH", "/api/v1/targets/nato-2024", 405, "method_not_allowed", ""},
		{"POST", "/api/v1/reports/nato-2024", 405, "method_not_allowed", ""},
		{"PATCH", "/api/v1/contributions/abc", 401, "unauthorized", ""},
		{"PATCH", "/api/v1/contributions", 405, "method_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := get(t, ts, tt.method, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			var e httpx.ErrorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body is not JSON: %v: %s", err, body)
			}
			if e.Error.Code != tt.code || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Errorf("error %+v, want code %q field %q and a message", e.Error, tt.code, tt.field)
			}
			if tt.status == 405 && !strings.Contains(resp.Header.Get("Allow"), "GET") {
				t.Errorf("405 with Allow %q", resp.Header.Get("Allow"))
			}
			if tt.status == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 with WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestReportMatchesCLI checks that the API's report is the CLI's
// (render.ToJSON of app.Report) for the same arguments.
func TestReportMatchesCLI(t *testing.T) {
	ts, a := newTestServer(t)
	asOf := time.Date(2025, 6, 30, 23, 59, 59, 999999000, time.UTC) // what --as-of 2025-06-30 means
	tests := []struct {
		query string
		req   app.ReportRequest
	}{
		{"currency=DKK&as_of=2025-06-30", app.ReportRequest{Target: "nato-2024", Currency: "DKK", AsOf: asOf}},
		{"as_of=2025-06-30", app.ReportRequest{Target: "nato-2024", Currency: "EUR", AsOf: asOf}},
		{"currency=usd&key=population&dataset=dk-mod,kiel-r29&as_of=2025-06-30", app.ReportRequest{Target: "nato-2024", Currency: "USD", Key: "population", Datasets: "dk-mod,kiel-r29", AsOf: asOf}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := get(t, ts, "GET", "/api/v1/reports/nato-2024?"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			rep, err := a.Report(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := render.Report(&buf, rep, "json"); err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(buf.Bytes(), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("API report differs from the CLI's:\n got %.400s\nwant %.400s", body, buf.Bytes())
			}
		})
	}
}

func TestReportCaching(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, _ := get(t, ts, "GET", "/api/v1/reports/nato-2024")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	// Later "now" gives another as_of but the same validator.
	resp, body := get(t, ts, "GET", "/api/v1/reports/nato-2024", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: status %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = get(t, ts, "GET", "/api/v1/reports/nato-2024?currency=DKK", "If-None-Match", etag)
	if resp.StatusCode != 200 {
		t.Errorf("another report answered %d to the first one's ETag", resp.StatusCode)
	}
	resp, _ = get(t, ts, "GET", "/api/v1/reports/nato-2024?as_of=2025-01-01")
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("a past as_of should be cacheable, got %q", cc)
	}
}

func TestContributionPaging(t *testing.T) {
	ts, _ := newTestServer(t)
	page := func(q string) ContributionPage {
		resp, body := get(t, ts, "GET", "/api/v1/contributions?"+q)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var p ContributionPage
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	all := page("donor=DNK&limit=1000")
	if all.Total != len(all.Items) || all.Total < 4 {
		t.Fatalf("total %d, items %d", all.Total, len(all.Items))
	}
	p := page("donor=DNK&limit=2&offset=1")
	if p.Total != all.Total || len(p.Items) != 2 || p.Items[0].ID != all.Items[1].ID || p.Items[1].ID != all.Items[2].ID {
		t.Errorf("page limit=2 offset=1 is not items 1 and 2 of the whole list")
	}
	if p := page("donor=DNK&offset=100000"); len(p.Items) != 0 || p.Total != all.Total {
		t.Errorf("offset past the end: %d items", len(p.Items))
	}
	if p := page("donor=DNK&as_of=2020-01-01"); p.Total != 0 {
		t.Errorf("ledger as of 2020 has %d entries, want none", p.Total)
	}
}

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDocument struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title, Version string
	} `json:"info"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Parameters map[string]openAPIParam `json:"parameters"`
	} `json:"components"`
}

type openAPIOperation struct {
	OperationID string                    `json:"operationId"`
	Parameters  []openAPIParam            `json:"parameters"`
	Responses   map[string]map[string]any `json:"responses"`
}

type openAPIParam struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// TestOpenAPI checks that the served document parses, is OpenAPI 3, and lists
// exactly the routes and query parameters the server registers.
func TestOpenAPI(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, body := get(t, ts, "GET", "/api/v1/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc openAPIDocument
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Info.Title == "" || doc.Info.Version == "" {
		t.Fatalf("not an OpenAPI 3 document: openapi %q, info %+v", doc.OpenAPI, doc.Info)
	}
	var documented, served []string
	opIDs := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			key := strings.ToUpper(m) + " " + p
			documented = append(documented, key)
			if op.OperationID == "" || opIDs[op.OperationID] {
				t.Errorf("%s: missing or duplicate operationId %q", key, op.OperationID)
			}
			opIDs[op.OperationID] = true
			if _, ok := op.Responses["200"]; !ok {
				if _, ok := op.Responses["201"]; !ok {
					t.Errorf("%s: no 200 or 201 response", key)
				}
			}
		}
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		served = append(served, key)
		op, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]
		if !ok {
			continue // reported below
		}
		var names, pathParams []string
		for _, prm := range op.Parameters {
			if prm.Ref != "" {
				name := strings.TrimPrefix(prm.Ref, "#/components/parameters/")
				c, ok := doc.Components.Parameters[name]
				if !ok {
					t.Errorf("%s: dangling $ref %s", key, prm.Ref)
				}
				prm = c
			}
			switch prm.In {
			case "query":
				names = append(names, prm.Name)
			case "path":
				pathParams = append(pathParams, prm.Name)
				if !strings.Contains(rt.Pattern, "{"+prm.Name+"}") {
					t.Errorf("%s: path parameter %s not in the pattern", key, prm.Name)
				}
			}
		}
		if strings.Count(rt.Pattern, "{") != len(pathParams) {
			t.Errorf("%s: documents path parameters %v", key, pathParams)
		}
		sort.Strings(names)
		want := slices.Sorted(slices.Values(rt.Params))
		if !slices.Equal(names, want) && !(len(names) == 0 && len(want) == 0) {
			t.Errorf("%s: documented query parameters %v, served %v", key, names, want)
		}
	}
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Errorf("OpenAPI paths differ from the routes:\ndocumented %v\nserved     %v", documented, served)
	}
	// Every documented path answers (with its path parameters filled in).
	for _, rt := range routes {
		p := strings.NewReplacer("{target}", "nato-2024", "{code}", "DNK", "{donor}", "DNK", "{id}", "kiel-r29").Replace(rt.Pattern)
		resp, _ := get(t, ts, rt.Method, p)
		if resp.StatusCode == 405 || (resp.StatusCode == 404 && !strings.Contains(rt.Pattern, "contributions/{id}")) {
			t.Errorf("%s (%s): status %d", rt.Pattern, p, resp.StatusCode)
		}
	}
}

func fairshareFilterDNK() fairshare.ContributionFilter {
	return fairshare.ContributionFilter{Donor: "DNK"}
}
