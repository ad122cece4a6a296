package httpapi

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/render"
)

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the embedded OpenAPI 3 document.
func OpenAPI() []byte { return openAPIDoc }

func (s *server) openAPI(w http.ResponseWriter, r *http.Request, q query) error {
	httpx.ServeBytes(w, r, "application/json; charset=utf-8", openAPIDoc, "", "public, max-age=3600")
	return nil
}

func (s *server) ref(r *http.Request) (*app.Reference, error) { return s.app.Reference(r.Context()) }

// writeTable writes rows as CSV (spreadsheet-safe cells) with a validator.
func writeTable(w http.ResponseWriter, r *http.Request, name string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	if err := render.Table(&buf, "csv", header, rows); err != nil {
		return err
	}
	writeCSV(w, r, name, buf.Bytes(), "no-cache")
	return nil
}

func writeCSV(w http.ResponseWriter, r *http.Request, name string, body []byte, cacheControl string) {
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	httpx.ServeBytes(w, r, "text/csv; charset=utf-8", body, "", cacheControl)
}

func (s *server) targets(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, t := range ref.Targets {
			rows = append(rows, []string{t.ID, t.Name, t.Written().AmountText, t.Currency, t.GDPRate, t.Start.String(), t.End.String(), t.Key, strconv.Itoa(t.KeyYear)})
		}
		return writeTable(w, r, "targets", []string{"id", "name", "amount", "currency", "gdp_rate", "start", "end", "key", "key_year"}, rows)
	}
	out := make([]fairshare.Target, len(ref.Targets))
	for i, t := range ref.Targets {
		out[i] = t.Written()
	}
	return writeJSON(w, r, out)
}

func (s *server) target(w http.ResponseWriter, r *http.Request, q query) error {
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	t, err := ref.Target(r.PathValue("target"))
	if err != nil {
		return err
	}
	return writeJSON(w, r, t.Written())
}

func (s *server) report(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	target := r.PathValue("target")
	if t, ok := strings.CutSuffix(target, ".csv"); ok {
		if q.has("format") && format != "csv" {
			return fairshare.FieldError("format", "the .csv URL always gives CSV")
		}
		target, format = t, "csv"
	}
	req, explicit, err := httpx.ParseReportRequest(target, q.v)
	if err != nil {
		return err
	}
	if l := q.v.Get("lang"); l != "" && l != "en" && l != "da" {
		return fairshare.FieldError("lang", fmt.Sprintf("%q: want en or da (CSV in that language's spreadsheet format)", l))
	}
	// A report asked again under the same ledger and reference data is
	// served from its rendering; the version is read before and after, so
	// a write in between is never cached under the newer version.
	v0 := s.app.ReportVersion()
	rep, err := s.app.Report(r.Context(), req)
	if err != nil {
		return err
	}
	cc := "no-cache"
	if explicit && req.AsOf.Before(time.Now()) {
		// The ledger as it stood at a past time no longer changes; only
		// corrected reference data could, so a short lifetime is safe.
		cc = "public, max-age=300"
	}
	version := ""
	if v1 := s.app.ReportVersion(); v0 != "" && v0 == v1 {
		version = v1
	}
	if format == "csv" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+rep.Target.ID+"-"+strings.ToLower(rep.Currency)+`.csv"`)
	}
	key := format + " " + r.URL.Path + "?" + q.v.Encode()
	asOf := rep.AsOf.UTC().Format(time.RFC3339)
	if e, ok := s.renders.Get(key, version, asOf); ok {
		httpx.ServeEncoded(w, r, contentType(format), e, cc)
		return nil
	}
	var e httpx.Encoded
	if format == "csv" {
		var buf bytes.Buffer
		if err := render.ReportCSV(&buf, rep, q.v.Get("lang")); err != nil {
			return err
		}
		e = httpx.NewEncoded(buf.Bytes(), "")
	} else {
		// The validator ignores as_of (which is "now" unless given), so an
		// unchanged ledger revalidates as unchanged: it is taken from the
		// rendering without as_of, and the body is rendered with it.
		j := render.ToJSON(rep)
		j.AsOf = ""
		noTime, err := marshal(j)
		if err != nil {
			return err
		}
		j.AsOf = asOf
		body, err := marshal(j)
		if err != nil {
			return err
		}
		e = httpx.NewEncoded(body, "W/"+httpx.ETag(noTime))
	}
	if httpx.AcceptsGzip(r) {
		e.Gzipped()
	}
	s.renders.Put(key, version, asOf, e)
	httpx.ServeEncoded(w, r, contentType(format), e, cc)
	return nil
}

