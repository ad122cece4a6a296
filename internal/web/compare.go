package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
)

type keyCell struct{ Weight, Share, SortShare string }

type compareKeyRow struct {
	Donor, Name, Link string
	Cells             []keyCell
}

type compareDSRow struct {
	Donor, Name, Link, FairShare string
	A, B                         rowView
	CountsA, CountsB             string // the statuses each side counts
	Note                         string // when they differ
}

type compareData struct {
	Name        string
	Target      string
	Unit        string
	Keys        []string
	KeyErrors   []string
	KeyRows     []compareKeyRow
	A, B        string
	DSOptions   [2][]option
	Currencies  []option
	DSRows      []compareDSRow
	OverviewURL string
	XLSXURL     string // both tables as a workbook, with the page's settings
	DSError     string
	Notes       []string // rows whose two sides count different statuses
}

func (h *handler) compare(r *http.Request, p *page) (string, error) {
	ctx := r.Context()
	lang := p.Lang
	// A kept rendering was made without error under the same data.
	if h.cachedPage(r, p) {
		return "compare", nil
	}
	ref, err := h.app.Reference(ctx)
	if err != nil {
		return "", err
	}
	q := r.URL.Query()
	req, _, err := httpx.ParseReportRequest(r.PathValue("target"), q)
	if err != nil {
		return "", err
	}
	t, err := ref.Target(req.Target)
	if err != nil {
		return "", err
	}
	// Zero (now): reports and the grouped ledger come from what is kept of
	// the current ledger.
	asked := req.AsOf
	cur := req.Currency
	cd := compareData{Name: TargetName(lang, t), Target: t.ID, Unit: MillionsUnit(lang, cur),
		OverviewURL: p.Link("/targets/"+t.ID, "currency", cur)}

	// The same target under each key; rows in the order of the first report.
	idx := map[string]int{}
	for _, k := range []string{fairshare.KeyGDP, fairshare.KeyPopulation, fairshare.KeyEqual} {
		kreq := req
		kreq.Key = k
		rep, err := h.app.Report(ctx, kreq)
		if err != nil {
			cd.KeyErrors = append(cd.KeyErrors, T(lang, "key."+k)+": "+err.Error())
			continue
		}
		col := len(cd.Keys)
		cd.Keys = append(cd.Keys, capFirst(T(lang, "key."+k)))
		for i := range rep.Rows {
			row := &rep.Rows[i]
			j, ok := idx[row.Donor]
			if !ok {
				j = len(cd.KeyRows)
				idx[row.Donor] = j
				cd.KeyRows = append(cd.KeyRows, compareKeyRow{Donor: row.Donor, Name: donorName(lang, row), Link: p.Link("/donors/" + row.Donor)})
			}
			for len(cd.KeyRows[j].Cells) < col {
				cd.KeyRows[j].Cells = append(cd.KeyRows[j].Cells, keyCell{})
			}
			cd.KeyRows[j].Cells = append(cd.KeyRows[j].Cells, keyCell{Weight: weightPct(lang, row.Weight),
				Share: Millions(lang, row.FairShare, cur), SortShare: row.FairShare.Format(cur)})
		}
	}

	// Two datasets side by side, each counted alone.
	ids, err := h.app.DatasetsWithData(ctx)
	if err != nil {
		return "", err
	}
	ids = append(ids, "user", app.DefaultDatasets)
	cd.A, cd.B = q.Get("a"), q.Get("b")
	if cd.A == "" {
		cd.A = "kiel-r29"
	}
	if cd.B == "" {
		cd.B = "dk-mod"
	}
	for i, sel := range []string{cd.A, cd.B} {
		vals := slices.Clone(ids)
		if !slices.Contains(vals, sel) {
			vals = append(vals, sel)
		}
		cd.DSOptions[i] = options(vals, datasetLabels(lang, vals), sel)
	}
	cd.Currencies = currencyOptions(ref, lang, cur)
	// The comparison CLI and API give too (App.Compare): the same rule for
	// "has data" and the statuses each side counts.
	c, err := h.app.Compare(ctx, app.CompareRequest{Target: req.Target, Currency: cur, AsOf: asked, Key: req.Key, KeyYear: req.KeyYear, A: cd.A, B: cd.B})
	if err != nil {
		cd.DSError = err.Error()
	} else {
		a, b := rowViews(p, c.Reports[0]), rowViews(p, c.Reports[1])
		byDonor := [2]map[string]rowView{{}, {}}
		for i, vs := range [][]rowView{a, b} {
			for _, v := range vs {
				byDonor[i][v.Donor] = v
			}
		}
		for _, row := range c.Rows {
			ds := compareDSRow{Donor: row.Donor, Name: byDonor[0][row.Donor].Name, Link: byDonor[0][row.Donor].Link,
				FairShare: Millions(lang, row.FairShare, cur), A: byDonor[0][row.Donor], B: byDonor[1][row.Donor],
				CountsA: statusesText(lang, row.StatusesA), CountsB: statusesText(lang, row.StatusesB)}
			// A dataset without data for an ally (dk-mod covers Denmark
			// only) says nothing about it: show that, not a zero.
			for i, has := range []bool{row.HasA, row.HasB} {
				if !has {
					v := &[]*rowView{&ds.A, &ds.B}[i]
					(*v).NoData, (*v).Counted, (*v).Ratio, (*v).SortCounted, (*v).SortRat = true, T(lang, "notcovered"), "", "", ""
				}
			}
			if row.Note != "" {
				ds.Note = unlikeText(lang, c.A, c.B, row.StatusesA, row.StatusesB)
				cd.Notes = append(cd.Notes, ds.Name+": "+ds.Note)
			}
			cd.DSRows = append(cd.DSRows, ds)
		}
	}
	cd.XLSXURL = p.Link("/tables/compare/"+t.ID+".xlsx", "currency", cur, "a", cd.A, "b", cd.B, "as_of", q.Get("as_of"),
		"key", q.Get("key"), "key_year", q.Get("key_year"))
	p.Title, p.Nav, p.Data = T(lang, "compare.title")+": "+cd.Name, "compare", cd
	return "compare", nil
}

