package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
)

// fsderive map projects Natural Earth country outlines (as TopoJSON from the
// npm package world-atlas, which redistributes Natural Earth 4.1.0) for the
// allies' map: Europe in a Lambert azimuthal equal-area projection, North
// America in an inset, clipped to the frames and simplified so the embedded
// file stays a few hundred KB.
//
//	npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//	go run ./cmd/fsderive map -in package/countries-50m.json -out internal/chart/mapdata.json
func init() { commands["map"] = deriveMap }

// isoN3 maps the ISO 3166-1 numeric codes TopoJSON carries to the alpha-3
// codes fairshare names donors by: NATO's 32 allies and Ukraine.
var isoN3 = map[string]string{
	"008": "ALB", "056": "BEL", "100": "BGR", "124": "CAN", "191": "HRV", "203": "CZE", "208": "DNK", "233": "EST",
	"246": "FIN", "250": "FRA", "276": "DEU", "300": "GRC", "348": "HUN", "352": "ISL", "380": "ITA", "428": "LVA",
	"440": "LTU", "442": "LUX", "499": "MNE", "528": "NLD", "807": "MKD", "578": "NOR", "616": "POL", "620": "PRT",
	"642": "ROU", "703": "SVK", "705": "SVN", "724": "ESP", "752": "SWE", "792": "TUR", "826": "GBR", "840": "USA",
	"804": "UKR",
}

// panelSpec is one map frame: a projection centre and the lon/lat box it shows.
type panelSpec struct {
	ID                     string
	Lon0, Lat0             float64
	West, East, South, Nth float64
	Width                  float64 // frame width in units
}

var mapPanels = []panelSpec{
	{ID: "europe", Lon0: 15, Lat0: 53, West: -25, East: 45, South: 34, Nth: 71.5, Width: 1000},
	{ID: "north-america", Lon0: -100, Lat0: 52, West: -170, East: -52, South: 24, Nth: 75, Width: 1000},
}

type mapFile struct {
	Source     string     `json:"source"`
	License    string     `json:"license"`
	DerivedBy  string     `json:"derived_by"`
	Projection string     `json:"projection"`
	Units      string     `json:"units"`
	Panels     []mapPanel `json:"panels"`
}

type mapPanel struct {
	ID        string       `json:"id"`
	W         float64      `json:"w"`
	H         float64      `json:"h"`
	Countries []mapCountry `json:"countries"`
}

type mapCountry struct {
	Code  string  `json:"code,omitempty"` // alpha-3 for allies and Ukraine
	Name  string  `json:"name"`
	Rings [][]int `json:"rings"` // x, y pairs in tenths of a unit
}

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

func deriveMap(args []string) error {
	fs := flag.NewFlagSet("map", flag.ContinueOnError)
	in := fs.String("in", "", "world-atlas countries-50m.json (TopoJSON)")
	out := fs.String("out", "internal/chart/mapdata.json", "output file")
	tol := fs.Float64("tolerance", 0.7, "simplification tolerance in units (frames are 1000 wide)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("map: -in countries-50m.json is required (npm pack world-atlas)")
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	var topo topology
	if err := json.Unmarshal(b, &topo); err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	// Decode the delta-encoded, quantised arcs to degrees.
	arcs := make([][][2]float64, len(topo.Arcs))
	for i, a := range topo.Arcs {
		var x, y float64
		for _, p := range a {
			x, y = x+p[0], y+p[1]
			arcs[i] = append(arcs[i], [2]float64{x*topo.Transform.Scale[0] + topo.Transform.Translate[0], y*topo.Transform.Scale[1] + topo.Transform.Translate[1]})
		}
	}
	ring := func(idx []int) [][2]float64 {
		var pts [][2]float64
		for _, i := range idx {
			var a [][2]float64
			if i >= 0 {
				a = arcs[i]
			} else {
				src := arcs[^i]
				for k := len(src) - 1; k >= 0; k-- {
					a = append(a, src[k])
				}
			}
			if len(pts) > 0 {
				a = a[1:]
			}
			pts = append(pts, a...)
		}
		return pts
	}
	mf := mapFile{
		Source: "Natural Earth 1:50m Admin 0 country boundaries, version 4.1.0 (public domain, naturalearthdata.com), " +
			"as TopoJSON in the npm package world-atlas 2.0.2 (countries-50m.json, https://github.com/topojson/world-atlas)",
		License:    "Natural Earth: public domain. world-atlas: ISC licence; no code of it is used, only its redistribution of the data.",
		DerivedBy:  "go run ./cmd/fsderive map -in countries-50m.json",
		Projection: "Lambert azimuthal equal-area, spherical; Europe centred 15°E 53°N, North America centred 100°W 52°N; y down",
		Units:      "frames are 1000 units wide; ring coordinates are tenths of a unit, clipped to the frame and simplified",
	}
	for _, ps := range mapPanels {
		proj := laea(ps.Lon0, ps.Lat0)
		// The frame is the projected bounding box of the lon/lat box.
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for t := 0.0; t <= 1.0001; t += 0.01 {
			for _, ll := range [][2]float64{
				{ps.West + t*(ps.East-ps.West), ps.South}, {ps.West + t*(ps.East-ps.West), ps.Nth},
				{ps.West, ps.South + t*(ps.Nth-ps.South)}, {ps.East, ps.South + t*(ps.Nth-ps.South)}} {
				x, y := proj(ll[0], ll[1])
				minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
			}
		}
		k := ps.Width / (maxX - minX)
		p := mapPanel{ID: ps.ID, W: ps.Width, H: math.Round((maxY - minY) * k)}
		for _, g := range topo.Objects.Countries.Geometries {
			var polys [][][]int
			switch g.Type {
			case "Polygon":
				var pg [][]int
				if err := json.Unmarshal(g.Arcs, &pg); err != nil {
					return fmt.Errorf("%s: %s: %w", *in, g.Properties.Name, err)
				}
				polys = [][][]int{pg}
			case "MultiPolygon":
				if err := json.Unmarshal(g.Arcs, &polys); err != nil {
					return fmt.Errorf("%s: %s: %w", *in, g.Properties.Name, err)
				}
			default:
				continue
			}
			c := mapCountry{Code: isoN3[g.ID], Name: g.Properties.Name}
			for _, pg := range polys {
				for _, idx := range pg {
					var pts []xy
					for _, ll := range ring(idx) {
						x, y := proj(ll[0], ll[1])
						pts = append(pts, xy{(x - minX) * k, (y - minY) * k})
					}
					pts = clipRect(pts, 0, 0, p.W, p.H)
					pts = simplify(pts, *tol)
					if len(pts) < 3 || math.Abs(area(pts)) < 1.5 {
						continue
					}
					flat := make([]int, 0, 2*len(pts))
					for _, q := range pts {
						flat = append(flat, int(math.Round(q.x*10)), int(math.Round(q.y*10)))
					}
					c.Rings = append(c.Rings, flat)
				}
			}
			if len(c.Rings) > 0 {
				p.Countries = append(p.Countries, c)
			}
		}
		sort.Slice(p.Countries, func(i, j int) bool { return p.Countries[i].Name < p.Countries[j].Name })
		mf.Panels = append(mf.Panels, p)
	}
	data, err := json.Marshal(mf)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "map: wrote %s (%d bytes)\n", *out, len(data))
	return nil
}

