package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/chart"
)

// The year as a story: counted giving added up month by month against the
// target spread evenly over its months (the pro-rata line), for all allies
// and for each ally.

// monthsShown is how many of the target's months the lines run through:
// those begun by the report's ledger time, and no further than the last
// month any counted dataset has figures for (a release that ends in April
// is not a stall in May).
func monthsShown(rep *fairshare.Report, mg *app.MonthlyGiving) int {
	at := rep.AsOf.Year()*12 + int(rep.AsOf.Month()) - 1
	n := max(0, min(at-mg.First+1, len(mg.Total)))
	for n > 0 && mg.Total[n-1] == 0 {
		n--
	}
	return n
}

func cumulative(ms []fairshare.Amount, upTo int) []fairshare.Amount {
	out := make([]fairshare.Amount, upTo)
	var s fairshare.Amount
	for i := 0; i < upTo && i < len(ms); i++ {
		s += ms[i]
		out[i] = s
	}
	return out
}

var monthsShortDA = [...]string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."}

func monthShort(lang string, m int) string {
	if lang == "da" {
		return monthsShortDA[m]
	}
	return time.Month(m + 1).String()[:3]
}

// TimelineChart is the cumulative counted giving of all allies by month
// against the target's pro-rata line.
//
// full is the whole target, rep the report shown (cut to date for a
// running target); the pro-rata line runs to the whole target.
func TimelineChart(lang string, full, rep *fairshare.Report, mg *app.MonthlyGiving, source string, w float64) *chart.Chart {
	narrow := w < 560
	cur := rep.Currency
	n := len(mg.Total)
	shown := monthsShown(rep, mg)
	cum := cumulative(mg.Total, shown)
	title := TargetName(lang, rep.Target)
	sub := fmt.Sprintf(T(lang, "timeline.sub"), cur)
	items := []legendItem{{colour: chart.Text, label: T(lang, "timeline.counted")}, {colour: chart.Muted, line: true, label: T(lang, "timeline.prorata")}}
	top := 8 + headerHeight(w, title, sub) + legendHeight(items, w) + 24
	plotH := 260.0
	if narrow {
		plotH = 220
	}
	x0, x1 := 70.0, w-16
	if narrow {
		x0 = 56
	}
	bottom := top + plotH
	h := bottom + 34 + footerHeight(w, source)
	id := "timeline-" + rep.Target.ID
	if narrow {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(h), T(lang, "timeline.title")+": "+title, sub)
	y := header(c, title, sub, 8)
	legend(c, items, y+4)
	maxV := float64(full.Total)
	for _, v := range cum {
		maxV = math.Max(maxV, float64(v))
	}
	step := niceStep(maxV, 4)
	top2 := math.Ceil(maxV/step) * step
	xOf := func(i float64) float64 { return x0 + (x1-x0)*i/float64(n) }
	yOf := func(v float64) float64 { return bottom - plotH*v/top2 }
	for v := 0.0; v <= top2+step/2; v += step {
		yy := yOf(v)
		c.Line(x0, yy, x1, yy, chart.Grid, 1, 0)
		c.Text(x0-6, yy+4, 11, chart.Muted, "end", false, tick(lang, fairshare.Amount(v), cur))
	}
	// Month ticks: quarters for a year, years for longer targets.
	every := 3
	if n > 24 {
		every = 12
	} else if narrow {
		every = 6
	}
	for i := 0; i <= n; i++ {
		m := mg.First + i
		if i%every != 0 && i != n {
			continue
		}
		x := xOf(float64(i))
		c.Line(x, bottom, x, bottom+4, chart.Muted, 1, 0)
		if i == n {
			continue
		}
		label := monthShort(lang, m%12)
		if every == 12 || m%12 == 0 || i == 0 {
			label += " " + fmt.Sprint(m/12)
		}
		if every == 12 {
			label = fmt.Sprint(m / 12)
		}
		c.Text(x, bottom+17, 11, chart.Muted, "middle", false, label)
	}
	c.Line(x0, bottom, x1, bottom, chart.Muted, 1, 0)
	c.Line(xOf(0), yOf(0), xOf(float64(n)), yOf(float64(full.Total)), chart.Muted, 1.5, 5)
	if shown > 0 {
		pts := []chart.Pt{{X: xOf(0), Y: yOf(0)}}
		for i, v := range cum {
			pts = append(pts, chart.Pt{X: xOf(float64(i + 1)), Y: yOf(float64(v))})
		}
		c.Polyline(pts, chart.Text, 2.5, 0)
		// The months' dots carry the tooltips.
		for i, v := range cum {
			m := mg.First + i
			due := fairshare.Amount(float64(full.Total) * float64(i+1) / float64(n))
			tip := fmt.Sprintf(T(lang, "timeline.tip"), MonthLabel(lang, m/12, time.Month(m%12+1)), Money(lang, v, cur), Money(lang, due, cur))
			c.Rect(xOf(float64(i+1))-3, yOf(float64(v))-3, 6, 6, chart.Text, tip)
		}
		last := cum[len(cum)-1]
		lx, ly := xOf(float64(shown)), yOf(float64(last))
		lines := []string{Money(lang, last, cur)}
		if shown < len(mg.Total) {
			// Up to and including the last month with figures.
			m := mg.First + shown - 1
			lines = append(lines, fmt.Sprintf(T(lang, "timeline.upto"), monthShort(lang, m%12)+" "+fmt.Sprint(m/12)))
		}
		wmax := 0.0
		for _, l := range lines {
			wmax = max(wmax, chart.TextWidth(l, 12*boldWidth))
		}
		anchor := ""
		if lx+8+wmax > x1 {
			anchor, lx = "end", lx-8
		} else {
			lx += 8
		}
		ly -= 8 + 15*float64(len(lines)-1)
		if anchor == "end" && lx-wmax < x0 {
			// No room beside the line's end: top left of the plot.
			anchor, lx, ly = "", x0+6, bottom-plotH+14
		}
		for i, l := range lines {
			c.Text(lx, ly+15*float64(i), 12, chart.Text, anchor, i == 0, l)
		}
	}
	footer(c, source, bottom+30)
	return c
}