func contentType(format string) string {
	if format == "csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

func (s *server) keys(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	type keyJSON struct {
		Key     string `json:"key"`
		Formula string `json:"formula"`
	}
	var out []keyJSON
	var rows [][]string
	for _, k := range fairshare.Keys {
		out = append(out, keyJSON{k, fairshare.KeyDocs[k]})
		rows = append(rows, []string{k, fairshare.KeyDocs[k]})
	}
	if format == "csv" {
		return writeTable(w, r, "keys", []string{"key", "formula"}, rows)
	}
	return writeJSON(w, r, out)
}

func currencyText(d fairshare.Donor) string {
	var curs []string
	for _, c := range d.Currencies {
		s := c.Code
		if !c.From.IsZero() {
			s += " from " + c.From.String()
		}
		curs = append(curs, s)
	}
	return strings.Join(curs, ", ")
}

func (s *server) donors(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, d := range ref.Donors {
			rows = append(rows, []string{d.Code, d.NameEN, d.NameDA, d.Kind, d.NATOAccession.String(), currencyText(d)})
		}
		return writeTable(w, r, "donors", []string{"code", "name_en", "name_da", "kind", "nato_accession", "currencies"}, rows)
	}
	return writeJSON(w, r, ref.Donors)
}

func (s *server) findDonor(r *http.Request, code string) (*fairshare.Donor, error) {
	ref, err := s.ref(r)
	if err != nil {
		return nil, err
	}
	d := ref.ByCode[strings.ToUpper(code)]
	if d == nil {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q (see /api/v1/donors)", code)
	}
	return d, nil
}

func (s *server) donor(w http.ResponseWriter, r *http.Request, q query) error {
	d, err := s.findDonor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	ind, err := s.app.Store.Indicators(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		fairshare.Donor
		Indicators []fairshare.Indicator `json:"indicators"`
	}{Donor: *d, Indicators: []fairshare.Indicator{}}
	for _, i := range ind {
		if i.Donor == d.Code {
			out.Indicators = append(out.Indicators, i)
		}
	}
	return writeJSON(w, r, out)
}

// checkDataset accepts a described dataset or "user" (entries recorded by hand).
func checkDataset(ref *app.Reference, id string) error {
	if _, ok := ref.Dataset(id); ok || id == "user" || id == "" {
		return nil
	}
	return fairshare.FieldError("dataset", fmt.Sprintf("unknown dataset %q (see /api/v1/datasets)", id))
}

// ContributionPage is one page of the contribution list.
type ContributionPage struct {
	Total  int                         `json:"total"`
	Limit  int                         `json:"limit"`
	Offset int                         `json:"offset"`
	Items  []ledgerio.JSONContribution `json:"items"`
}

func (s *server) contributions(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	f := fairshare.ContributionFilter{Donor: strings.ToUpper(q.str("donor")), Dataset: q.str("dataset")}
	if f.Donor != "" && !ref.KnownDonor(f.Donor) {
		return fairshare.FieldError("donor", fmt.Sprintf("unknown donor %q (see /api/v1/donors)", f.Donor))
	}
	if err := checkDataset(ref, f.Dataset); err != nil {
		return err
	}
	if f.From, err = q.date("from"); err != nil {
		return err
	}
	if f.To, err = q.date("to"); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return fairshare.FieldError("to", "before from")
	}
	if f.AsOf, err = q.asOf(); err != nil {
		return err
	}
	// A CSV download is the whole selection unless a page is asked for.
	def := 100
	if format == "csv" {
		def = 0
	}
	limit, err := q.intIn("limit", def, 1, 1000)
	if err != nil {
		return err
	}
	offset, err := q.intIn("offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	// The ledger is small (thousands of rows): read the selection once and
	// page it here, which also gives the total.
	all, err := s.app.ListContributions(r.Context(), f)
	if err != nil {
		return err
	}
	page := all[min(offset, len(all)):]
	if limit > 0 {
		page = page[:min(limit, len(page))]
	}
	if format == "csv" {
		var buf bytes.Buffer
		if err := ledgerio.WriteCSV(&buf, page); err != nil {
			return err
		}
		writeCSV(w, r, "contributions", buf.Bytes(), "no-cache")
		return nil
	}
	out := ContributionPage{Total: len(all), Limit: limit, Offset: offset, Items: []ledgerio.JSONContribution{}}
	for _, c := range page {
		out.Items = append(out.Items, ledgerio.ToJSON(c))
	}
	return writeJSON(w, r, out)
}

