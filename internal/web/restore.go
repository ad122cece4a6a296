package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/fairshare/fairshare"
)

// restoreContribution brings back a deleted entry from its page.
func (h *handler) restoreContribution(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	u, ok := h.editorPost(w, r, p)
	if !ok {
		return
	}
	id := r.PathValue("id")
	d, err := h.contributionPage(r, p, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	base, err := formBase(r)
	if err != nil {
		h.formError(w, r, p, d, d.Current, err)
		return
	}
	reason, err := reasonOf(r, p.Lang)
	if err == nil {
		_, err = h.app.RestoreContribution(r.Context(), id, base, fairshare.Change{Author: u.Name, Role: u.Role, Reason: reason})
	}
	var vc *fairshare.VersionConflict
	if errors.As(err, &vc) {
		d.Conflict = fmt.Sprintf(T(p.Lang, "contrib.conflict"), vc.Current.Version, vc.Current.Author, when(p.Lang, vc.Current.RecordedAt))
		p.noStore, p.Data = true, d
		h.render(w, r, http.StatusConflict, "contribution", p)
		return
	}
	if err != nil {
		if fairshare.ErrorCode(err) == fairshare.EINTERNAL {
			h.fail(w, r, p, err)
			return
		}
		h.formError(w, r, p, d, d.Current, err)
		return
	}
	http.Redirect(w, r, p.Link("/contributions/"+id)+"#history", http.StatusSeeOther)
}
