package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// PNG rasterises the chart at scale pixels per unit (2 suits high-density
// screens and print), in pure Go: golang.org/x/image/vector fills shapes
// and the Go fonts draw the text.
func (c *Chart) PNG(scale float64) ([]byte, error) {
	base, err := loadFonts()
	if err != nil {
		return nil, err
	}
	// Faces keep scratch buffers: one set per rendering, so renderings may
	// run at once.
	fonts := &fontSet{regular: base.regular, bold: base.bold, faces: map[[2]float64]font.Face{}}
	wpx, hpx := int(math.Ceil(c.W*scale)), int(math.Ceil(c.H*scale))
	img := image.NewRGBA(image.Rect(0, 0, wpx, hpx))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	r := &raster{img: img, s: scale}
	for _, it := range c.Items {
		switch it.Kind {
		case KRect:
			r.fill([][]Pt{{{it.X, it.Y}, {it.X + it.W, it.Y}, {it.X + it.W, it.Y + it.H}, {it.X, it.Y + it.H}}}, src(it))
		case KLine:
			r.line(it)
		case KPolyline:
			pts := it.Rings[0]
			for i := 1; i < len(pts); i++ {
				r.line(Item{X: pts[i-1].X, Y: pts[i-1].Y, X2: pts[i].X, Y2: pts[i].Y, Stroke: it.Stroke, StrokeW: it.StrokeW, Dash: it.Dash})
				if it.StrokeW > 1.5 {
					// Round joins: a dot at each corner.
					r.dot(pts[i], it.StrokeW/2, it.Stroke)
				}
			}
		case KPoly:
			if it.Fill != "" || it.Hatch {
				r.fill(it.Rings, src(it))
			}
			if it.Stroke != "" {
				for _, ring := range it.Rings {
					for i := range ring {
						p, q := ring[i], ring[(i+1)%len(ring)]
						r.line(Item{X: p.X, Y: p.Y, X2: q.X, Y2: q.Y, Stroke: it.Stroke, StrokeW: it.StrokeW})
					}
				}
			}
		case KText:
			if err := r.text(fonts, it); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

type raster struct {
	img *image.RGBA
	s   float64
	vr  vector.Rasterizer
}

func (r *raster) fill(rings [][]Pt, src image.Image) {
	// Rasterise only the shape's bounding box: a full-image pass per mark
	// would make charts of thousands of marks slow.
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, ring := range rings {
		for _, p := range ring {
			minX, minY = math.Min(minX, p.X*r.s), math.Min(minY, p.Y*r.s)
			maxX, maxY = math.Max(maxX, p.X*r.s), math.Max(maxY, p.Y*r.s)
		}
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(r.img.Bounds())
	if box.Empty() {
		return
	}
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	r.vr.Reset(box.Dx(), box.Dy())
	for _, ring := range rings {
		if len(ring) < 3 {
			continue
		}
		r.vr.MoveTo(float32(ring[0].X*r.s-ox), float32(ring[0].Y*r.s-oy))
		for _, p := range ring[1:] {
			r.vr.LineTo(float32(p.X*r.s-ox), float32(p.Y*r.s-oy))
		}
		r.vr.ClosePath()
	}
	r.vr.Draw(r.img, box, src, box.Min)
}

// line draws a stroke as a thin quadrilateral, dashes as several.
func (r *raster) line(it Item) {
	dx, dy := it.X2-it.X, it.Y2-it.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	ux, uy := dx/l, dy/l
	hw := math.Max(it.StrokeW, 0.5) / 2
	nx, ny := -uy*hw, ux*hw
	seg := func(a, b float64) {
		x1, y1, x2, y2 := it.X+ux*a, it.Y+uy*a, it.X+ux*b, it.Y+uy*b
		r.fill([][]Pt{{{x1 + nx, y1 + ny}, {x2 + nx, y2 + ny}, {x2 - nx, y2 - ny}, {x1 - nx, y1 - ny}}}, image.NewUniform(parse(it.Stroke)))
	}
	if it.Dash <= 0 {
		seg(0, l)
		return
	}
	for a := 0.0; a < l; a += it.Dash * 1.75 {
		seg(a, math.Min(a+it.Dash, l))
	}
}

func (r *raster) dot(p Pt, rad float64, col string) {
	var ring []Pt
	for a := 0.0; a < 2*math.Pi; a += math.Pi / 6 {
		ring = append(ring, Pt{p.X + rad*math.Cos(a), p.Y + rad*math.Sin(a)})
	}
	r.fill([][]Pt{ring}, image.NewUniform(parse(col)))
}

func (r *raster) text(f *fontSet, it Item) error {
	face, err := f.face(it.Size*r.s, it.Bold)
	if err != nil {
		return err
	}
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(parse(it.Fill)), Face: face}
	x := it.X * r.s
	switch it.Anchor {
	case "middle":
		x -= float64(d.MeasureString(it.Text)) / 64 / 2
	case "end":
		x -= float64(d.MeasureString(it.Text)) / 64
	}
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(it.Y * r.s * 64)}
	d.DrawString(it.Text)
	return nil
}

func src(it Item) image.Image {
	if it.Hatch {
		return hatch{}
	}
	return image.NewUniform(parse(it.Fill))
}

// hatch is the "no data" pattern: grey diagonals on light grey.
type hatch struct{}

func (hatch) ColorModel() color.Model { return color.RGBAModel }
func (hatch) Bounds() image.Rectangle {
	return image.Rect(-1<<20, -1<<20, 1<<20, 1<<20)
}
func (hatch) At(x, y int) color.Color {
	if ((x+y)%10+10)%10 < 3 {
		return parse(NoData)
	}
	return color.RGBA{0xf2, 0xf2, 0xf2, 0xff}
}

// parse reads "#rrggbb"; anything else is black.
func parse(s string) color.RGBA {
	if len(s) == 7 && s[0] == '#' {
		if v, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
		}
	}
	return color.RGBA{0, 0, 0, 0xff}
}

type fontSet struct {
	regular, bold *opentype.Font
	faces         map[[2]float64]font.Face
}

var (
	fontsOnce sync.Once
	fonts     *fontSet
	fontsErr  error
)

func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() {
		f := &fontSet{faces: map[[2]float64]font.Face{}}
		if f.regular, fontsErr = opentype.Parse(goregular.TTF); fontsErr != nil {
			return
		}
		if f.bold, fontsErr = opentype.Parse(gobold.TTF); fontsErr != nil {
			return
		}
		fonts = f
	})
	if fontsErr != nil {
		return nil, fmt.Errorf("chart: fonts: %w", fontsErr)
	}
	return fonts, nil
}

func (f *fontSet) face(px float64, bold bool) (font.Face, error) {
	k := [2]float64{px, 0}
	fnt := f.regular
	if bold {
		k[1], fnt = 1, f.bold
	}
	if fc, ok := f.faces[k]; ok {
		return fc, nil
	}
	// Go fonts run a little wider than system UI fonts: shrink slightly so
	// labels laid out for the SVG still fit.
	fc, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: px * 0.92, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	f.faces[k] = fc
	return fc, nil
}