type xy struct{ x, y float64 }

type projection func(lon, lat float64) (x, y float64)

// laea is the spherical Lambert azimuthal equal-area projection centred at
// lon0, lat0, with y pointing down (north up on screen).
func laea(lon0, lat0 float64) projection {
	r := math.Pi / 180
	s1, c1 := math.Sin(lat0*r), math.Cos(lat0*r)
	return func(lon, lat float64) (float64, float64) {
		s, c := math.Sin(lat*r), math.Cos(lat*r)
		cl := math.Cos((lon - lon0) * r)
		k := math.Sqrt(2 / (1 + s1*s + c1*c*cl))
		return k * c * math.Sin((lon-lon0)*r), -k * (c1*s - s1*c*cl)
	}
}

// clipRect clips a closed ring to a rectangle (Sutherland-Hodgman).
func clipRect(pts []xy, x0, y0, x1, y1 float64) []xy {
	edges := []struct {
		in  func(xy) bool
		cut func(a, b xy) xy
	}{
		{func(p xy) bool { return p.x >= x0 }, func(a, b xy) xy { return xy{x0, a.y + (b.y-a.y)*(x0-a.x)/(b.x-a.x)} }},
		{func(p xy) bool { return p.x <= x1 }, func(a, b xy) xy { return xy{x1, a.y + (b.y-a.y)*(x1-a.x)/(b.x-a.x)} }},
		{func(p xy) bool { return p.y >= y0 }, func(a, b xy) xy { return xy{a.x + (b.x-a.x)*(y0-a.y)/(b.y-a.y), y0} }},
		{func(p xy) bool { return p.y <= y1 }, func(a, b xy) xy { return xy{a.x + (b.x-a.x)*(y1-a.y)/(b.y-a.y), y1} }},
	}
	for _, e := range edges {
		if len(pts) == 0 {
			return nil
		}
		var out []xy
		prev := pts[len(pts)-1]
		for _, cur := range pts {
			switch {
			case e.in(cur) && !e.in(prev):
				out = append(out, e.cut(prev, cur), cur)
			case e.in(cur):
				out = append(out, cur)
			case e.in(prev):
				out = append(out, e.cut(prev, cur))
			}
			prev = cur
		}
		pts = out
	}
	return pts
}

// simplify drops points closer than tol to the line of their neighbours
// (Douglas-Peucker), keeping the ring closed.
func simplify(pts []xy, tol float64) []xy {
	if len(pts) < 4 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		best, bi := 0.0, -1
		for k := i + 1; k < j; k++ {
			if d := segDist(pts[k], pts[i], pts[j]); d > best {
				best, bi = d, k
			}
		}
		if best > tol {
			keep[bi] = true
			rec(i, bi)
			rec(bi, j)
		}
	}
	// Split the ring at its farthest point from the start so closed rings
	// do not collapse.
	far, fi := 0.0, 1
	for k := 1; k < len(pts); k++ {
		if d := math.Hypot(pts[k].x-pts[0].x, pts[k].y-pts[0].y); d > far {
			far, fi = d, k
		}
	}
	keep[fi] = true
	rec(0, fi)
	rec(fi, len(pts)-1)
	var out []xy
	for k, p := range pts {
		if keep[k] && (len(out) == 0 || p != out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}

func segDist(p, a, b xy) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

func area(pts []xy) float64 {
	s := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		s += pts[i].x*pts[j].y - pts[j].x*pts[i].y
	}
	return s / 2
}
