package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// overviewExtra is what the overview shows beyond the table: the charts in
// both layouts with their embed codes, and for a running target the years.
type overviewExtra struct {
	Progress, Ratio, Timeline, Multiples, Map template.HTML
	Embeds                                    map[string]embedBox
	XLSXURL, CSVDAURL                         string
	Methodology, Datasets                     string
	Running                                   bool
	FullTarget                                string // the whole target, when running
	Years                                     []yearView
	MapNote                                   string
}

// overviewExtras builds the extras for a report; full is the report before
// toDate, rep the one the page shows.
func (h *handler) overviewExtras(r *http.Request, p *page, ref *app.Reference, req app.ReportRequest, full, rep *fairshare.Report, cutToDate bool) (*overviewExtra, error) {
	ctx := r.Context()
	lang := p.Lang
	src := h.sourceLine(ctx, lang, ref, rep)
	x := &overviewExtra{Running: cutToDate, Embeds: map[string]embedBox{},
		Methodology: p.Link("/methodology"), Datasets: p.Link("/datasets")}
	// The charts depend on the report (its request and version), the
	// language and the source line (which holds the report's date): drawn
	// once per version, they are most of the page's work.
	charts, err := fragment(h, p, fragKey("overview-charts", reportKey(req), src, fmt.Sprint(cutToDate)), func() ([5]template.HTML, error) {
		var cs [5]template.HTML
		cs[0] = Responsive(ProgressChart(lang, rep, 600), ProgressChart(lang, rep, NarrowWidth))
		cs[1] = Responsive(RatioChart(lang, rep, RatioOptions{Source: src}), RatioChart(lang, rep, RatioOptions{Source: src, Width: NarrowWidth}))
		mg, err := h.app.ReportMonthly(ctx, withAsOf(req, rep))
		if err != nil {
			return cs, err
		}
		cs[2] = Responsive(TimelineChart(lang, full, rep, mg, src, WideWidth), TimelineChart(lang, full, rep, mg, src, NarrowWidth))
		cs[3] = Responsive(SmallMultiples(lang, full, rep, mg, src, WideWidth), SmallMultiples(lang, full, rep, mg, src, NarrowWidth))
		cs[4], err = MapHTML(lang, rep, src)
		return cs, err
	})
	if err != nil {
		return nil, err
	}
	x.Progress, x.Ratio, x.Timeline, x.Multiples, x.Map = charts[0], charts[1], charts[2], charts[3], charts[4]
	x.MapNote = mapSourceNote(lang)
	id := rep.Target.ID
	name := TargetName(lang, rep.Target)
	for kind, suffix := range map[string]string{"ratio": "", "monthly": "-monthly", "allies": "-allies", "map": "-map"} {
		x.Embeds[kind] = h.embedFor(r, lang, id+suffix, name)
	}
	q := url.Values{}
	for _, k := range settings {
		if v := r.URL.Query().Get(k); v != "" && k != "lang" {
			q.Set(k, v)
		}
	}
	q.Set("lang", lang)
	x.XLSXURL = "/tables/" + url.PathEscape(id) + ".xlsx?" + q.Encode()
	x.CSVDAURL = "/tables/" + url.PathEscape(id) + ".csv?" + q.Encode()
	if cutToDate {
		x.FullTarget = Money(lang, full.Total, full.Currency)
		x.Years = yearViews(lang, full)
	}
	return x, nil
}

// toDateCards relabels the overview's cards for a running target, with
// kroner beside another currency for Danish readers.
func (h *handler) toDateCards(ctx context.Context, lang string, req app.ReportRequest, full, rep *fairshare.Report) []card {
	cur := rep.Currency
	cards := []card{
		{Label: T(lang, "card.target.whole"), Value: Money(lang, full.Total, cur)},
		{Label: T(lang, "card.due"), Value: Money(lang, rep.Total, cur)},
		{Label: T(lang, "card.counted.todate"), Value: Money(lang, rep.Counted, cur), Note: Pct(lang, ratioOf(rep.Counted, rep.Total), 0) + " " + T(lang, "card.of.due")},
		{Label: T(lang, "card.shortfall.todate"), Value: Money(lang, rep.Shortfall, cur)},
	}
	if lang == "da" && cur != "DKK" {
		dreq := req
		dreq.Currency, dreq.AsOf = "DKK", rep.AsOf
		if dkFull, err := h.app.Report(ctx, dreq); err == nil {
			dk, _ := toDate(dkFull)
			for i, a := range []fairshare.Amount{dkFull.Total, dk.Total, dk.Counted, dk.Shortfall} {
				cards[i].Equiv = "≈ " + Money(lang, a, "DKK")
			}
		}
	}
	return cards
}
