package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/render"
)

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
	cc := "no-cache"
	if explicit && req.AsOf.Before(time.Now()) {
		// The ledger as it stood at a past time no longer changes; only
		// corrected reference data could, so a short lifetime is safe.
		cc = "public, max-age=300"
	}
	key := format + " " + r.URL.Path + "?" + q.v.Encode()
	// A report asked again under the same ledger and reference data is
	// served from its rendering. The report's time is the one asked for,
	// or now (a report's as_of is given to the second): with the engine and
	// the reference data brought up to date first, a JSON rendering kept
	// for this version and second is the report computed now.
	asOfAt := req.AsOf
	if asOfAt.IsZero() {
		asOfAt = time.Now()
	}
	if format != "csv" {
		if v, err := s.app.CurrentVersion(r.Context()); err == nil {
			if e, ok := s.renders.Get(key, v, asOfAt.UTC().Format(time.RFC3339)); ok {
				httpx.ServeEncoded(w, r, contentType(format), e, cc)
				return nil
			}
		}
	}
	// The version is read before and after the report, so a write in
	// between is never cached under the newer version.
	v0 := s.app.ReportVersion()
	rep, err := s.app.Report(r.Context(), req)
	if err != nil {
		return err
	}
	version := ""
	if v1 := s.app.ReportVersion(); v0 != "" && v0 == v1 {
		version = v1
	}
	if format == "csv" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+rep.Target.ID+"-"+strings.ToLower(rep.Currency)+`.csv"`)
	}
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
		j.AsOf = asOf
		body, err := marshal(j)
		if err != nil {
			return err
		}
		etag, ok := etagWithoutAsOf(body, asOf)
		if !ok {
			j.AsOf = ""
			noTime, err := marshal(j)
			if err != nil {
				return err
			}
			etag = httpx.ETag(noTime)
		}
		e = httpx.NewEncoded(body, "W/"+etag)
	}
	// The gzip form is made when a client takes it (copies from the cache
	// share it): most uncached reports are asked for once.
	s.renders.Put(key, version, asOf, e)
	httpx.ServeEncoded(w, r, contentType(format), e, cc)
	return nil
}

// etagWithoutAsOf is the ETag of a report's indented JSON body as
// marshalled with an empty as_of, without marshalling it again: the
// top-level "as_of" member is the only one at that indentation with that
// text (a newline inside a JSON string is escaped), and nothing else
// differs. ok is false if it is not found.
func etagWithoutAsOf(body []byte, asOf string) (etag string, ok bool) {
	member := "\n  \"as_of\": \""
	i := bytes.Index(body, []byte(member+asOf+"\""))
	if i < 0 {
		return "", false
	}
	return httpx.ETagOf(body[:i+len(member)], body[i+len(member)+len(asOf):]), true
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
