package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/feeds"
)

// The review queue: editors see each draft the news reader filed beside the article, the
// proposal with its conversion, and what the ledger already holds, then approve (as is or
// edited), reject, or reverse an earlier decision. The App methods record and audit every
// decision; this file only parses, calls and renders.

// reviewRoutes registers the review pages; web.go calls it once.
func (h *handler) reviewRoutes(mux *http.ServeMux) {
	h.pages["review"] = template.Must(template.New("review").ParseFS(templateFS, "templates/layout.html", "templates/review.html"))
	mux.HandleFunc("GET /review", h.reviewGet)
	mux.HandleFunc("POST /review/{id}/{action}", h.reviewPost)
}

var reviewMessages = map[string][2]string{
	"title":            {"Review queue", "Udkast til gennemgang"},
	"intro":            {"Drafts the news reader found in articles, from news read --apply and from followed feeds. Nothing enters the ledger until an editor approves it; every decision is logged with who and why, and can be reversed.", "Udkast, som nyhedslæseren har fundet i artikler, fra news read --apply og fra fulgte feeds. Intet kommer ind i regnskabet, før en redaktør har godkendt det. Hver afgørelse logges med hvem og hvorfor og kan fortrydes."},
	"pending":          {"Waiting", "Venter"},
	"decided":          {"Decided", "Afgjort"},
	"none":             {"No drafts are waiting for review.", "Ingen udkast venter på gennemgang."},
	"none.decided":     {"No decisions yet.", "Ingen afgørelser endnu."},
	"from.feed":        {"from a followed feed", "fra et fulgt feed"},
	"from.read":        {"from news read --apply", "fra news read --apply"},
	"published":        {"published", "udgivet"},
	"saidby":           {"Who said it", "Hvem siger det"},
	"saidby.none":      {"no source named near the amount", "ingen kilde nævnt ved beløbet"},
	"found":            {"Amount in the article", "Beløb i artiklen"},
	"currency.context": {"The currency is not written by the amount: it is taken from the article's context. Check it.", "Valutaen står ikke ved beløbet, men er udledt af artiklens sammenhæng. Kontrollér den."},
	"currency.default": {"No currency is written in the article: the language's home currency is assumed. Check it.", "Artiklen nævner ingen valuta, så sprogets hjemlige valuta er antaget. Kontrollér den."},
	"stated":           {"Equivalent stated in the article", "Omregning oplyst i artiklen"},
	"proposal":         {"Proposed contribution", "Foreslået bidrag"},
	"eur":              {"In euros", "I euro"},
	"norate":           {"no exchange rate for that date", "ingen valutakurs for den dato"},
	"matches":          {"Already in the ledger?", "Allerede i regnskabet?"},
	"matches.rule":     {"Same donor, date within 14 days, amount within 2 % in euros.", "Samme donor, dato inden for 14 dage, beløb inden for 2 % i euro."},
	"nomatch":          {"No entry in the ledger looks like the same aid.", "Ingen post i regnskabet ligner den samme støtte."},
	"days":             {"days apart", "dages afstand"},
	"diff":             {"difference", "forskel"},
	"approve":          {"Approve", "Godkend"},
	"approve.hint":     {"Correct any field before approving: the draft is then approved as edited.", "Ret eventuelle fejl i felterne før godkendelsen; så godkendes udkastet med rettelserne."},
	"reason":           {"Reason (logged)", "Begrundelse (logges)"},
	"reject":           {"Reject", "Afvis"},
	"reject.reason":    {"Why reject it?", "Hvorfor afvise det?"},
	"article":          {"The whole article", "Hele artiklen"},
	"open":             {"Open the article", "Åbn artiklen"},
	"state":            {"Decision", "Afgørelse"},
	"state.approved":   {"approved", "godkendt"},
	"state.rejected":   {"rejected", "afvist"},
	"act.approve":      {"approved", "godkendt"},
	"act.edit-approve": {"edited and approved", "rettet og godkendt"},
	"act.reject":       {"rejected", "afvist"},
	"act.reopen":       {"reopened", "genåbnet"},
	"history":          {"Decisions", "Afgørelser"},
	"reopen":           {"Reverse the decision", "Fortryd afgørelsen"},
	"reopen.reason":    {"Why reverse it?", "Hvorfor fortryde?"},
	"reopen.hint":      {"An approved entry is deleted from the ledger (as a recorded version) and the draft waits again.", "En godkendt post slettes fra regnskabet (som en registreret version), og udkastet venter igen."},
	"flash.approve":    {"Approved: the contribution is in the ledger.", "Godkendt: bidraget er ført ind i regnskabet."},
	"flash.reject":     {"Rejected.", "Afvist."},
	"flash.reopen":     {"Decision reversed: the draft is waiting again.", "Afgørelsen er fortrudt: udkastet venter igen."},
	"contribution":     {"Contribution in the ledger", "Bidrag i regnskabet"},
	"draft":            {"Draft", "Udkast"},
	"editors":          {"The review queue is for editors.", "Gennemgangen er kun for redaktører."},
}

