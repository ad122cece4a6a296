package httpapi

import (
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// compare serves App.Compare: two dataset selections counted alone for a
// target, per donor, with the statuses each side counts and a note where
// they differ (what 'fairshare compare TARGET --datasets A,B' prints).
func (s *server) compare(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	sets := q.str("datasets")
	parts := strings.Split(sets, ",")
	if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
		return fairshare.FieldError("datasets", "want two dataset selections A,B (e.g. kiel-r29,dk-mod)")
	}
	asOf, err := q.asOf()
	if err != nil {
		return err
	}
	cur := strings.ToUpper(q.str("currency"))
	if cur == "" {
		cur = "EUR"
	}
	c, err := s.app.Compare(r.Context(), app.CompareRequest{Target: r.PathValue("target"), Currency: cur, AsOf: asOf, A: parts[0], B: parts[1]})
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, x := range c.Rows {
			rows = append(rows, []string{x.Donor, x.Name, x.A, x.B, deref(x.Difference), x.In, c.Currency,
				strings.Join(x.StatusesA, "/"), strings.Join(x.StatusesB, "/"), x.Note})
		}
		return writeTable(w, r, c.Target+"-compare", []string{"donor", "name", "a_" + c.A, "b_" + c.B, "difference", "in", "currency",
			"a_statuses", "b_statuses", "note"}, rows)
	}
	return writeJSON(w, r, c)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
