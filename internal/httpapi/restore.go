package httpapi

import "net/http"

// restoreContribution brings back a deleted entry as a new version; the
// reason comes in a JSON body {"reason": ...} or as ?reason=, If-Match as
// for an edit.
func (s *server) restoreContribution(w http.ResponseWriter, r *http.Request, q query) error {
	base, ch, err := baseAndReason(w, r, q)
	if err != nil {
		return err
	}
	out, err := s.app.RestoreContribution(r.Context(), r.PathValue("id"), base, ch)
	if err != nil {
		return err
	}
	return writeChanged(w, http.StatusOK, out)
}

// targetHistory lists every recorded definition of a target.
func (s *server) targetHistory(w http.ResponseWriter, r *http.Request, q query) error {
	hs, err := s.app.TargetHistory(r.Context(), r.PathValue("target"))
	if err != nil {
		return err
	}
	return writeJSON(w, r, hs)
}