// SmallMultiples draws one small cumulative chart per ally, in the order of
// the ratio chart, each on its own scale against its own fair share.
func SmallMultiples(lang string, full, rep *fairshare.Report, mg *app.MonthlyGiving, source string, w float64) *chart.Chart {
	fullShare := map[string]fairshare.Amount{}
	for _, r := range full.Rows {
		fullShare[r.Donor] = r.FairShare
	}
	narrow := w < 560
	cols := 4
	if narrow {
		cols = 2
	}
	rows := sortedByRatio(lang, rep)
	n := len(mg.Total)
	shown := monthsShown(rep, mg)
	sub := T(lang, "multiples.sub")
	items := []legendItem{{colour: chart.Above, label: T(lang, "legend.above")}, {colour: chart.Below, label: T(lang, "legend.below")},
		{colour: chart.Muted, line: true, label: T(lang, "multiples.share")}}
	title := T(lang, "multiples.title")
	top := 8 + headerHeight(w, title, sub) + legendHeight(items, w) + 10
	pw := (w - 20) / float64(cols)
	const ph = 96.0
	nr := (len(rows) + cols - 1) / cols
	h := top + float64(nr)*ph + 8 + footerHeight(w, source)
	id := "multiples-" + rep.Target.ID
	if narrow {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(h), title, sub)
	y := header(c, title, sub, 8)
	legend(c, items, y+4)
	for k, r := range rows {
		px := 10 + float64(k%cols)*pw
		py := top + float64(k/cols)*ph
		gx0, gx1, gy0, gy1 := px+4, px+pw-12, py+34, py+ph-10
		// A white panel under the marks carries the tooltip.
		c.Rect(px, py, pw, ph, chart.White, ratioTip(lang, rep, r.row))
		name := r.name
		if chart.TextWidth(name, 12) > pw-16 {
			name = r.row.Donor
		}
		c.Text(px+4, py+14, 12, chart.Text, "", true, name)
		c.Line(gx0, gy1, gx1, gy1, chart.Grid, 1, 0)
		if r.noData {
			c.Text(px+4, py+29, 11, chart.NoData, "", false, T(lang, "nodata"))
			continue
		}
		col := chart.Above
		if r.ratio < 1 {
			col = chart.Below
		}
		c.Text(px+4, py+29, 11, col, "", false, Pct(lang, r.ratio, 0)+" "+T(lang, "multiples.ofshare"))
		cum := cumulative(mg.ByDonor[r.row.Donor], shown)
		share := fullShare[r.row.Donor]
		maxV := float64(share)
		for _, v := range cum {
			maxV = math.Max(maxV, float64(v))
		}
		if maxV <= 0 {
			continue
		}
		xOf := func(i int) float64 { return gx0 + (gx1-gx0)*float64(i)/float64(n) }
		yOf := func(v float64) float64 { return gy1 - (gy1-gy0)*v/maxV }
		c.Line(xOf(0), yOf(0), xOf(n), yOf(float64(share)), chart.Muted, 1, 3)
		pts := []chart.Pt{{X: xOf(0), Y: yOf(0)}}
		for i, v := range cum {
			pts = append(pts, chart.Pt{X: xOf(i + 1), Y: yOf(float64(v))})
		}
		if len(pts) > 1 {
			c.Polyline(pts, col, 2, 0)
		}
	}
	footer(c, source, h-footerHeight(w, source)-4)
	return c
}

// tick writes an axis value shortly, its currency named in the subtitle:
// "10 mia." / "10 bn".
func tick(lang string, a fairshare.Amount, cur string) string {
	if a == 0 {
		return "0"
	}
	m := Money(lang, a, cur)
	m = strings.TrimSuffix(strings.TrimSuffix(m, "\u00a0"+currencyDA(cur)), "\u00a0"+cur)
	m = strings.TrimPrefix(m, cur+"\u00a0")
	for _, z := range []string{",0 ", ".0 "} {
		m = strings.Replace(m, z, " ", 1)
	}
	return m
}

// monthKey indexes a date's month.
func monthKey(d fairshare.Date) int { return d.Year()*12 + int(d.Month()) - 1 }
