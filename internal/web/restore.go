package web

import "net/http"

// restoreContribution brings back a deleted entry from its page.
func (h *handler) restoreContribution(w http.ResponseWriter, r *http.Request) {
	h.versionAction(w, r, h.app.RestoreContribution)
}
