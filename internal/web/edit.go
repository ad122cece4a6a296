package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// formFields are the contribution fields the add and edit forms carry, by
// their CSV/JSON names.
var formFields = []string{"donor", "recipient", "date", "amount", "currency", "category", "status", "dataset",
	"description", "source_url", "source_title", "publisher", "source_date"}

type historyView struct {
	Version           int
	When, Who, Why    string
	Date, What        string
	Deleted, Current  bool
	SourceURL, Source string
}

type contributionData struct {
	ID         string
	New        bool
	Deleted    bool
	DonorName  string
	DonorLink  string
	Current    ledgerio.JSONContribution // shown
	Amount     string                    // formatted in the page's language
	Form       ledgerio.JSONContribution // the edit form's values
	Base       int                       // the version the edit form was made from
	Conflict   string                    // why the form is shown again: the entry changed meanwhile
	Newer      map[string]string         // field -> the newer value, where it differs from the user's
	Reason     string
	Error      string
	ErrorField string
	History    []historyView
	Action     string
	DeleteURL  string
	Donors     []option
	Categories []option
	Statuses   []option
}

func when(lang string, t time.Time) string {
	return FormatTime(lang, t) + " " + t.UTC().Format("15:04:05") + " UTC"
}

// fillChoices sets the select lists of the form.
func (h *handler) fillChoices(r *http.Request, p *page, d *contributionData) error {
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		return err
	}
	var codes, names []string
	for _, dn := range ref.Donors {
		codes, names = append(codes, dn.Code), append(names, dn.Code+" — "+dn.Name(p.Lang))
	}
	d.Donors = options(codes, names, d.Form.Donor)
	var cats, catl []string
	for _, c := range fairshare.Categories {
		cats, catl = append(cats, string(c)), append(catl, T(p.Lang, "cat."+string(c)))
	}
	d.Categories = options(cats, catl, d.Form.Category)
	var sts, stl []string
	for _, s := range fairshare.Statuses {
		sts, stl = append(sts, string(s)), append(stl, T(p.Lang, "status."+string(s)))
	}
	d.Statuses = options(sts, stl, d.Form.Status)
	return nil
}

// contributionData builds the page of one contribution: its current
// version, its history (who, when, why) and, for editors, the forms.
func (h *handler) contributionPage(r *http.Request, p *page, id string) (*contributionData, error) {
	hs, err := h.app.ContributionHistory(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", id)
	}
	cur := hs[len(hs)-1]
	d := &contributionData{ID: id, Deleted: cur.Deleted, Current: ledgerio.ToJSON(cur), Amount: Money(p.Lang, cur.Amount, cur.Currency),
		Action: "/contributions/" + url.PathEscape(id) + "?lang=" + p.Lang, DeleteURL: "/contributions/" + url.PathEscape(id) + "/delete?lang=" + p.Lang,
		DonorLink: p.Link("/donors/" + cur.Donor)}
	d.Form, d.Base = d.Current, cur.Version
	if ref, err := h.app.Reference(r.Context()); err == nil {
		if dn := ref.ByCode[cur.Donor]; dn != nil {
			d.DonorName = dn.Name(p.Lang)
		}
	}
	for i := len(hs) - 1; i >= 0; i-- {
		c := hs[i]
		what := Money(p.Lang, c.Amount, c.Currency) + " · " + T(p.Lang, "status."+string(c.Status))
		if c.Deleted {
			what = T(p.Lang, "contrib.deleted")
		}
		src := localTitle(p.Lang, c.Source.Title)
		if src == "" {
			src = c.Source.URL
		}
		d.History = append(d.History, historyView{Version: c.Version, When: when(p.Lang, c.RecordedAt), Who: c.Author, Why: c.Reason,
			Date: FormatDate(p.Lang, c.Date), What: what, Deleted: c.Deleted, Current: i == len(hs)-1, SourceURL: c.Source.URL, Source: src})
	}
	if err := h.fillChoices(r, p, d); err != nil {
		return nil, err
	}
	p.Title = T(p.Lang, "contrib.title") + " " + shortID(id)
	p.noStore = p.CanEdit()
	return d, nil
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func (h *handler) contribution(r *http.Request, p *page) (string, error) {
	d, err := h.contributionPage(r, p, r.PathValue("id"))
	if err != nil {
		return "", err
	}
	p.Data = d
	return "contribution", nil
}

func (h *handler) newContribution(r *http.Request, p *page) (string, error) {
	if !p.CanEdit() {
		if p.User == nil {
			return "", fairshare.Errorf(fairshare.EUNAUTHORIZED, "%s", T(p.Lang, "login.needed"))
		}
		return "", fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "edit.forbidden"))
	}
	d := &contributionData{New: true, Action: "/contributions?lang=" + p.Lang}
	d.Form = ledgerio.JSONContribution{Donor: strings.ToUpper(r.URL.Query().Get("donor")), Recipient: "UKR", Dataset: "user",
		Category: string(fairshare.InKind), Status: string(fairshare.Delivered)}
	if err := h.fillChoices(r, p, d); err != nil {
		return "", err
	}
	p.Title, p.noStore, p.Data = T(p.Lang, "contrib.new"), true, d
	return "contribution", nil
}

