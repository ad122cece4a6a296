package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

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
		if err := ledgerio.WriteHistoryCSV(&buf, hs); err != nil {
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
