package web

import (
	"fmt"
	"html/template"
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
	m := newMapLayout(g, lang, rep, source, w)
	id := "map-" + rep.Target.ID
	if w < 560 {
		id += "-narrow"
	}
	c := chart.New(id, w, math.Ceil(m.top+m.mapH+10+footerHeight(w, m.foot)), T(lang, "map.title")+": "+m.title, m.sub)
	m.head(c)
	m.geo(c, g, lang, rep, 10, m.top, m.k)
	footer(c, m.foot, m.top+m.mapH+6)
	return c, nil
}

// MapHTML is the map for a page: its geography drawn once, scaling to any
// width (it holds no text), between a heading and legend and a source line
// laid out wide and narrow as the other charts are. The geography is most
// of the map's bytes: drawn twice it was two thirds of the overview.
func MapHTML(lang string, rep *fairshare.Report, source string) (template.HTML, error) {
	g, err := chart.LoadGeo()
	if err != nil {
		return "", err
	}
	var heads, foots [2]*chart.Chart
	var wide *mapLayout
	for i, w := range []float64{WideWidth, NarrowWidth} {
		m := newMapLayout(g, lang, rep, source, w)
		id := "map-" + rep.Target.ID
		if i == 1 {
			id += "-narrow"
		} else {
			wide = m
		}
		heads[i] = chart.New(id+"-head", w, math.Ceil(m.top), m.title, m.sub)
		m.head(heads[i])
		foots[i] = chart.New(id+"-foot", w, math.Ceil(10+footerHeight(w, m.foot)), m.foot, "")
		footer(foots[i], m.foot, 6)
	}
	geo := chart.New("map-"+rep.Target.ID+"-geo", WideWidth, math.Ceil(wide.mapH), T(lang, "map.title")+": "+wide.title, wide.sub)
	wide.geo(geo, g, lang, rep, 10, 0, wide.k)
	return Responsive(heads[0], heads[1]) + template.HTML(`<div class="map-geo">`+geo.SVG()+`</div>`) + Responsive(foots[0], foots[1]), nil
}

// mapLayout is where a map's parts go at one width.
type mapLayout struct {
	w, top, k, mapH  float64
	title, sub, foot string
	items            []legendItem
}

func newMapLayout(g *chart.Geo, lang string, rep *fairshare.Report, source string, w float64) *mapLayout {
	m := &mapLayout{w: w, title: TargetName(lang, rep.Target), sub: T(lang, "map.sub"), items: mapLegend(lang),
		foot: source + " " + T(lang, "map.geo")}
	m.top = 8 + headerHeight(w, m.title, m.sub) + legendHeight(m.items, w) + 12
	m.k = (w - 20) / g.Panels[0].W
	m.mapH = g.Panels[0].H * m.k
	return m
}

// head draws the heading and the legend.
func (m *mapLayout) head(c *chart.Chart) {
	y := header(c, m.title, m.sub, 8)
	legend(c, m.items, y+4)
}

// geo draws the countries with Europe's panel at (x0, top), scaled by k.
func (m *mapLayout) geo(c *chart.Chart, g *chart.Geo, lang string, rep *fairshare.Report, x0, top, k float64) {
	rows := map[string]*fairshare.Row{}
	for i := range rep.Rows {
		rows[rep.Rows[i].Donor] = &rep.Rows[i]
	}
	eu, na := g.Panels[0], g.Panels[1]
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
	draw(eu, x0, top, k)
	// Inset: North America in the Atlantic corner, framed.
	// The inset fills the Atlantic west of Iceland, at any width.
	iw := 0.3 * (m.w - 20)
	ik := iw / na.W
	ih := na.H * ik
	ix, iy := x0, top
	c.Rect(ix, iy, iw, ih, "#ffffff", "")
	draw(na, ix, iy, ik)
	for _, l := range [][4]float64{{ix, iy, ix + iw, iy}, {ix + iw, iy, ix + iw, iy + ih}, {ix, iy + ih, ix + iw, iy + ih}, {ix, iy, ix, iy + ih}} {
		c.Line(l[0], l[1], l[2], l[3], chart.Muted, 1, 0)
	}
}

// mapSourceNote is the geometry credit, for pages.
func mapSourceNote(lang string) string {
	g, err := chart.LoadGeo()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s: %s", T(lang, "chart.source"), g.Source)
}
