package httpapi

import (
	"net/http"
)

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
