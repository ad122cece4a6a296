package web

import (
	"fmt"
	"html/template"
	"math"
	"math/big"
	"sort"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/chart"
)

// Charts are built as chart models (internal/chart) in Go, then written as
// SVG for pages and embeds or rasterised to PNG: they render without
// JavaScript and are stable enough to golden-test. Each is laid out for the
// width it is shown at, so text stays at least 11 px on a phone.

const (
	// WideWidth and NarrowWidth are the two layouts: desktop and phone.
	WideWidth   = 800.0
	NarrowWidth = 340.0
)

// seriesColours colour datasets in the monthly chart (all >= 4.5:1 on white).
var seriesColours = []string{"#1f4e99", "#8a4b08", "#5b2a86", "#0b6e69"}

// Responsive puts a wide and a narrow layout of one chart on a page; the
// style sheet shows the one that fits.
func Responsive(wide, narrow *chart.Chart) template.HTML {
	return template.HTML(`<div class="chart-wide">` + wide.SVG() + `</div><div class="chart-narrow">` + narrow.SVG() + `</div>`)
}

func ratioOf(counted, target fairshare.Amount) float64 {
	if target == 0 {
		return 0
	}
	return float64(counted) / float64(target)
}

// ProgressText is the sentence under the progress bar.
func ProgressText(lang string, rep *fairshare.Report) string {
	return fmt.Sprintf(T(lang, "chart.progress"), Money(lang, rep.Counted, rep.Currency), Money(lang, rep.Total, rep.Currency),
		Pct(lang, ratioOf(rep.Counted, rep.Total), 0))
}

// progressBar draws the total counted against the target at y; the target
// is a marked line so that more than 100 % still reads at a glance. It
// returns the y below it.
func progressBar(c *chart.Chart, lang string, rep *fairshare.Report, x0, x1, y float64) float64 {
	r := ratioOf(rep.Counted, rep.Total)
	scale := math.Max(1, r)
	w := x1 - x0
	c.Rect(x0, y, w/scale, 18, chart.Track, "")
	col := chart.Above
	if r < 1 {
		col = chart.Below
	}
	c.Rect(x0, y, w*r/scale, 18, col, ProgressText(lang, rep))
	tx := x0 + w/scale
	c.Line(tx, y-4, tx, y+22, chart.Text, 2, 0)
	lines := chart.Wrap(ProgressText(lang, rep), x1-x0, 13)
	for i, l := range lines {
		c.Text(x0, y+38+float64(i)*17, 13, chart.Text, "", false, l)
	}
	return y + 38 + float64(len(lines)-1)*17 + 8
}

// ProgressChart is the bar of the total counted against the target.
func ProgressChart(lang string, rep *fairshare.Report, width float64) *chart.Chart {
	h := 64.0
	if len(chart.Wrap(ProgressText(lang, rep), width-20, 13)) > 1 {
		h += 17
	}
	c := chart.New(fmt.Sprintf("progress-%d", int(width)), width, h, T(lang, "overview.progress"), ProgressText(lang, rep))
	progressBar(c, lang, rep, 10, width-10, 6)
	return c
}

// ProgressSVG is the wide progress bar.
func ProgressSVG(lang string, rep *fairshare.Report) string {
	return ProgressChart(lang, rep, 600).SVG()
}

// RatioOptions choose the parts of the ratio chart.
type RatioOptions struct {
	Title    string  // printed on top when not empty
	Progress bool    // the progress bar under the title
	Source   string  // printed at the bottom when not empty
	Width    float64 // layout width; 0 is WideWidth
}

type ratioRow struct {
	name   string
	ratio  float64
	noData bool
	row    *fairshare.Row
}

// sortedByRatio orders allies by counted / fair share, highest first, those
// without data last (unknown is not zero).
func sortedByRatio(lang string, rep *fairshare.Report) []ratioRow {
	var rows []ratioRow
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.FairShare == 0 {
			continue
		}
		rows = append(rows, ratioRow{name: donorName(lang, r), ratio: ratioOf(r.Counted, r.FairShare), noData: r.NoData, row: r})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].noData != rows[j].noData {
			return !rows[i].noData
		}
		if rows[i].ratio != rows[j].ratio {
			return rows[i].ratio > rows[j].ratio
		}
		return rows[i].row.Donor < rows[j].row.Donor
	})
	return rows
}

