package chart

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"strings"
	"testing"
)

func sample() *Chart {
	c := New("t", 200, 100, `Title <&> "x"`, "desc")
	c.Rect(10, 10, 50, 20, Above, `tip <b>`)
	c.Line(0, 50, 200, 50, Grid, 1, 3)
	c.Text(100, 80, 8, Text, "middle", true, "a < b & c")
	p := c.Poly([][]Pt{{{10, 60}, {60, 60}, {60, 90}}}, "", White, 1, "")
	p.Hatch = true
	c.Polyline([]Pt{{0, 0}, {50, 50}, {100, 0}}, Below, 2, 0)
	return c
}

func TestSVGWellFormedAndEscaped(t *testing.T) {
	s := sample().SVG()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
	for _, want := range []string{`viewBox="0 0 200 100"`, `width="100%"`, "a &lt; b &amp; c", `fill="url(#t-hatch)"`, `<pattern id="t-hatch"`, `stroke-dasharray="3 2.3"`} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Text is never drawn under MinFont.
	if !strings.Contains(s, `font-size="11"`) {
		t.Error("8 px text was not raised to 11")
	}
}

func TestPNG(t *testing.T) {
	b, err := sample().PNG(2)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 400 || r.Dy() != 200 {
		t.Errorf("size %v, want 400x200", r)
	}
	// The green rectangle is drawn where the model puts it.
	if r, g, b, _ := img.At(60, 40).RGBA(); r>>8 != 0x1d || g>>8 != 0x6b || b>>8 != 0x3a {
		t.Errorf("pixel at the rectangle is %x %x %x", r>>8, g>>8, b>>8)
	}
}

func TestGeo(t *testing.T) {
	g, err := LoadGeo()
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Panels) != 2 || !strings.Contains(g.Source, "Natural Earth") {
		t.Fatalf("%d panels, source %q", len(g.Panels), g.Source)
	}
	codes := map[string]bool{}
	for _, p := range g.Panels {
		for _, c := range p.Countries {
			if c.Code != "" {
				codes[c.Code] = true
			}
		}
	}
	// 32 allies and Ukraine.
	if len(codes) != 33 {
		t.Errorf("%d coded countries, want 33: %v", len(codes), codes)
	}
}

func BenchmarkPNG(b *testing.B) {
	c := sample()
	for b.Loop() {
		if _, err := c.PNG(2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSVG writes the map's geography, the largest chart on a page.
func BenchmarkSVG(b *testing.B) {
	g, err := LoadGeo()
	if err != nil {
		b.Fatal(err)
	}
	c := New("map", 800, 600, "map", "")
	for _, gc := range g.Panels[0].Countries {
		c.Poly(Place(gc.Rings, 10, 10, 780/g.Panels[0].W), "#e4e4e4", "#ffffff", 0.6, gc.Code)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.SVG()
	}
}
