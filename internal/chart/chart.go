// Package chart holds a small drawing model for the dashboard's charts:
// rectangles, lines, polygons and text in a fixed coordinate space. One
// model is written out as SVG (for pages, embeds and downloads) and
// rasterised to PNG in pure Go, so both always show the same thing.
package chart

import (
	"math"
	"strings"
)

// Font sizes are in the model's units, which are CSS pixels when a chart is
// shown at its own width. Nothing is written smaller than MinFont, so a chart
// laid out for the width it is shown at stays readable.
const MinFont = 11

// Colours shared by the charts. Red and green are told apart by position
// and label too, never by colour alone.
const (
	Text   = "#1a1a1a"
	Muted  = "#4d4d4d"
	Grid   = "#c8c8c8"
	Track  = "#e6e6e6"
	Above  = "#1d6b3a" // at or above the fair share
	Below  = "#b3261e" // below it
	NoData = "#767676"
	White  = "#ffffff"
)

// FontFamily is what the SVG asks the reader's browser for; the PNG uses
// the Go fonts, whose widths are close.
const FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

// Kind is what an Item draws.
type Kind uint8

const (
	KRect Kind = iota
	KLine
	KText
	KPoly
	KPolyline
)

// Pt is a point in model units.
type Pt struct{ X, Y float64 }

// Item is one mark. Which fields count depends on Kind.
type Item struct {
	Kind       Kind
	X, Y, W, H float64 // rect; line from (X, Y) to (X2, Y2); text anchor point
	X2, Y2     float64
	Fill       string  // "" is none
	Stroke     string  // "" is none
	StrokeW    float64 // stroke width
	Dash       float64 // dash length for dashed lines; 0 is solid
	Size       float64 // font size
	Anchor     string  // "", "middle" or "end"
	Bold       bool
	Text       string
	Rings      [][]Pt // polygon rings (holes wound the other way)
	Hatch      bool   // fill with the "no data" hatching
	Tip        string // tooltip (SVG title)
	Data       string // value of a data-name attribute, for tests and scripts
}

// Chart is a drawing of W x H units.
type Chart struct {
	W, H        float64
	ID          string // unique on a page: prefixes the title and pattern ids
	Title, Desc string
	Items       []Item
}

// New starts a chart.
func New(id string, w, h float64, title, desc string) *Chart {
	return &Chart{ID: id, W: w, H: h, Title: title, Desc: desc}
}

// Rect adds a filled rectangle.
func (c *Chart) Rect(x, y, w, h float64, fill, tip string) *Item {
	c.Items = append(c.Items, Item{Kind: KRect, X: x, Y: y, W: math.Max(w, 0), H: math.Max(h, 0), Fill: fill, Tip: tip})
	return &c.Items[len(c.Items)-1]
}

// Line adds a line; dash > 0 makes it dashed.
func (c *Chart) Line(x1, y1, x2, y2 float64, stroke string, width, dash float64) {
	c.Items = append(c.Items, Item{Kind: KLine, X: x1, Y: y1, X2: x2, Y2: y2, Stroke: stroke, StrokeW: width, Dash: dash})
}

// Polyline adds an open line through pts.
func (c *Chart) Polyline(pts []Pt, stroke string, width, dash float64) {
	c.Items = append(c.Items, Item{Kind: KPolyline, Rings: [][]Pt{pts}, Stroke: stroke, StrokeW: width, Dash: dash})
}

// Text adds a line of text with its baseline at y.
func (c *Chart) Text(x, y, size float64, fill, anchor string, bold bool, s string) {
	c.Items = append(c.Items, Item{Kind: KText, X: x, Y: y, Size: math.Max(size, MinFont), Fill: fill, Anchor: anchor, Bold: bold, Text: s})
}

// Poly adds a filled polygon of one or more rings.
func (c *Chart) Poly(rings [][]Pt, fill, stroke string, width float64, tip string) *Item {
	c.Items = append(c.Items, Item{Kind: KPoly, Rings: rings, Fill: fill, Stroke: stroke, StrokeW: width, Tip: tip})
	return &c.Items[len(c.Items)-1]
}

// Wrap splits s into lines that fit width at the given font size, by an
// average glyph width (both renderers' fonts stay within it).
func Wrap(s string, width, size float64) []string {
	n := int(width / (size * 0.54))
	if n < 8 {
		n = 8
	}
	var lines []string
	line := ""
	// Split at plain spaces only: a no-break space ("103 %") holds.
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
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

// TextWidth estimates the width of s at size, as Wrap does.
func TextWidth(s string, size float64) float64 { return float64(len([]rune(s))) * size * 0.54 }