// ratioTip is a bar's tooltip: every number labelled.
func ratioTip(lang string, rep *fairshare.Report, r *fairshare.Row) string {
	if r.NoData {
		return donorName(lang, r) + ": " + T(lang, "nodata")
	}
	return fmt.Sprintf(T(lang, "chart.tip"), donorName(lang, r), Money(lang, r.Counted, rep.Currency),
		Money(lang, r.FairShare, rep.Currency), Pct(lang, ratioOf(r.Counted, r.FairShare), 0))
}

// header writes a chart's title lines and subtitle from y and returns the y
// below them.
func header(c *chart.Chart, title, sub string, y float64) float64 {
	for _, l := range chart.Wrap(title, c.W-20, 17*boldWidth) {
		y += 22
		c.Text(10, y, 17, chart.Text, "", true, l)
	}
	for _, l := range chart.Wrap(sub, c.W-20, 12) {
		y += 17
		c.Text(10, y, 12, chart.Muted, "", false, l)
	}
	return y
}

// boldWidth widens the glyph estimate for bold titles.
const boldWidth = 1.15

// headerHeight is what header takes.
func headerHeight(width float64, title, sub string) float64 {
	return float64(len(chart.Wrap(title, width-20, 17*boldWidth)))*22 + float64(len(chart.Wrap(sub, width-20, 12)))*17
}

// legendItem is one key of a legend.
type legendItem struct {
	colour string
	hatch  bool
	line   bool // a dashed line rather than a swatch
	label  string
}

// legend writes items in rows that fit the chart's width and returns the
// y below it.
func legend(c *chart.Chart, items []legendItem, y float64) float64 {
	x := 10.0
	y += 16
	for _, it := range items {
		w := 22 + chart.TextWidth(it.label, 12)
		if x > 10 && x+w > c.W-10 {
			x, y = 10, y+20
		}
		switch {
		case it.line:
			c.Line(x, y-4, x+14, y-4, it.colour, 1.5, 4)
		default:
			sw := c.Rect(x, y-11, 14, 12, it.colour, "")
			sw.Hatch = it.hatch
		}
		c.Text(x+19, y, 12, chart.Text, "", false, it.label)
		x += w + 14
	}
	return y + 6
}

// legendHeight estimates legend's height for a width.
func legendHeight(items []legendItem, width float64) float64 {
	c := chart.New("", width, 0, "", "")
	return legend(c, items, 0)
}

// footer writes wrapped source lines from y and returns the y below them.
func footer(c *chart.Chart, source string, y float64) float64 {
	for _, l := range chart.Wrap(source, c.W-20, 11) {
		y += 15
		c.Text(10, y, 11, chart.Muted, "", false, l)
	}
	return y
}

func footerHeight(width float64, source string) float64 {
	if source == "" {
		return 0
	}
	return float64(len(chart.Wrap(source, width-20, 11)))*15 + 8
}

func ratioLegend(lang string, anyNoData bool) []legendItem {
	items := []legendItem{{colour: chart.Above, label: T(lang, "legend.above")}, {colour: chart.Below, label: T(lang, "legend.below")},
		{colour: chart.Text, line: true, label: T(lang, "legend.line")}}
	if anyNoData {
		items = append(items, legendItem{hatch: true, label: T(lang, "nodata")})
	}
	return items
}

