package web

import (
	"fmt"
	"html"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Charts are SVG written by hand in Go: they render without JavaScript, can
// be embedded in an article as a file, and are stable enough to golden-test.
// They use presentation attributes, not <style>, so a strict
// Content-Security-Policy does not strip their looks. Every text goes
// through esc.

const (
	colText    = "#1a1a1a"
	colMuted   = "#4d4d4d"
	colGrid    = "#c8c8c8"
	colTrack   = "#e6e6e6"
	colAbove   = "#1d6b3a" // at or above the fair share
	colBelow   = "#b3261e" // below it
	colNoData  = "#767676"
	fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
)

// seriesColours colour datasets in the monthly chart (all >= 4.5:1 on white).
var seriesColours = []string{"#1f4e99", "#8a4b08", "#5b2a86", "#0b6e69"}

func esc(s string) string { return html.EscapeString(s) }

type svg struct{ strings.Builder }

func (b *svg) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func (b *svg) open(w, h int, titleID, title, desc string) {
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s" font-family="%s" class="chart">`,
		w, h, w, h, titleID, esc(fontFamily))
	b.f("\n<title id=\"%s\">%s</title>\n<desc>%s</desc>\n", titleID, esc(title), esc(desc))
	b.f(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
}

func (b *svg) text(x, y float64, size int, fill, anchor, weight, s string) {
	extra := ""
	if anchor != "" && anchor != "start" {
		extra += ` text-anchor="` + anchor + `"`
	}
	if weight != "" {
		extra += ` font-weight="` + weight + `"`
	}
	b.f(`<text x="%.1f" y="%.1f" font-size="%d" fill="%s"%s>%s</text>`+"\n", x, y, size, fill, extra, esc(s))
}

// wrap splits s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > n {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
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
// is a marked line so that more than 100 % still reads at a glance.
func (b *svg) progressBar(lang string, rep *fairshare.Report, x0, x1, y float64) {
	r := ratioOf(rep.Counted, rep.Total)
	scale := math.Max(1, r)
	w := x1 - x0
	b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="%s"/>`+"\n", x0, y, w/scale, colTrack)
	col := colAbove
	if r < 1 {
		col = colBelow
	}
	b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="%s"/>`+"\n", x0, y, w*r/scale, col)
	tx := x0 + w/scale
	b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", tx, y-4, tx, y+22, colText)
	b.text(x0, y+38, 13, colText, "", "", ProgressText(lang, rep))
}

// ProgressSVG is the bar of the total counted against the target.
func ProgressSVG(lang string, rep *fairshare.Report) string {
	var b svg
	title := T(lang, "overview.progress")
	b.open(600, 64, "progress-title", title, ProgressText(lang, rep))
	b.progressBar(lang, rep, 10, 590, 6)
	b.f("</svg>\n")
	return b.String()
}