type fxData struct {
	Amount, From, To, Date string
	Currencies             []option
	FromOptions            []option
	ToOptions              []option
	Error                  string
	Result                 string
	ResultExact            string
	Rates                  []string
	Target                 string
	TargetOptions          []option
	TargetCurrency         string
	TargetCurOptions       []option
	Cards                  []card
	DenmarkRow             *rowView
	TargetLink             string
	TargetError            string
}

// quoteText says which rate a conversion used, in lang.
func quoteText(lang string, q fairshare.Quote) string {
	period := q.Period
	if d, err := fairshare.ParseDate(period); err == nil {
		period = FormatDate(lang, d)
	}
	return fmt.Sprintf("1 EUR = %s %s (%s %s)", Decimal(lang, q.Rate, decimalsOf(q.Text)), q.Currency, T(lang, "basis."+string(q.Basis)), period)
}

func decimalsOf(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

func (h *handler) fx(r *http.Request, p *page) (string, error) {
	ctx := r.Context()
	lang := p.Lang
	ref, err := h.app.Reference(ctx)
	if err != nil {
		return "", err
	}
	q := r.URL.Query()
	d := fxData{Amount: q.Get("amount"), From: strings.ToUpper(q.Get("from")), To: strings.ToUpper(q.Get("to")), Date: q.Get("date")}
	if d.Amount == "" {
		d.Amount = "40000000000"
	}
	if d.From == "" {
		d.From = "EUR"
	}
	if d.To == "" {
		d.To = "DKK"
	}
	d.FromOptions = currencyOptions(ref, lang, d.From)
	d.ToOptions = currencyOptions(ref, lang, d.To)
	var day fairshare.Date
	if d.Date != "" {
		if day, err = fairshare.ParseDate(d.Date); err != nil {
			d.Error = T(lang, "fx.date") + ": " + err.Error()
		}
	}
	if d.Error == "" {
		c, err := h.app.Convert(r.Context(), d.Amount, d.From, d.To, day)
		if err != nil {
			d.Error = err.Error()
		} else {
			from, _ := fairshare.ParseAmount(c.Amount, c.From)
			to, _ := fairshare.ParseAmount(c.Result, c.To)
			d.Result = Money(lang, from, c.From) + " = " + Money(lang, to, c.To)
			d.ResultExact = fmt.Sprintf("%s %s = %s %s (%s)", Exact(lang, from, c.From), c.From, Exact(lang, to, c.To), c.To, FormatDate(lang, dateOr(c.Date)))
			for _, qt := range c.Rates {
				d.Rates = append(d.Rates, quoteText(lang, qt))
			}
		}
	}

	// The target's figures in a currency of the reader's choice.
	d.Target = q.Get("target")
	if d.Target == "" {
		d.Target = DefaultTarget
	}
	d.TargetCurrency = strings.ToUpper(q.Get("currency"))
	if d.TargetCurrency == "" {
		d.TargetCurrency = "DKK"
	}
	var ids, names []string
	for _, t := range ref.Targets {
		ids, names = append(ids, t.ID), append(names, TargetName(lang, t))
	}
	d.TargetOptions = options(ids, names, d.Target)
	d.TargetCurOptions = currencyOptions(ref, lang, d.TargetCurrency)
	rep, err := h.app.Report(ctx, app.ReportRequest{Target: d.Target, Currency: d.TargetCurrency})
	if err != nil {
		d.TargetError = err.Error()
	} else {
		cur := rep.Currency
		d.Cards = []card{
			{Label: T(lang, "card.target"), Value: Money(lang, rep.Total, cur)},
			{Label: T(lang, "card.counted"), Value: Money(lang, rep.Counted, cur)},
			{Label: T(lang, "card.shortfall"), Value: Money(lang, rep.Shortfall, cur)},
		}
		for _, v := range rowViews(p, rep) {
			if v.Donor == "DNK" {
				v.FairShare = Money(lang, rep.Rows[indexOf(rep, "DNK")].FairShare, cur)
				v.Counted = Money(lang, rep.Rows[indexOf(rep, "DNK")].Counted, cur)
				d.DenmarkRow = &v
			}
		}
		d.TargetLink = p.Link("/targets/"+rep.Target.ID, "currency", cur)
	}
	p.Title, p.Nav, p.Data = T(lang, "fx.title"), "fx", d
	return "fx", nil
}

func indexOf(rep *fairshare.Report, donor string) int {
	for i := range rep.Rows {
		if rep.Rows[i].Donor == donor {
			return i
		}
	}
	return -1
}

// chart serves /charts/{target}.svg, the ratio chart with the progress bar,
// title and source line, to embed in an article.
func (h *handler) chart(w http.ResponseWriter, r *http.Request) {
	target, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok {
		http.Error(w, "charts are .svg files, e.g. /charts/nato-2024.svg", http.StatusNotFound)
		return
	}
	lang, _ := ChooseLang(r)
	// An embedded chart is asked for again and again: serve its rendering
	// while the ledger and reference data are unchanged. With both brought
	// up to date first, one kept for this version and the report's day (the
	// day asked for, or today) is the chart drawn now.
	key := lang + " " + r.URL.Path + "?" + r.URL.RawQuery
	if req, _, err := httpx.ParseReportRequest(target, r.URL.Query()); err == nil {
		at := req.AsOf
		if at.IsZero() {
			at = time.Now()
		}
		if v, err := h.app.CurrentVersion(r.Context()); err == nil {
			if e, ok := h.charts.Get(key, v, FormatTime(lang, at)); ok {
				h.serveEncodedSVG(w, r, e)
				return
			}
		}
	}
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	// The version is read before and after the report, so a write in
	// between is not cached.
	v0 := h.app.ReportVersion()
	_, rep, err := h.reportFor(r, target)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	version := ""
	if v1 := h.app.ReportVersion(); v0 == v1 {
		version = v1
	}
	day := FormatTime(lang, rep.AsOf)
	if e, ok := h.charts.Get(key, version, day); ok {
		h.serveEncodedSVG(w, r, e)
		return
	}
	svg := RatioSVG(lang, rep, RatioOptions{Title: TargetName(lang, rep.Target), Progress: true, Source: h.sourceLine(r.Context(), lang, ref, rep)})
	e := httpx.NewEncoded([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+svg), "")
	e.Gzipped()
	h.charts.Put(key, version, day, e)
	h.serveEncodedSVG(w, r, e)
}

// donorChart serves /charts/donors/{code}.svg, a donor's monthly giving.
func (h *handler) donorChart(w http.ResponseWriter, r *http.Request) {
	code, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if ext != "svg" && ext != "png" {
		http.Error(w, "charts are .svg or .png files, e.g. /charts/donors/DNK.svg", http.StatusNotFound)
		return
	}
	lang, _ := ChooseLang(r)
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	d, err := h.findDonor(ref, code)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	req, _, err := httpx.ParseReportRequest("", r.URL.Query())
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	c, _, err := h.monthlyModels(r.Context(), lang, ref, d, req.Currency, req.AsOf)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	if ext == "png" {
		h.servePNG(w, r, c)
		return
	}
	h.serveSVG(w, r, c.SVG())
}

func (h *handler) serveSVG(w http.ResponseWriter, r *http.Request, svg string) {
	h.serveEncodedSVG(w, r, httpx.NewEncoded([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+svg), ""))
}

func (h *handler) serveEncodedSVG(w http.ResponseWriter, r *http.Request, e httpx.Encoded) {
	w.Header().Set("Vary", "Accept-Language")
	cc := "no-cache"
	if r.URL.Query().Get("as_of") != "" {
		cc = "public, max-age=300"
	}
	httpx.ServeEncoded(w, r, "image/svg+xml; charset=utf-8", e, cc)
}

func (h *handler) chartError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(fairshare.ErrorCode(err))
	msg := err.Error()
	if status == http.StatusInternalServerError {
		h.log.Error("web: chart", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	http.Error(w, msg, status)
}

// statusesText lists statuses in lang, "-" for none.
func statusesText(lang string, ss []string) string {
	if len(ss) == 0 {
		return "-"
	}
	out := make([]string, len(ss))
	for i, st := range ss {
		out[i] = T(lang, "status."+st)
	}
	return strings.Join(out, ", ")
}

// statusNouns name what a status counts, in the plural: the note's words.
var statusNouns = map[string][2]string{
	"pledged":   {"pledges", "løfter"},
	"committed": {"commitments", "tilsagn"},
	"delivered": {"deliveries", "leverancer"},
}

func nounsText(lang string, ss []string) string {
	if len(ss) == 0 {
		return map[bool]string{false: "nothing", true: "intet"}[lang == "da"]
	}
	out := make([]string, len(ss))
	for i, st := range ss {
		n, ok := statusNouns[st]
		switch {
		case !ok:
			out[i] = st
		case lang == "da":
			out[i] = n[1]
		default:
			out[i] = n[0]
		}
	}
	if lang == "da" {
		return strings.Join(out, " og ")
	}
	return strings.Join(out, " and ")
}

// unlikeText says in lang that two sides count different statuses (the
// note App.Compare gives in English).
func unlikeText(lang, a, b string, sa, sb []string) string {
	tail := ""
	if slices.Contains(sa, "delivered") != slices.Contains(sb, "delivered") {
		tail = map[bool]string{false: "; a commitment is not a delivery", true: "; et tilsagn er ikke en levering"}[lang == "da"]
	}
	if lang == "da" {
		return fmt.Sprintf("Ikke sammenligneligt: %s tæller %s, %s tæller %s%s.", a, nounsText(lang, sa), b, nounsText(lang, sb), tail)
	}
	return fmt.Sprintf("Not like for like: %s counts %s, %s counts %s%s.", a, nounsText(lang, sa), b, nounsText(lang, sb), tail)
}