// RatioChart draws each ally's counted contributions as a share of its fair
// share, sorted by that ratio, so shortfalls stand out as short red bars.
// Narrow layouts put the names above the bars.
func RatioChart(lang string, rep *fairshare.Report, opt RatioOptions) *chart.Chart {
	w := opt.Width
	if w == 0 {
		w = WideWidth
	}
	narrow := w < 560
	rows := sortedByRatio(lang, rep)
	anyNoData := false
	maxR := 1.0
	for _, r := range rows {
		if r.noData {
			anyNoData = true
		} else {
			maxR = math.Max(maxR, r.ratio)
		}
	}
	x0, x1, rowH, labelW := 160.0, w-100, 20.0, 150.0
	if narrow {
		x0, x1, rowH = 10, w-64, 34
		// Room on the right for "ingen data" / "no data" beside a hatched bar.
		if anyNoData {
			x1 = math.Min(x1, w-math.Ceil(chart.TextWidth(T(lang, "nodata"), 12)*1.1)-14)
		}
	}
	// Past 4x the bars would squeeze everyone else; longer ones are cut
	// and marked, their value still printed.
	scale := math.Min(4, math.Max(1.5, math.Ceil(maxR*2)/2))
	xOf := func(ratio float64) float64 { return x0 + (x1-x0)*math.Min(ratio, scale)/scale }
	sub := T(lang, "chart.ratio.sub")
	title := opt.Title
	if title == "" {
		title = T(lang, "overview.chart")
	}
	items := ratioLegend(lang, anyNoData)
	hh := 8.0
	if opt.Title != "" {
		hh += headerHeight(w, opt.Title, sub)
	} else {
		hh += headerHeight(w, "", sub)
	}
	progH := 0.0
	if opt.Progress {
		progH = 64
		if len(chart.Wrap(ProgressText(lang, rep), w-20, 13)) > 1 {
			progH += 17
		}
	}
	top := hh + progH + legendHeight(items, w) + 22
	bottom := top + float64(len(rows))*rowH
	h := bottom + 24 + footerHeight(w, opt.Source)
	id := "ratio-" + rep.Target.ID
	if narrow {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(h), title, sub)
	y := 8.0
	if opt.Title != "" {
		y = header(c, opt.Title, sub, y)
	} else {
		y = header(c, "", sub, y)
	}
	if opt.Progress {
		progressBar(c, lang, rep, 10, w-10, y+10)
		y += progH
	}
	legend(c, items, y)
	// Grid and axis labels every 50 % (every 100 % when narrow).
	step := 0.5
	if narrow && scale > 2 {
		step = 1
	}
	for t := 0.0; t <= scale+1e-9; t += step {
		x := xOf(t)
		if t == 1 {
			continue
		}
		// Narrow layouts draw the grid only beside the bars, not through
		// the names above them.
		if !narrow {
			c.Line(x, top-4, x, bottom, chart.Grid, 1, 0)
		}
		c.Text(x, bottom+14, 11, chart.Muted, "middle", false, Pct(lang, t, 0))
	}
	for i, r := range rows {
		ry := top + float64(i)*rowH
		by := ry + 3
		if narrow {
			by = ry + 17
			for t := 0.0; t <= scale+1e-9; t += step {
				if t != 1 {
					c.Line(xOf(t), by-3, xOf(t), by+16, chart.Grid, 1, 0)
				}
			}
			c.Line(xOf(1), by-3, xOf(1), by+16, chart.Text, 1.5, 3)
			c.Text(x0, ry+13, 13, chart.Text, "", false, r.name)
		} else {
			c.Text(labelW, ry+13, 12, chart.Text, "end", false, r.name)
		}
		tip := ratioTip(lang, rep, r.row)
		if r.noData {
			bar := c.Rect(x0, by, x1-x0, 13, "", tip)
			bar.Hatch = true
			bar.Data = r.row.Donor
			c.Text(x1+6, by+11, 12, chart.NoData, "", false, T(lang, "nodata"))
			continue
		}
		col := chart.Above
		if r.ratio < 1 {
			col = chart.Below
		}
		bar := c.Rect(x0, by, xOf(r.ratio)-x0, 13, col, tip)
		bar.Data = r.row.Donor
		label := Pct(lang, r.ratio, 0)
		if r.ratio > scale {
			// Cut bar: a white notch shows it runs on.
			c.Poly([][]chart.Pt{{{X: x1, Y: by}, {X: x1 - 6, Y: by + 6.5}, {X: x1, Y: by + 13}}}, chart.White, "", 0, "")
			label = "› " + label
		}
		c.Text(x1+6, by+11, 12, chart.Text, "", false, label)
	}
	x := xOf(1)
	if !narrow {
		c.Line(x, top-6, x, bottom, chart.Text, 1.5, 4)
	}
	c.Text(x, bottom+14, 11, chart.Text, "middle", true, Pct(lang, 1, 0))
	footer(c, opt.Source, bottom+24)
	return c
}

// RatioSVG is RatioChart as SVG.
func RatioSVG(lang string, rep *fairshare.Report, opt RatioOptions) string {
	return RatioChart(lang, rep, opt).SVG()
}

