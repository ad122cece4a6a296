package web

import (
	"fmt"
	"math"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/chart"
)

// mapBins is the map's diverging scale, centred on 100 % of the fair share:
// reds below it, greens above, pale next to it.
var mapBins = []struct {
	upTo   float64 // ratio below which a country falls in the bin
	colour string
}{
	{0.25, "#8c1d18"}, {0.5, "#c4463a"}, {0.75, "#e8877c"}, {1, "#f6c9c2"},
	{1.5, "#c6e3cc"}, {2, "#6fb583"}, {math.Inf(1), "#1d6b3a"},
}

const (
	colOther   = "#e4e4e4" // countries outside the target
	colBorder  = "#ffffff"
	colUkraine = "#d7e3f4"
)

func binColour(ratio float64) string {
	for _, b := range mapBins {
		if ratio < b.upTo {
			return b.colour
		}
	}
	return mapBins[len(mapBins)-1].colour
}

func mapLegend(lang string) []legendItem {
	var items []legendItem
	lo := 0.0
	for i, b := range mapBins {
		var label string
		switch {
		case i == 0:
			label = "< " + Pct(lang, b.upTo, 0)
		case math.IsInf(b.upTo, 1):
			label = "≥ " + Pct(lang, lo, 0)
		default:
			label = Pct(lang, lo, 0) + "–" + Pct(lang, b.upTo, 0)
		}
		items = append(items, legendItem{colour: b.colour, label: label})
		lo = b.upTo
	}
	return append(items, legendItem{hatch: true, label: T(lang, "nodata")}, legendItem{colour: colOther, label: T(lang, "map.other")})
}

// MapChart colours the allies by counted contributions as a share of
// their fair share; North America sits in an inset.
func MapChart(lang string, rep *fairshare.Report, source string, w float64) (*chart.Chart, error) {
	g, err := chart.LoadGeo()
	if err != nil {
		return nil, err
	}
	narrow := w < 560
	rows := map[string]*fairshare.Row{}
	for i := range rep.Rows {
		rows[rep.Rows[i].Donor] = &rep.Rows[i]
	}
	title := TargetName(lang, rep.Target)
	sub := T(lang, "map.sub")
	items := mapLegend(lang)
	top := 8 + headerHeight(w, title, sub) + legendHeight(items, w) + 12
	eu, na := g.Panels[0], g.Panels[1]
	k := (w - 20) / eu.W
	mapH := eu.H * k
	h := top + mapH + 10 + footerHeight(w, source+" "+T(lang, "map.geo"))
	id := "map-" + rep.Target.ID
	if narrow {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(h), T(lang, "map.title")+": "+title, sub)
	y := header(c, title, sub, 8)
	legend(c, items, y+4)
	draw := func(p chart.GeoPanel, x, y, k float64) {
		for _, gc := range p.Countries {
			rings := chart.Place(gc.Rings, x, y, k)
			r := rows[gc.Code]
			switch {
			case gc.Code == "UKR":
				c.Poly(rings, colUkraine, colBorder, 0.6, T(lang, "map.ukraine"))
			case r == nil:
				c.Poly(rings, colOther, colBorder, 0.6, "")
			case r.NoData:
				it := c.Poly(rings, "", "#ffffff", 0.6, ratioTip(lang, rep, r))
				it.Hatch, it.Data = true, r.Donor
			case r.FairShare == 0:
				it := c.Poly(rings, colOther, colBorder, 0.6, donorName(lang, r)+": "+T(lang, "optedout"))
				it.Data = r.Donor
			default:
				it := c.Poly(rings, binColour(ratioOf(r.Counted, r.FairShare)), colBorder, 0.6, ratioTip(lang, rep, r))
				it.Data = r.Donor
			}
		}
	}
	draw(eu, 10, top, k)
	// Inset: North America in the Atlantic corner, framed.
	// The inset fills the Atlantic west of Iceland, at any width.
	iw := 0.3 * (w - 20)
	ik := iw / na.W
	ih := na.H * ik
	ix, iy := 10.0, top
	c.Rect(ix, iy, iw, ih, "#ffffff", "")
	draw(na, ix, iy, ik)
	for _, l := range [][4]float64{{ix, iy, ix + iw, iy}, {ix + iw, iy, ix + iw, iy + ih}, {ix, iy + ih, ix + iw, iy + ih}, {ix, iy, ix, iy + ih}} {
		c.Line(l[0], l[1], l[2], l[3], chart.Muted, 1, 0)
	}
	footer(c, source+" "+T(lang, "map.geo"), top+mapH+6)
	return c, nil
}

// mapSourceNote is the geometry credit, for pages.
func mapSourceNote(lang string) string {
	g, err := chart.LoadGeo()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s: %s", T(lang, "chart.source"), g.Source)
}