// editorPost checks a form post and the editor role; it writes refusals.
func (h *handler) editorPost(w http.ResponseWriter, r *http.Request, p *page) (fairshare.User, bool) {
	u, ok := h.checkPost(w, r, p)
	if !ok {
		return u, false
	}
	if !u.Role.Allows(fairshare.Editor) {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", T(p.Lang, "edit.forbidden")))
		return u, false
	}
	return u, true
}

// formContribution reads the contribution fields of a form.
func formContribution(r *http.Request) (map[string]string, ledgerio.JSONContribution) {
	m := map[string]string{}
	for _, f := range formFields {
		m[f] = r.PostForm.Get(f)
	}
	j := ledgerio.JSONContribution{Donor: m["donor"], Recipient: m["recipient"], Date: m["date"], Amount: m["amount"],
		Currency: m["currency"], Category: m["category"], Status: m["status"], Dataset: m["dataset"], Description: m["description"],
		SourceURL: m["source_url"], SourceTitle: m["source_title"], Publisher: m["publisher"], SourceDate: m["source_date"]}
	return m, j
}

// formError shows the form again with what was typed and what is wrong.
func (h *handler) formError(w http.ResponseWriter, r *http.Request, p *page, d *contributionData, form ledgerio.JSONContribution, err error) {
	status := http.StatusBadRequest
	d.Form, d.Reason, d.Error = form, r.PostForm.Get("reason"), err.Error()
	if fe, ok := err.(*fairshare.Error); ok {
		d.ErrorField = fe.Field
		if fe.Code != fairshare.EINVALID {
			status = statusOf(fe.Code)
		}
	}
	if ferr := h.fillChoices(r, p, d); ferr != nil {
		h.fail(w, r, p, ferr)
		return
	}
	p.noStore, p.Data = true, d
	h.render(w, r, status, "contribution", p)
}

