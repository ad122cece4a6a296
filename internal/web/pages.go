package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
)

type option struct {
	Value, Label string
	Selected     bool
}

func options(values, labels []string, selected string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: labels[i], Selected: v == selected}
	}
	return out
}

// TargetName is a target's name in lang.
func TargetName(lang string, t fairshare.Target) string {
	if n := targetNamesDA[t.ID]; lang == "da" && n != "" {
		return n
	}
	return t.Name
}

func donorName(lang string, r *fairshare.Row) string {
	if lang == "da" && r.NameDA != "" {
		return r.NameDA
	}
	return r.Name
}

// controls are the report settings every target page offers.
type controls struct {
	Targets, Currencies, Keys, Datasets []option
}

// preferredCurrencies come first in the currency list: DKK for Danish readers.
var preferredCurrencies = []string{"EUR", "DKK", "USD", "GBP", "NOK", "SEK", "PLN"}

func currencyOptions(ref *app.Reference, lang, selected string) []option {
	pref := preferredCurrencies
	if lang == "da" {
		pref = append([]string{"DKK"}, slices.DeleteFunc(slices.Clone(pref), func(s string) bool { return s == "DKK" })...)
	}
	var vals []string
	for _, c := range pref {
		if ref.Rates.Known(c) {
			vals = append(vals, c)
		}
	}
	for _, c := range ref.Rates.Currencies() {
		if !slices.Contains(vals, c) {
			vals = append(vals, c)
		}
	}
	return options(vals, vals, selected)
}