// Series is one dataset's sums per month (key: year*12 + month - 1).
type Series struct {
	Label  string
	Months map[int]fairshare.Amount
}

// MonthlyChart draws monthly sums, one panel per dataset on a shared scale:
// side by side rather than stacked, because datasets overlap.
func MonthlyChart(lang, title, cur string, series []Series, source string, w float64) *chart.Chart {
	narrow := w < 560
	const panelH, gap, labelSize = 90.0, 34.0, 13.0
	lo, hi := math.MaxInt, math.MinInt
	var maxV fairshare.Amount
	for _, s := range series {
		for m, v := range s.Months {
			lo, hi = min(lo, m), max(hi, m)
			maxV = max(maxV, v)
		}
	}
	if lo > hi {
		lo, hi = 0, 0
	}
	// Whole years read better than a ragged start and end.
	lo -= lo % 12
	hi += 11 - hi%12
	n := hi - lo + 1
	unit := fmt.Sprintf(T(lang, "chart.monthly.unit"), cur)
	// The y axis takes what its widest label needs, so "1,2 mia. EUR"
	// is not cut at the left edge of a phone-wide chart.
	maxLabel := ""
	if maxV > 0 {
		maxLabel = Money(lang, maxV, cur)
	}
	x0, x1 := math.Max(40, math.Ceil(chart.TextWidth(maxLabel, 11)*1.1)+16), w-10
	// Series titles wrap to the chart's width.
	labels := make([][]string, len(series))
	top := 8 + headerHeight(w, title, unit) + 12
	h := top + 8 + footerHeight(w, source)
	for si, s := range series {
		labels[si] = chart.Wrap(s.Label, w-20, labelSize*boldWidth)
		h += panelH + gap + float64(len(labels[si])-1)*17
	}
	id := "monthly"
	if narrow {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(h), title, unit)
	header(c, title, unit, 8)
	bw := (x1 - x0) / float64(n)
	yearStep := 1
	if narrow && n/12 > 4 {
		yearStep = 2
	}
	py := top + 16
	for si, s := range series {
		if si > 0 {
			py += panelH + gap
		}
		py += float64(len(labels[si])-1) * 17
		base := py + panelH
		col := seriesColours[si%len(seriesColours)]
		for li, l := range labels[si] {
			c.Text(10, py-4-float64(len(labels[si])-1-li)*17, labelSize, col, "", true, l)
		}
		c.Line(x0, base, x1, base, chart.Muted, 1, 0)
		if maxV > 0 {
			c.Text(x0-6, py+10, 11, chart.Muted, "end", false, maxLabel)
			c.Line(x0, py+6, x1, py+6, chart.Grid, 1, 2)
		}
		c.Text(x0-6, base, 11, chart.Muted, "end", false, "0")
		keys := make([]int, 0, len(s.Months))
		for m := range s.Months {
			keys = append(keys, m)
		}
		sort.Ints(keys)
		for _, m := range keys {
			v := s.Months[m]
			if v <= 0 || maxV <= 0 {
				continue
			}
			bh := (panelH - 6) * float64(v) / float64(maxV)
			x := x0 + float64(m-lo)*bw
			c.Rect(x+0.5, base-bh, math.Max(bw-1, 1), bh, col, MonthLabel(lang, m/12, time.Month(m%12+1))+": "+Money(lang, v, cur))
		}
		for m, k := lo, 0; m <= hi; m, k = m+12, k+1 {
			x := x0 + float64(m-lo)*bw
			c.Line(x, base, x, base+4, chart.Muted, 1, 0)
			if k%yearStep == 0 {
				c.Text(x+2, base+15, 11, chart.Muted, "", false, fmt.Sprint(m/12))
			}
		}
	}
	footer(c, source, h-footerHeight(w, source)-4)
	return c
}

// MonthlySVG is the wide MonthlyChart as SVG.
func MonthlySVG(lang, title, cur string, series []Series, source string) string {
	return MonthlyChart(lang, title, cur, series, source, WideWidth).SVG()
}

// weightPct formats a key weight as a percentage with two decimals.
func weightPct(lang string, w *big.Rat) string {
	if w == nil {
		return ""
	}
	f, _ := w.Float64()
	return Pct(lang, f, 2)
}

// niceStep picks an axis step of 1, 2, 2.5 or 5 times a power of ten that
// cuts max into about n parts.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