func statusOf(code string) int {
	switch code {
	case fairshare.ECONFLICT:
		return http.StatusConflict
	case fairshare.ENOTFOUND:
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func reasonOf(r *http.Request, lang string) (string, error) {
	s := strings.TrimSpace(r.PostForm.Get("reason"))
	if s == "" {
		return "", fairshare.FieldError("reason", T(lang, "reason.required"))
	}
	if len([]rune(s)) > 1000 {
		return "", fairshare.FieldError("reason", "longer than 1000 characters")
	}
	if err := fairshare.CheckReason(s); err != nil {
		if !fairshare.Visible(s) {
			err = fairshare.FieldError("reason", T(lang, "reason.required"))
		}
		return "", err
	}
	return s, nil
}

func (h *handler) addContribution(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	u, ok := h.editorPost(w, r, p)
	if !ok {
		return
	}
	p.Title = T(p.Lang, "contrib.new")
	d := &contributionData{New: true, Action: "/contributions?lang=" + p.Lang}
	_, form := formContribution(r)
	reason, err := reasonOf(r, p.Lang)
	if err != nil {
		h.formError(w, r, p, d, form, err)
		return
	}
	if err := canonicalFormAmount(&form, p.Lang); err != nil {
		h.formError(w, r, p, d, form, err)
		return
	}
	c, err := h.app.AddContribution(r.Context(), form, fairshare.Change{Author: u.Name, Role: u.Role, Reason: reason})
	switch {
	case fairshare.ErrorCode(err) == fairshare.ECONFLICT:
		h.formError(w, r, p, d, form, fairshare.Errorf(fairshare.ECONFLICT, "%s %s", T(p.Lang, "contrib.exists"), c.ID))
		return
	case fairshare.ErrorCode(err) == fairshare.EINVALID:
		h.formError(w, r, p, d, form, err)
		return
	case err != nil:
		h.fail(w, r, p, err)
		return
	}
	http.Redirect(w, r, p.Link("/contributions/"+c.ID)+"#history", http.StatusSeeOther)
}

// formBase reads the version an edit or delete form was made from.
func formBase(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PostForm.Get("base"))
	if err != nil || n < 1 {
		return 0, fairshare.FieldError("base", "the form does not say which version it was made from: open the contribution again")
	}
	return n, nil
}

// formPatch is what the user changed: the fields whose submitted value
// differs from the version the form was made from.
func formPatch(m map[string]string, base fairshare.Contribution) app.ContributionPatch {
	was := jsonFields(ledgerio.ToJSON(base))
	p := app.ContributionPatch{}
	for _, f := range formFields {
		if strings.TrimSpace(m[f]) != strings.TrimSpace(was[f]) {
			p[f] = m[f]
		}
	}
	return p
}

func jsonFields(j ledgerio.JSONContribution) map[string]string {
	return map[string]string{"donor": j.Donor, "recipient": j.Recipient, "date": j.Date, "amount": j.Amount,
		"currency": j.Currency, "category": j.Category, "status": j.Status, "dataset": j.Dataset,
		"description": j.Description, "source_url": j.SourceURL, "source_title": j.SourceTitle,
		"publisher": j.Publisher, "source_date": j.SourceDate}
}

func versionOf(hs []fairshare.Contribution, v int) (fairshare.Contribution, bool) {
	for _, c := range hs {
		if c.Version == v {
			return c, true
		}
	}
	return fairshare.Contribution{}, false
}

func (h *handler) editContribution(w http.ResponseWriter, r *http.Request) {
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
	m, form := formContribution(r)
	base, err := formBase(r)
	if err != nil {
		h.formError(w, r, p, d, form, err)
		return
	}
	hs, err := h.app.ContributionHistory(r.Context(), id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	was, ok := versionOf(hs, base)
	if !ok {
		h.formError(w, r, p, d, form, fairshare.FieldError("base", "no version "+strconv.Itoa(base)))
		return
	}
	d.Base = base
	patch := formPatch(m, was)
	reason, err := reasonOf(r, p.Lang)
	if err == nil && len(patch) == 0 {
		err = fairshare.Errorf(fairshare.EINVALID, "%s", T(p.Lang, "contrib.unchanged"))
	}
	var applied app.ContributionPatch
	if err == nil {
		applied, err = canonicalAmount(patch, was, p.Lang)
	}
	if err != nil {
		h.formError(w, r, p, d, form, err)
		return
	}
	_, err = h.app.EditContribution(r.Context(), id, base, applied, fairshare.Change{Author: u.Name, Role: u.Role, Reason: reason})
	var vc *fairshare.VersionConflict
	switch {
	case errors.As(err, &vc):
		h.editConflict(w, r, p, d, patch, was, vc.Current)
		return
	case fairshare.ErrorCode(err) == fairshare.EINTERNAL:
		h.fail(w, r, p, err)
		return
	case err != nil:
		h.formError(w, r, p, d, form, err)
		return
	}
	http.Redirect(w, r, p.Link("/contributions/"+id)+"#history", http.StatusSeeOther)
}

// editConflict shows the edit form again (409) after someone else changed
// the entry since the form was made: the newest version's values, with the
// user's changes on top and, beside each field both changed, the newer
// value. The form is now based on the newest version, so saving it again
// is a decision made knowing both.
func (h *handler) editConflict(w http.ResponseWriter, r *http.Request, p *page, d *contributionData, patch app.ContributionPatch, base, cur fairshare.Contribution) {
	was := jsonFields(ledgerio.ToJSON(base))
	newer := jsonFields(ledgerio.ToJSON(cur))
	form := jsonFields(ledgerio.ToJSON(cur))
	d.Newer = map[string]string{}
	for f, v := range patch {
		form[f] = v
		if newer[f] != was[f] && strings.TrimSpace(newer[f]) != strings.TrimSpace(v) {
			d.Newer[f] = newer[f]
			if newer[f] == "" {
				d.Newer[f] = "—"
			}
		}
	}
	d.Form = ledgerio.JSONContribution{Donor: form["donor"], Recipient: form["recipient"], Date: form["date"], Amount: form["amount"],
		Currency: form["currency"], Category: form["category"], Status: form["status"], Dataset: form["dataset"],
		Description: form["description"], SourceURL: form["source_url"], SourceTitle: form["source_title"],
		Publisher: form["publisher"], SourceDate: form["source_date"]}
	d.Base, d.Reason = cur.Version, r.PostForm.Get("reason")
	d.Conflict = fmt.Sprintf(T(p.Lang, "contrib.conflict"), cur.Version, cur.Author, when(p.Lang, cur.RecordedAt))
	if cur.Deleted {
		d.Deleted = true
	}
	if err := h.fillChoices(r, p, d); err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.noStore, p.Data = true, d
	h.render(w, r, http.StatusConflict, "contribution", p)
}

func (h *handler) deleteContribution(w http.ResponseWriter, r *http.Request) {
	h.versionAction(w, r, h.app.RemoveContribution)
}

// versionAction records a deletion or a restoration from the contribution's
// page: a new version made against the base the form carries, with a reason.
func (h *handler) versionAction(w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, id string, base int, ch fairshare.Change) (fairshare.Contribution, error)) {
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
		_, err = act(r.Context(), id, base, fairshare.Change{Author: u.Name, Role: u.Role, Reason: reason})
	}
	var vc *fairshare.VersionConflict
	if errors.As(err, &vc) {
		// Acting on what one has not seen is an overwrite too: show the
		// newer version (the page is already the newest) and ask again.
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