func (s *server) contribution(w http.ResponseWriter, r *http.Request, q query) error {
	asOf, err := q.asOf()
	if err != nil {
		return err
	}
	c, err := s.app.Contribution(r.Context(), r.PathValue("id"), asOf)
	if err != nil {
		return err
	}
	return writeVersion(w, r, c)
}

func (s *server) history(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	hs, err := s.app.ContributionHistory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if format == "csv" {
		var buf bytes.Buffer
		if err := ledgerio.WriteCSV(&buf, hs); err != nil {
			return err
		}
		writeCSV(w, r, "history", buf.Bytes(), "no-cache")
		return nil
	}
	out := make([]ledgerio.JSONContribution, len(hs))
	for i, c := range hs {
		out[i] = ledgerio.ToJSON(c)
	}
	return writeJSON(w, r, out)
}

func (s *server) datasets(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, d := range ref.Datasets {
			rows = append(rows, []string{d.ID, d.Name, d.Publisher, d.ReleaseDate, d.URL, d.Licence})
		}
		return writeTable(w, r, "datasets", []string{"id", "name", "publisher", "release_date", "url", "licence"}, rows)
	}
	return writeJSON(w, r, ref.Datasets)
}

func (s *server) dataset(w http.ResponseWriter, r *http.Request, q query) error {
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	d, ok := ref.Dataset(id)
	if !ok {
		return fairshare.Errorf(fairshare.ENOTFOUND, "no dataset %q (see /api/v1/datasets)", id)
	}
	cs, err := s.app.Store.Contributions(r.Context(), fairshare.ContributionFilter{Dataset: id})
	if err != nil {
		return err
	}
	return writeJSON(w, r, struct {
		fairshare.Dataset
		Contributions int `json:"contributions"`
	}{d, len(cs)})
}

func (s *server) currencies(w http.ResponseWriter, r *http.Request, q query) error {
	ref, err := s.ref(r)
	if err != nil {
		return err
	}
	return writeJSON(w, r, ref.Rates.Currencies())
}

func (s *server) convert(w http.ResponseWriter, r *http.Request, q query) error {
	day, err := q.date("date")
	if err != nil {
		return err
	}
	c, err := s.app.Convert(r.Context(), q.str("amount"), q.str("from"), q.str("to"), day)
	if err != nil {
		return err
	}
	return writeJSON(w, r, c)
}

// PoliciesInForce keeps, per donor, the latest policy dated on or before day.
func PoliciesInForce(ps []fairshare.Policy, day fairshare.Date) []fairshare.Policy {
	latest := map[string]int{}
	var order []string
	for i, p := range ps {
		if p.Date.After(day) {
			continue
		}
		j, seen := latest[p.Donor]
		if !seen {
			order = append(order, p.Donor)
		}
		if !seen || !p.Date.Before(ps[j].Date) {
			latest[p.Donor] = i
		}
	}
	out := []fairshare.Policy{}
	for _, d := range order {
		out = append(out, ps[latest[d]])
	}
	return out
}

func writePolicies(w http.ResponseWriter, r *http.Request, format string, ps []fairshare.Policy) error {
	if format == "csv" {
		var rows [][]string
		for _, p := range ps {
			rows = append(rows, []string{p.Donor, p.Date.String(), p.Status, p.Scope, p.Source.Publisher, p.Source.Title, p.Source.Date, p.Source.URL})
		}
		return writeTable(w, r, "policies", []string{"donor", "date", "status", "scope", "publisher", "title", "source_date", "url"}, rows)
	}
	if ps == nil {
		ps = []fairshare.Policy{}
	}
	return writeJSON(w, r, ps)
}

func (s *server) policies(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	day, err := q.date("as_of")
	if err != nil {
		return err
	}
	ps, err := s.app.Store.Policies(r.Context())
	if err != nil {
		return err
	}
	if !day.IsZero() {
		ps = PoliciesInForce(ps, day)
	}
	return writePolicies(w, r, format, ps)
}

func (s *server) donorPolicies(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	d, err := s.findDonor(r, r.PathValue("donor"))
	if err != nil {
		return err
	}
	ps, err := s.app.Store.Policies(r.Context())
	if err != nil {
		return err
	}
	var out []fairshare.Policy
	for _, p := range ps {
		if p.Donor == d.Code {
			out = append(out, p)
		}
	}
	return writePolicies(w, r, format, out)
}
