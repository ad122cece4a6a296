package httpapi

import (
	"bytes"
	"net/http"

	"github.com/fairshare/fairshare"
)

// restoreContribution brings back a deleted entry as a new version; the
// reason comes in a JSON body {"reason": ...} or as ?reason=, If-Match as
// for an edit.
func (s *server) restoreContribution(w http.ResponseWriter, r *http.Request, q query) error {
	base, err := baseVersion(r)
	if err != nil {
		return err
	}
	b, err := readBody(w, r, MaxJSONBody)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if len(bytes.TrimSpace(b)) > 0 {
		if err := decodeStrict(b, &in); err != nil {
			return err
		}
	}
	if in.Reason == "" {
		in.Reason = q.v.Get("reason")
	}
	reason, err := reasonText(in.Reason)
	if err != nil {
		return err
	}
	out, err := s.app.RestoreContribution(r.Context(), r.PathValue("id"), base, fairshare.Change{Author: userOf(r).Name, Role: userOf(r).Role, Reason: reason})
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
