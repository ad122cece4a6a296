package chart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

// mapdata.json is derived from Natural Earth by `fsderive map`; its header
// names the source and licence.
//
//go:embed mapdata.json
var mapData []byte

// Geo is the allies' map geometry: projected, clipped frames.
type Geo struct {
	Source  string     `json:"source"`
	License string     `json:"license"`
	Panels  []GeoPanel `json:"panels"`
}

// GeoPanel is one frame of W x H units.
type GeoPanel struct {
	ID        string       `json:"id"`
	W, H      float64      `json:"-"`
	RawW      float64      `json:"w"`
	RawH      float64      `json:"h"`
	Countries []GeoCountry `json:"countries"`
}

// GeoCountry is one country's rings in its frame's units.
type GeoCountry struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Raw   [][]int `json:"rings"`
	Rings [][]Pt  `json:"-"`
}

var (
	geoOnce sync.Once
	geo     *Geo
	geoErr  error
)

// LoadGeo parses the embedded map geometry once.
func LoadGeo() (*Geo, error) {
	geoOnce.Do(func() {
		var g Geo
		if geoErr = json.Unmarshal(mapData, &g); geoErr != nil {
			geoErr = fmt.Errorf("chart: map data: %w", geoErr)
			return
		}
		for i := range g.Panels {
			p := &g.Panels[i]
			p.W, p.H = p.RawW, p.RawH
			for j := range p.Countries {
				c := &p.Countries[j]
				for _, r := range c.Raw {
					ring := make([]Pt, 0, len(r)/2)
					for k := 0; k+1 < len(r); k += 2 {
						ring = append(ring, Pt{float64(r[k]) / 10, float64(r[k+1]) / 10})
					}
					c.Rings = append(c.Rings, ring)
				}
				c.Raw = nil
			}
		}
		geo = &g
	})
	return geo, geoErr
}

// Place maps a frame's rings into the box at (x, y) with scale k.
func Place(rings [][]Pt, x, y, k float64) [][]Pt {
	out := make([][]Pt, len(rings))
	for i, r := range rings {
		o := make([]Pt, len(r))
		for j, p := range r {
			o[j] = Pt{x + p.X*k, y + p.Y*k}
		}
		out[i] = o
	}
	return out
}