func (h *handler) controls(ctx context.Context, lang string, ref *app.Reference, req app.ReportRequest, rep *fairshare.Report) (controls, error) {
	var c controls
	var ids, names []string
	for _, t := range ref.Targets {
		ids, names = append(ids, t.ID), append(names, TargetName(lang, t))
	}
	c.Targets = options(ids, names, req.Target)
	c.Currencies = currencyOptions(ref, lang, rep.Currency)
	keys := []string{fairshare.KeyGDP, fairshare.KeyPopulation, fairshare.KeyEqual}
	var kl []string
	for _, k := range keys {
		kl = append(kl, T(lang, "key."+k))
	}
	c.Keys = options(keys, kl, rep.Key)
	dss, err := h.app.DatasetsWithData(ctx)
	if err != nil {
		return c, err
	}
	vals := append([]string{app.DefaultDatasets}, dss...)
	// What a warning names as left out can be chosen first, per donor.
	for _, lo := range rep.LeftOut {
		if v := lo + "," + app.DefaultDatasets; !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	if !slices.Contains(vals, rep.Datasets) {
		vals = append(vals, rep.Datasets)
	}
	c.Datasets = options(vals, datasetLabels(lang, vals), rep.Datasets)
	return c, nil
}

// sourceLine credits the data a report stands on, for charts.
func (h *handler) sourceLine(ctx context.Context, lang string, ref *app.Reference, rep *fairshare.Report) string {
	// Every dataset counted is named, described or not (such as "user").
	var parts []string
	for _, g := range strings.Split(rep.Datasets, ",") {
		for _, id := range strings.Split(g, "+") {
			if d, ok := ref.Dataset(id); ok && (d.Publisher != "" || d.Name != "") {
				who := Attribution(lang, d.Publisher)
				if who == "" {
					who = d.Name
				}
				parts = append(parts, fmt.Sprintf("%s (%s)", who, id))
			} else {
				parts = append(parts, id)
			}
		}
	}
	src := T(lang, "chart.source") + ": " + strings.Join(parts, ", ")
	if rep.Target.GDPRate == "" && rep.Key != fairshare.KeyEqual {
		pubs := map[string]bool{}
		if ind, err := h.app.Indicators(ctx); err == nil {
			for _, i := range ind {
				if i.Kind == rep.Key && i.Year == rep.KeyYear && i.Source.Publisher != "" {
					pubs[i.Source.Publisher] = true
				}
			}
		}
		names := make([]string, 0, len(pubs))
		for p := range pubs {
			names = append(names, p)
		}
		sort.Strings(names)
		src += fmt.Sprintf("; %s: %s %d", T(lang, "chart.key"), T(lang, "key."+rep.Key), rep.KeyYear)
		if len(names) > 0 {
			src += " (" + strings.Join(names, ", ") + ")"
		}
	}
	if p := rep.Target.Source.Publisher; p != "" {
		src += fmt.Sprintf("; %s: %s, %s", T(lang, "chart.target"), Attribution(lang, p), FormatDate(lang, dateOr(rep.Target.Source.Date)))
	}
	return src + fmt.Sprintf(". fairshare, %s %s.", T(lang, "chart.asof"), FormatTime(lang, rep.AsOf))
}

type rowView struct {
	Donor, Name, Link                                   string
	Weight, FairShare, Counted, Balance, Ratio, PctGDP  string
	Dataset                                             string
	SortWeight, SortFair, SortCounted, SortBal, SortRat string
	Below, NoData, OptedOut                             bool
}

func rowViews(p *page, rep *fairshare.Report, extra ...string) []rowView {
	lang, cur := p.Lang, rep.Currency
	var out []rowView
	for i := range rep.Rows {
		r := &rep.Rows[i]
		v := rowView{Donor: r.Donor, Name: donorName(lang, r), Link: p.Link("/donors/"+r.Donor, extra...),
			Weight: weightPct(lang, r.Weight), FairShare: Millions(lang, r.FairShare, cur),
			Counted: Millions(lang, r.Counted, cur), Balance: Millions(lang, r.Balance, cur),
			Dataset: r.Dataset, Below: r.Balance < 0, NoData: r.NoData, OptedOut: r.OptedOut,
			SortFair: r.FairShare.Format(cur), SortCounted: r.Counted.Format(cur), SortBal: r.Balance.Format(cur)}
		if r.Weight != nil {
			v.SortWeight = r.Weight.FloatString(8)
		}
		if r.Ratio != nil {
			f, _ := r.Ratio.Float64()
			v.Ratio, v.SortRat = Pct(lang, f, 0), r.Ratio.FloatString(6)
		}
		if r.PctGDP != nil {
			v.PctGDP = Pct(lang, r.PctGDP.Float64(), 2)
		}
		if r.NoData {
			v.Counted, v.Balance, v.Ratio, v.PctGDP, v.SortCounted, v.SortBal, v.SortRat = T(lang, "nodata"), "", "", "", "", "", ""
		}
		out = append(out, v)
	}
	return out
}

type card struct {
	Label, Value, Equiv, Note string
}

type publishedView struct {
	Text, URL string
}

type overviewData struct {
	LeftOut    string // warning: datasets with entries the report does not count
	Target     fairshare.Target
	Name       string
	Report     *fairshare.Report
	Controls   controls
	Cards      []card
	Progress   template.HTML
	Chart      template.HTML
	Rows       []rowView
	Unit       string
	Total      [2]string
	CSVURL     string
	SVGURL     string
	CompareURL string
	AsOf       string
	NoData     []string
	Published  []publishedView
	Hidden     []option // settings the form carries along
	Extra      *overviewExtra
}

// reportFor computes the report the URL asks for, defaulting the currency.
func (h *handler) reportFor(r *http.Request, target string) (app.ReportRequest, *fairshare.Report, error) {
	req, _, err := httpx.ParseReportRequest(target, r.URL.Query())
	if err != nil {
		return req, nil, err
	}
	rep, err := h.app.Report(r.Context(), req)
	return req, rep, err
}

func (h *handler) overview(r *http.Request, p *page) (string, error) {
	// A kept rendering was made without error under the same data.
	if h.cachedPage(r, p) {
		return "overview", nil
	}
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		return "", err
	}
	req, rep, err := h.reportFor(r, r.PathValue("target"))
	if err != nil {
		return "", err
	}
	full := rep
	rep, cut := toDate(rep)
	lang, cur := p.Lang, rep.Currency
	d := overviewData{Target: rep.Target, Name: TargetName(lang, rep.Target), Report: rep,
		Rows: rowViews(p, rep), Unit: MillionsUnit(lang, cur), AsOf: FormatTime(lang, rep.AsOf)}
	if d.Controls, err = h.controls(r.Context(), lang, ref, req, rep); err != nil {
		return "", err
	}
	d.Total = [2]string{Millions(lang, rep.Total, cur), Millions(lang, rep.Counted, cur)}
	if len(rep.LeftOut) > 0 {
		d.LeftOut = fmt.Sprintf(T(lang, "warn.leftout"), strings.Join(rep.LeftOut, ", "), rep.Datasets, rep.LeftOut[0]+","+rep.Datasets)
	}
	d.Cards = []card{
		{Label: T(lang, "card.target"), Value: Money(lang, rep.Total, cur)},
		{Label: T(lang, "card.counted"), Value: Money(lang, rep.Counted, cur), Note: Pct(lang, ratioOf(rep.Counted, rep.Total), 0) + " " + T(lang, "card.of")},
		{Label: T(lang, "card.shortfall"), Value: Money(lang, rep.Shortfall, cur)},
	}
	// Danish readers think in kroner: show them beside any other currency.
	if lang == "da" && cur != "DKK" {
		// Of the same ledger as the report: pinned to its time, which no
		// cache holds, so kept per version (any time under one version
		// gives the same sums).
		eq, err := fragment(h, p, fragKey("dkk", reportKey(req)), func() ([3]string, error) {
			dreq := req
			dreq.Currency = "DKK"
			dreq.AsOf = rep.AsOf
			dk, err := h.app.Report(r.Context(), dreq)
			if err != nil {
				return [3]string{}, err
			}
			return [3]string{"≈ " + Money(lang, dk.Total, "DKK"), "≈ " + Money(lang, dk.Counted, "DKK"), "≈ " + Money(lang, dk.Shortfall, "DKK")}, nil
		})
		if err == nil {
			d.Cards[0].Equiv, d.Cards[1].Equiv, d.Cards[2].Equiv = eq[0], eq[1], eq[2]
		}
	}
	if cut {
		d.Cards = h.toDateCards(r.Context(), lang, req, full, rep)
	}
	if d.Extra, err = h.overviewExtras(r, p, ref, req, full, rep, cut); err != nil {
		return "", err
	}
	api := url.Values{}
	for k, v := range map[string]string{"currency": req.Currency, "key": req.Key, "dataset": req.Datasets, "as_of": r.URL.Query().Get("as_of")} {
		if v != "" {
			api.Set(k, v)
		}
	}
	if req.KeyYear != 0 {
		api.Set("key_year", fmt.Sprint(req.KeyYear))
	}
	d.CSVURL = "/api/v1/reports/" + url.PathEscape(rep.Target.ID) + ".csv"
	if len(api) > 0 {
		d.CSVURL += "?" + api.Encode()
	}
	api.Set("lang", lang)
	d.SVGURL = "/charts/" + url.PathEscape(rep.Target.ID) + ".svg?" + api.Encode()
	d.CompareURL = p.Link("/compare/"+rep.Target.ID, "currency", req.Currency)
	for _, row := range rep.Rows {
		if row.NoData {
			d.NoData = append(d.NoData, donorName(lang, &row))
		}
	}
	for _, pt := range rep.Published {
		d.Published = append(d.Published, publishedView{Text: publishedText(lang, pt), URL: pt.URL})
	}
	if v := r.URL.Query().Get("as_of"); v != "" {
		d.Hidden = append(d.Hidden, option{Value: "as_of", Label: v})
	}
	p.Title, p.Nav, p.Data = d.Name, "overview", d
	return "overview", nil
}

