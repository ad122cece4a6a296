package chart

import (
	"html"
	"strconv"
	"strings"
)

// SVG writes the chart as a standalone SVG element. It scales to the width
// of its container (viewBox, width 100 %); looks are presentation
// attributes, not <style>, so a strict Content-Security-Policy keeps them.
func (c *Chart) SVG() string {
	var b strings.Builder
	w := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
	}
	id := c.ID
	w(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `, num(c.W), " ", num(c.H), `" width="100%" role="img" aria-labelledby="`,
		esc(id), `-title" font-family="`, esc(FontFamily), `" class="chart" data-width="`, num(c.W), `">`, "\n")
	w(`<title id="`, esc(id), `-title">`, esc(c.Title), "</title>\n<desc>", esc(c.Desc), "</desc>\n")
	for _, it := range c.Items {
		if it.Hatch {
			w(`<defs><pattern id="`, esc(id), `-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">`,
				`<rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="`, NoData, `" stroke-width="1.5"/></pattern></defs>`, "\n")
			break
		}
	}
	w(`<rect x="0" y="0" width="`, num(c.W), `" height="`, num(c.H), `" fill="#ffffff"/>`, "\n")
	for _, it := range c.Items {
		fill := it.Fill
		if it.Hatch {
			fill = "url(#" + id + "-hatch)"
		}
		tip := ""
		if it.Tip != "" {
			tip = "<title>" + esc(it.Tip) + "</title>"
		}
		data := ""
		if it.Data != "" {
			data = ` data-name="` + esc(it.Data) + `"`
		}
		switch it.Kind {
		case KRect:
			w(`<rect x="`, num(it.X), `" y="`, num(it.Y), `" width="`, num(it.W), `" height="`, num(it.H), `" fill="`, esc(fill), `"`, data)
			if tip != "" {
				w(">", tip, "</rect>\n")
			} else {
				w("/>\n")
			}
		case KLine:
			w(`<line x1="`, num(it.X), `" y1="`, num(it.Y), `" x2="`, num(it.X2), `" y2="`, num(it.Y2), `" stroke="`, esc(it.Stroke),
				`" stroke-width="`, num(it.StrokeW), `"`)
			if it.Dash > 0 {
				w(` stroke-dasharray="`, num(it.Dash), " ", num(it.Dash*0.75), `"`)
			}
			w("/>\n")
		case KText:
			w(`<text x="`, num(it.X), `" y="`, num(it.Y), `" font-size="`, num(it.Size), `" fill="`, esc(it.Fill), `"`)
			if it.Anchor != "" {
				w(` text-anchor="`, it.Anchor, `"`)
			}
			if it.Bold {
				w(` font-weight="bold"`)
			}
			w(">", esc(it.Text), "</text>\n")
		case KPolyline:
			w(`<polyline points="`)
			for i, p := range it.Rings[0] {
				if i > 0 {
					w(" ")
				}
				w(num(p.X), ",", num(p.Y))
			}
			w(`" fill="none" stroke="`, esc(it.Stroke), `" stroke-width="`, num(it.StrokeW), `" stroke-linejoin="round"`)
			if it.Dash > 0 {
				w(` stroke-dasharray="`, num(it.Dash), " ", num(it.Dash*0.75), `"`)
			}
			w("/>\n")
		case KPoly:
			w(`<path d="`)
			for _, r := range it.Rings {
				for i, p := range r {
					if i == 0 {
						w("M")
					} else {
						w(" ")
					}
					w(num(p.X), ",", num(p.Y))
				}
				w("Z")
			}
			if fill == "" {
				fill = "none"
			}
			w(`" fill="`, esc(fill), `"`)
			if it.Stroke != "" {
				w(` stroke="`, esc(it.Stroke), `" stroke-width="`, num(it.StrokeW), `" stroke-linejoin="round"`)
			}
			w(data)
			if tip != "" {
				w(">", tip, "</path>\n")
			} else {
				w("/>\n")
			}
		}
	}
	w("</svg>\n")
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate with at most one decimal: tenths, rounded half
// away from zero, written as FormatFloat(tenths/10, 'f', -1) would but
// without its shortest-float search (a chart writes thousands of them).
func num(f float64) string {
	n := int64(f*10 + copysignHalf(f))
	if n >= 0 && n < 10 {
		return smallNums[n]
	}
	var buf [24]byte
	b := buf[:0]
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/10, 10)
	if d := n % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return string(b)
}

var smallNums = [10]string{"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}

func copysignHalf(f float64) float64 {
	if f < 0 {
		return -0.5
	}
	return 0.5
}