type reviewData struct {
	lang             string
	State            string // pending or decided
	Drafts           []*draftView
	Pending, Decided int
	Flash, FlashLink string
	PendingURL       string
	DecidedURL       string
}

// L is a label of the review page in the page's language.
func (d *reviewData) L(key string) string {
	m, ok := reviewMessages[key]
	if !ok {
		return key
	}
	if d.lang == "da" {
		return m[1]
	}
	return m[0]
}

type decisionView struct {
	When, Who, Action, Why, Contribution string
}

type matchView struct {
	Link, Date, Amount, Dataset, Source, SourceURL, Days, Diff string
}

type draftView struct {
	D                  feeds.Draft
	Origin             string
	Published          string
	Before, Mark       string
	After              string
	FullBefore         string
	FullAfter          string
	Amount             string // formatted
	EUR, Rate          string
	CurrencyNote       string
	Form               app.DraftEdit
	Reason             string
	Donors, Categories []option
	Statuses, Datasets []option
	Matches            []matchView
	Decisions          []decisionView
	Error, ErrorField  string
	ContributionLink   string
	Action             string // form action prefix: /review/ID/
}

func (h *handler) reviewGet(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	if p.User == nil {
		http.Redirect(w, r, p.LoginURL(), http.StatusSeeOther)
		return
	}
	if !p.CanEdit() {
		h.fail(w, r, p, fairshare.Errorf(fairshare.EFORBIDDEN, "%s", reviewMessages["editors"][langIndex(p.Lang)]))
		return
	}
	h.renderReview(w, r, p, http.StatusOK, nil)
}

func langIndex(lang string) int {
	if lang == "da" {
		return 1
	}
	return 0
}

// renderReview renders the queue; failed, when set, is the draft whose form was refused,
// shown again with what was typed and the error.
func (h *handler) renderReview(w http.ResponseWriter, r *http.Request, p *page, status int, failed *draftView) {
	ctx := r.Context()
	state := r.URL.Query().Get("state")
	if state != "decided" {
		state = "pending"
	}
	d := &reviewData{lang: p.Lang, State: state, PendingURL: p.Link("/review"), DecidedURL: p.Link("/review", "state", "decided")}
	all, err := h.app.Drafts(ctx, "")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "approve", "reject", "reopen":
		d.Flash = d.L("flash." + r.URL.Query().Get("done"))
		if c := r.URL.Query().Get("contribution"); c != "" {
			d.FlashLink = p.Link("/contributions/" + c)
		}
	}
	ref, err := h.app.Reference(ctx)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	writable, err := h.app.WritableDatasets(ctx)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	for _, dr := range all {
		if dr.State == "pending" {
			d.Pending++
		} else {
			d.Decided++
		}
		if (dr.State == "pending") != (state == "pending") {
			continue
		}
		if failed != nil && failed.D.ID == dr.ID {
			d.Drafts = append(d.Drafts, failed)
			continue
		}
		v := &draftView{D: dr}
		v.Form = app.DraftEdit{Donor: dr.Donor, Date: dr.Date, Amount: dr.Amount, Currency: dr.Currency, Status: dr.Status,
			Category: dr.Category, Description: dr.Description, Dataset: "user"}
		if err := h.fillDraft(r, p, v, ref, writable); err != nil {
			h.fail(w, r, p, err)
			return
		}
		d.Drafts = append(d.Drafts, v)
	}
	p.Title, p.Data, p.noStore, p.Path = d.L("title"), d, true, "/review"
	if state == "decided" {
		p.query.Set("state", "decided")
	}
	h.render(w, r, status, "review", p)
}

