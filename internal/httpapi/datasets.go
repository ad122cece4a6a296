package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/fairshare/fairshare"
)

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
	if _, ok := ref.Dataset(id); !ok {
		return fairshare.Errorf(fairshare.ENOTFOUND, "no dataset %q (see /api/v1/datasets)", id)
	}
	st, err := s.app.Dataset(r.Context(), id, time.Time{})
	if err != nil {
		return err
	}
	return writeJSON(w, r, struct {
		fairshare.Dataset
		Contributions int `json:"contributions"`
	}{st.Dataset, st.Contributions})
}

// datasetStats serves what 'fairshare datasets show ID' prints: the
// description and, per donor, the current contributions, months covered
// and their total in EUR (each day's sum at that day's rate).
func (s *server) datasetStats(w http.ResponseWriter, r *http.Request, q query) error {
	format, err := q.format()
	if err != nil {
		return err
	}
	asOf, err := q.asOf()
	if err != nil {
		return err
	}
	st, err := s.app.Dataset(r.Context(), r.PathValue("id"), asOf)
	if err != nil {
		return err
	}
	if format == "csv" {
		var rows [][]string
		for _, d := range st.Donors {
			rows = append(rows, []string{d.Donor, d.Name, strconv.Itoa(d.Contributions), d.From, d.To, d.TotalEUR})
		}
		return writeTable(w, r, st.ID+"-stats", []string{"donor", "name", "contributions", "from", "to", "total_eur"}, rows)
	}
	return writeJSON(w, r, st)
}
