package httpapi

import (
	"net/http"

	"github.com/fairshare/fairshare"
)

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

// policies lists every statement, or with as_of each donor's state on that
// day by App.PoliciesInForce (all=true also lists the allies without any
// statement, as unknown).
func (s *server) policies(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	day, err := q.date("as_of")
	if err != nil {
		return err
	}
	all, err := q.boolean("all")
	if err != nil {
		return err
	}
	if day.IsZero() {
		if all {
			return fairshare.FieldError("all", "needs as_of")
		}
		ps, err := s.app.Policies(r.Context())
		if err != nil {
			return err
		}
		return writePolicies(w, r, format, ps)
	}
	states, err := s.app.PoliciesInForce(r.Context(), day, all)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, p := range states {
			rows = append(rows, []string{p.Donor, p.Name, p.Status, p.Since, p.Scope, p.Source.Publisher, p.Source.Title, p.Source.Date, p.Source.URL})
		}
		return writeTable(w, r, "policies", []string{"donor", "name", "status", "since", "scope", "publisher", "title", "source_date", "url"}, rows)
	}
	return writeJSON(w, r, states)
}

func (s *server) donorPolicies(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	_, ps, err := s.app.PolicyHistory(r.Context(), r.PathValue("donor"))
	if err != nil {
		return err
	}
	return writePolicies(w, r, format, ps)
}