// fillDraft sets what the page shows of a draft beyond its fields.
func (h *handler) fillDraft(r *http.Request, p *page, v *draftView, ref *app.Reference, writable []string) error {
	ctx := r.Context()
	dr := v.D
	lab := (&reviewData{lang: p.Lang}).L
	v.Action = "/review/" + url.PathEscape(dr.ID) + "/"
	v.Origin = lab("from." + dr.Origin)
	if dt, err := fairshare.ParseDate(dr.ArticleDate); err == nil {
		v.Published = FormatDate(p.Lang, dt)
	}
	text := dr.ArticleText
	if dr.AmountStart >= 0 && dr.AmountEnd <= len(text) && dr.AmountStart < dr.AmountEnd {
		v.FullBefore, v.Mark, v.FullAfter = text[:dr.AmountStart], text[dr.AmountStart:dr.AmountEnd], text[dr.AmountEnd:]
		v.Before, v.After = excerptBefore(v.FullBefore, 320), excerptAfter(v.FullAfter, 320)
	} else {
		v.FullBefore = text
	}
	if amt, err := fairshare.ParseAmount(dr.Amount, dr.Currency); err == nil {
		v.Amount = Money(p.Lang, amt, dr.Currency)
	} else {
		v.Amount = dr.Amount + " " + dr.Currency
	}
	if eur, q, err := h.app.DraftInEUR(ctx, dr); err == nil {
		v.EUR = Money(p.Lang, eur, "EUR")
		v.Rate = rateNote(p.Lang, q)
	} else {
		v.EUR = lab("norate")
	}
	switch dr.CurrencyFrom {
	case "context", "default":
		v.CurrencyNote = lab("currency." + dr.CurrencyFrom)
	}
	var codes, names []string
	for _, dn := range ref.Donors {
		codes, names = append(codes, dn.Code), append(names, dn.Code+" — "+dn.Name(p.Lang))
	}
	v.Donors = options(codes, names, v.Form.Donor)
	var cats, catl []string
	for _, c := range fairshare.Categories {
		cats, catl = append(cats, string(c)), append(catl, T(p.Lang, "cat."+string(c)))
	}
	v.Categories = options(cats, catl, v.Form.Category)
	var sts, stl []string
	for _, s := range fairshare.Statuses {
		sts, stl = append(sts, string(s)), append(stl, T(p.Lang, "status."+string(s)))
	}
	v.Statuses = options(sts, stl, v.Form.Status)
	v.Datasets = options(writable, writable, v.Form.Dataset)
	if dr.State == "pending" {
		ms, err := h.app.DraftMatches(ctx, dr)
		if err != nil {
			return err
		}
		for _, m := range ms {
			c := m.Contribution
			src := localTitle(p.Lang, c.Source.Title)
			if src == "" {
				src = c.Source.URL
			}
			v.Matches = append(v.Matches, matchView{Link: p.Link("/contributions/" + c.ID), Date: FormatDate(p.Lang, c.Date),
				Amount: Money(p.Lang, c.Amount, c.Currency), Dataset: c.Dataset, Source: src, SourceURL: c.Source.URL,
				Days: fmt.Sprint(m.DaysApart), Diff: percent(p.Lang, m.Difference)})
		}
	}
	_, decs, err := h.app.Draft(ctx, dr.ID)
	if err != nil {
		return err
	}
	for i := len(decs) - 1; i >= 0; i-- {
		x := decs[i]
		dv := decisionView{When: when(p.Lang, x.At), Who: x.User, Action: lab("act." + x.Action), Why: x.Reason}
		if x.Contribution != "" && x.Action != "reopen" {
			dv.Contribution = p.Link("/contributions/" + x.Contribution)
		}
		v.Decisions = append(v.Decisions, dv)
	}
	if dr.Contribution != "" {
		v.ContributionLink = p.Link("/contributions/" + dr.Contribution)
	}
	return nil
}

// rateNote says which rate a conversion used, in the page's language.
func rateNote(lang string, q fairshare.Quote) string {
	if q.Basis == fairshare.BasisEUR {
		return ""
	}
	basis := map[fairshare.Basis][2]string{
		fairshare.BasisDay:        {"ECB reference rate of", "ECB-referencekurs for"},
		fairshare.BasisEarlier:    {"last ECB reference rate before the date,", "seneste ECB-referencekurs før datoen,"},
		fairshare.BasisMonth:      {"monthly average", "månedsgennemsnit"},
		fairshare.BasisYear:       {"annual average", "årsgennemsnit"},
		fairshare.BasisLatestYear: {"latest annual average,", "seneste årsgennemsnit,"},
	}[q.Basis][langIndex(lang)]
	rate := q.Text
	if lang == "da" {
		rate = strings.Replace(rate, ".", ",", 1)
	}
	return fmt.Sprintf("1 EUR = %s %s, %s %s", rate, q.Currency, basis, q.Period)
}