// RatioOptions choose the parts of the ratio chart.
type RatioOptions struct {
	Title    string // printed on top when not empty
	Progress bool   // the progress bar under the title
	Source   string // printed at the bottom when not empty
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
		name := r.Name
		if lang == "da" && r.NameDA != "" {
			name = r.NameDA
		}
		rows = append(rows, ratioRow{name: name, ratio: ratioOf(r.Counted, r.FairShare), noData: r.NoData, row: r})
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

// RatioSVG draws each ally's counted contributions as a share of its fair
// share, sorted by that ratio, so shortfalls stand out as short red bars.
func RatioSVG(lang string, rep *fairshare.Report, opt RatioOptions) string {
	rows := sortedByRatio(lang, rep)
	const (
		w      = 800
		labelW = 150.0
		x0     = 160.0
		x1     = 700.0
		rowH   = 20.0
	)
	maxR := 1.0
	for _, r := range rows {
		if !r.noData {
			maxR = math.Max(maxR, r.ratio)
		}
	}
	// Past 4x the bars would squeeze everyone else; longer ones are cut
	// and marked, their value still printed.
	scale := math.Min(4, math.Max(1.5, math.Ceil(maxR*2)/2))
	xOf := func(ratio float64) float64 { return x0 + (x1-x0)*math.Min(ratio, scale)/scale }

	y := 8.0
	var titleLines, sourceLines []string
	if opt.Title != "" {
		titleLines = wrap(opt.Title, 80)
		y += float64(len(titleLines))*22 + 4
	}
	subY := y + 8
	y = subY + 10
	progY := y
	if opt.Progress {
		y += 56
	}
	top := y + 16
	bottom := top + float64(len(rows))*rowH
	h := bottom + 28
	if opt.Source != "" {
		sourceLines = wrap(opt.Source, 120)
		h += float64(len(sourceLines))*14 + 6
	}
	title := opt.Title
	if title == "" {
		title = T(lang, "overview.chart")
	}
	var b svg
	b.open(w, int(math.Ceil(h)), "ratio-title-"+rep.Target.ID, title, T(lang, "chart.ratio.sub"))
	for i, l := range titleLines {
		b.text(10, 8+18+float64(i)*22, 17, colText, "", "bold", l)
	}
	b.text(10, subY, 12, colMuted, "", "", T(lang, "chart.ratio.sub"))
	if opt.Progress {
		b.progressBar(lang, rep, 10, w-10, progY+8)
	}
	// Grid and axis labels every 50 %.
	for t := 0.0; t <= scale+1e-9; t += 0.5 {
		x := xOf(t)
		if t == 1 {
			continue
		}
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`+"\n", x, top-4, x, bottom, colGrid)
		b.text(x, bottom+14, 11, colMuted, "middle", "", Pct(lang, t, 0))
	}
	for i, r := range rows {
		ry := top + float64(i)*rowH
		b.text(labelW, ry+13, 12, colText, "end", "", r.name)
		if r.noData {
			b.text(x0+4, ry+13, 12, colNoData, "", "", T(lang, "nodata"))
			continue
		}
		col := colAbove
		if r.ratio < 1 {
			col = colBelow
		}
		tip := fmt.Sprintf("%s: %s / %s", r.name, Money(lang, r.row.Counted, rep.Currency), Money(lang, r.row.FairShare, rep.Currency))
		bw := xOf(r.ratio) - x0
		b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="13" fill="%s"><title>%s</title></rect>`+"\n", x0, ry+3, bw, col, esc(tip))
		label := Pct(lang, r.ratio, 0)
		if r.ratio > scale {
			// Cut bar: a white notch shows it runs on.
			b.f(`<path d="M%.1f %.1fl-6 6.5l6 6.5z" fill="#ffffff"/>`+"\n", x1, ry+3)
			label = "› " + label
		}
		b.text(x1+8, ry+13, 12, colText, "", "", label)
	}
	x := xOf(1)
	b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`+"\n", x, top-6, x, bottom, colText)
	b.text(x, bottom+14, 11, colText, "middle", "bold", Pct(lang, 1, 0))
	for i, l := range sourceLines {
		b.text(10, bottom+36+float64(i)*14, 11, colMuted, "", "", l)
	}
	b.f("</svg>\n")
	return b.String()
}

// Series is one dataset's sums per month (key: year*12 + month - 1).
type Series struct {
	Label  string
	Months map[int]fairshare.Amount
}

// MonthlySVG draws monthly sums, one panel per dataset on a shared scale:
// side by side rather than stacked, because datasets overlap.
func MonthlySVG(lang, title, cur string, series []Series, source string) string {
	const (
		w      = 800
		x0     = 70.0
		x1     = 790.0
		panelH = 90.0
		gap    = 34.0
	)
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
	titleLines := wrap(title, 80)
	top := 8 + float64(len(titleLines))*22 + 22
	h := top + float64(len(series))*(panelH+gap) + 8
	sourceLines := wrap(source, 120)
	h += float64(len(sourceLines)) * 14
	var b svg
	b.open(w, int(math.Ceil(h)), "monthly-title", title, fmt.Sprintf(T(lang, "chart.monthly.unit"), cur))
	for i, l := range titleLines {
		b.text(10, 26+float64(i)*22, 17, colText, "", "bold", l)
	}
	b.text(10, top-10, 12, colMuted, "", "", fmt.Sprintf(T(lang, "chart.monthly.unit"), cur))
	bw := (x1 - x0) / float64(n)
	for si, s := range series {
		py := top + float64(si)*(panelH+gap) + 16
		base := py + panelH
		col := seriesColours[si%len(seriesColours)]
		b.text(x0, py-4, 13, col, "", "bold", s.Label)
		b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`+"\n", x0, base, x1, base, colMuted)
		if maxV > 0 {
			b.text(x0-6, py+10, 10, colMuted, "end", "", Money(lang, maxV, cur))
			b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" stroke-dasharray="2 3"/>`+"\n", x0, py+6, x1, py+6, colGrid)
		}
		b.text(x0-6, base, 10, colMuted, "end", "", "0")
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
			tip := MonthLabel(lang, m/12, time.Month(m%12+1)) + ": " + Money(lang, v, cur)
			b.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`+"\n",
				x+0.5, base-bh, math.Max(bw-1, 1), bh, col, esc(tip))
		}
		for m := lo; m <= hi; m += 12 {
			x := x0 + float64(m-lo)*bw
			b.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`+"\n", x, base, x, base+4, colMuted)
			b.text(x+2, base+15, 11, colMuted, "", "", fmt.Sprint(m/12))
		}
	}
	for i, l := range sourceLines {
		b.text(10, h-float64(len(sourceLines)-i)*14+6, 11, colMuted, "", "", l)
	}
	b.f("</svg>\n")
	return b.String()
}

// monthKey indexes a date's month.
func monthKey(d fairshare.Date) int { return d.Year()*12 + int(d.Month()) - 1 }

// weightPct formats a key weight as a percentage with two decimals.
func weightPct(lang string, w *big.Rat) string {
	if w == nil {
		return ""
	}
	f, _ := w.Float64()
	return Pct(lang, f, 2)
}