// publishedText is one published aggregate in words.
func publishedText(lang string, pt fairshare.PublishedTotal) string {
	amt, err := fairshare.ParseAmount(pt.Amount, pt.Currency)
	money := pt.Currency + " " + pt.Amount
	if err == nil {
		money = Money(lang, amt, pt.Currency)
	}
	q := pt.Qualifier
	if lang == "da" {
		q = map[string]string{"over": "over", "about": "omkring"}[q]
	}
	if q != "" {
		money = q + " " + money
	}
	return fmt.Sprintf("%s: %s — %s, %s", PeriodLabel(lang, pt.Period), money, Attribution(lang, pt.Publisher), FormatDate(lang, dateOr(pt.Date)))
}

// dateOr parses a date from data, zero when it is not one.
func dateOr(s string) fairshare.Date {
	d, err := fairshare.ParseDate(s)
	if err != nil {
		return fairshare.Date{}
	}
	return d
}

// reportKey names a report request for the fragment cache; "" (a custom
// weighting) keeps nothing.
func reportKey(req app.ReportRequest) string {
	if req.CustomWeights != nil {
		return ""
	}
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00%s", req.Target, req.Currency, req.AsOf.UTC().Format(time.RFC3339Nano),
		req.Key, req.KeyYear, req.GDPYear, req.Datasets)
}