func percent(lang string, f float64) string {
	s := fmt.Sprintf("%.1f %%", f*100)
	if lang == "da" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// excerptBefore keeps the last n bytes of s, starting at a word.
func excerptBefore(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := len(s) - n
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	if i := strings.IndexAny(s[cut:], " \n"); i >= 0 && i < 40 {
		cut += i + 1
	}
	return "… " + s[cut:]
}

// excerptAfter keeps the first n bytes of s, ending at a word.
func excerptAfter(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexAny(s[:cut], " \n"); i > cut-40 && i > 0 {
		cut = i
	}
	return s[:cut] + " …"
}

func (h *handler) reviewPost(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	u, ok := h.editorPost(w, r, p)
	if !ok {
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	ctx := r.Context()
	reason := r.PostForm.Get("reason")
	next := url.Values{"lang": {p.Lang}, "done": {action}}
	var err error
	switch action {
	case "approve":
		edit := app.DraftEdit{Donor: r.PostForm.Get("donor"), Date: r.PostForm.Get("date"), Amount: r.PostForm.Get("amount"),
			Currency: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("currency"))), Status: r.PostForm.Get("status"),
			Category: r.PostForm.Get("category"), Description: r.PostForm.Get("description"), Dataset: r.PostForm.Get("dataset")}
		var c fairshare.Contribution
		if c, err = h.app.ApproveDraft(ctx, id, edit, u, reason); err == nil {
			next.Set("contribution", c.ID)
		} else {
			h.reviewFormError(w, r, p, id, edit, reason, err)
			return
		}
	case "reject":
		err = h.app.RejectDraft(ctx, id, u, reason)
	case "reopen":
		err = h.app.ReopenDraft(ctx, id, u, reason)
		next.Set("state", "decided")
	default:
		h.notFound(w, r)
		return
	}
	if err != nil {
		dr, _, derr := h.app.Draft(ctx, id)
		if derr != nil || fairshare.ErrorCode(err) == fairshare.EINTERNAL {
			h.fail(w, r, p, err)
			return
		}
		edit := app.DraftEdit{Donor: dr.Donor, Date: dr.Date, Amount: dr.Amount, Currency: dr.Currency, Status: dr.Status,
			Category: dr.Category, Description: dr.Description, Dataset: "user"}
		h.reviewFormError(w, r, p, id, edit, reason, err)
		return
	}
	http.Redirect(w, r, "/review?"+next.Encode(), http.StatusSeeOther)
}

// reviewFormError shows the queue again with the refused draft's form as typed.
func (h *handler) reviewFormError(w http.ResponseWriter, r *http.Request, p *page, id string, edit app.DraftEdit, reason string, err error) {
	ctx := r.Context()
	dr, _, derr := h.app.Draft(ctx, id)
	if derr != nil || fairshare.ErrorCode(err) == fairshare.EINTERNAL {
		h.fail(w, r, p, err)
		return
	}
	ref, rerr := h.app.Reference(ctx)
	writable, werr := h.app.WritableDatasets(ctx)
	if rerr != nil || werr != nil {
		h.fail(w, r, p, err)
		return
	}
	v := &draftView{D: dr, Form: edit, Reason: reason, Error: err.Error()}
	if fe, ok := err.(*fairshare.Error); ok {
		v.ErrorField = fe.Field
	}
	if ferr := h.fillDraft(r, p, v, ref, writable); ferr != nil {
		h.fail(w, r, p, ferr)
		return
	}
	q := r.URL.Query()
	if dr.State != "pending" {
		q.Set("state", "decided")
	} else {
		q.Del("state")
	}
	r.URL.RawQuery = q.Encode()
	status := http.StatusBadRequest
	if fe, ok := err.(*fairshare.Error); ok && fe.Code != fairshare.EINVALID {
		status = statusOf(fe.Code)
	}
	h.renderReview(w, r, p, status, v)
}
