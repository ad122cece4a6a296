package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/chart"
)

// Charts as files and embeds. Every chart of a target has a name:
//
//	nato-2024            allies by counted / fair share (with the progress bar)
//	nato-2024-monthly    counted giving month by month, cumulative
//	nato-2024-allies     the same for each ally (small multiples)
//	nato-2024-map        the allies on a map, by counted / fair share
//
// served as /charts/NAME.svg and /charts/NAME.png, and framed by other sites
// as /embed/NAME. The query (lang, currency, key, dataset, as_of) carries
// every setting, so a shared link shows what its sender saw.

// chartKinds are the name suffixes, longest match first.
var chartKinds = []string{"-monthly", "-allies", "-map"}

// splitChart reads "nato-2024-map" as target "nato-2024", kind "map".
func splitChart(name string) (target, kind string) {
	for _, k := range chartKinds {
		if t, ok := strings.CutSuffix(name, k); ok {
			return t, k[1:]
		}
	}
	return name, "ratio"
}

// settings are the query parameters a chart depends on, for its links.
var settings = []string{"lang", "currency", "key", "key_year", "dataset", "as_of"}

func keepSettings(q url.Values, lang string) string {
	out := url.Values{}
	for _, k := range settings {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	out.Set("lang", lang)
	return out.Encode()
}

// chartModel builds a named chart for req at a layout width.
func (h *handler) chartModel(ctx context.Context, r *http.Request, lang, name string, width float64) (*chart.Chart, error) {
	target, kind := splitChart(name)
	ref, err := h.app.Reference(ctx)
	if err != nil {
		return nil, err
	}
	req, rep, err := h.reportFor(r, target)
	if err != nil {
		return nil, err
	}
	full := rep
	rep, _ = toDate(rep)
	src := h.sourceLine(ctx, lang, ref, rep)
	switch kind {
	case "monthly", "allies":
		mg, err := h.app.ReportMonthly(ctx, withAsOf(req, rep))
		if err != nil {
			return nil, err
		}
		if kind == "monthly" {
			return TimelineChart(lang, full, rep, mg, src, width), nil
		}
		return SmallMultiples(lang, full, rep, mg, src, width), nil
	case "map":
		return MapChart(lang, rep, src, width)
	}
	return RatioChart(lang, rep, RatioOptions{Title: TargetName(lang, rep.Target), Progress: true, Source: src, Width: width}), nil
}

// withAsOf pins a request to its report's ledger time, so a second read
// sees the same ledger.
func withAsOf(req app.ReportRequest, rep *fairshare.Report) app.ReportRequest {
	req.AsOf = rep.AsOf
	if req.Currency == "" {
		req.Currency = rep.Currency
	}
	return req
}

// chartWidth reads ?width= (a phone layout is 360); default wide.
func chartWidth(r *http.Request) float64 {
	w, err := strconv.Atoi(r.URL.Query().Get("width"))
	if err != nil || w <= 0 {
		return WideWidth
	}
	return float64(min(max(w, 320), 1600))
}

// chartFile serves /charts/NAME.svg and /charts/NAME.png.
func (h *handler) chartFile(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	name, ext, _ := strings.Cut(file, ".")
	if ext != "svg" && ext != "png" {
		http.Error(w, "charts are .svg or .png files, e.g. /charts/nato-2024.svg", http.StatusNotFound)
		return
	}
	if _, kind := splitChart(name); kind == "ratio" && ext == "svg" && r.URL.Query().Get("width") == "" {
		h.chart(w, r) // cached
		return
	}
	lang, _ := ChooseLang(r)
	c, err := h.chartModel(r.Context(), r, lang, name, chartWidth(r))
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	if ext == "svg" {
		h.serveSVG(w, r, c.SVG())
		return
	}
	h.servePNG(w, r, c)
}

// servePNG rasterises a chart at twice its size, sharp on dense screens.
func (h *handler) servePNG(w http.ResponseWriter, r *http.Request, c *chart.Chart) {
	png, err := c.PNG(2)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	w.Header().Set("Vary", "Accept-Language")
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(png)
}

// embedBox is the code a newsroom copies to show a chart.
type embedBox struct {
	Kind, Title        string
	Code               string // iframe
	EmbedURL, SVG, PNG string
	Height             int
	Summary, CodeLabel string
	Open               string
}

func baseURL(r *http.Request, trustProxy bool) string {
	scheme := "http"
	if r.TLS != nil || (trustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

var embedHeights = map[string]int{"ratio": 980, "monthly": 560, "allies": 1100, "map": 820}

func (h *handler) embedFor(r *http.Request, lang, name, title string) embedBox {
	_, kind := splitChart(name)
	q := keepSettings(r.URL.Query(), lang)
	base := baseURL(r, h.opts.TrustProxy)
	b := embedBox{Kind: kind, Title: title, EmbedURL: base + "/embed/" + name + "?" + q,
		SVG: base + "/charts/" + name + ".svg?" + q, PNG: base + "/charts/" + name + ".png?" + q, Height: embedHeights[kind],
		Summary: T(lang, "embed.title"), CodeLabel: T(lang, "embed.code"), Open: T(lang, "embed.open")}
	b.Code = fmt.Sprintf(`<iframe src="%s" title="%s" width="100%%" height="%d" frameborder="0" loading="lazy"></iframe>`,
		template.HTMLEscapeString(b.EmbedURL), template.HTMLEscapeString(title), b.Height)
	return b
}

type embedData struct {
	Title, Note string
	Chart       template.HTML
	FullURL     string
	Methodology string
}

// embed serves /embed/NAME: the chart alone, in both layouts, made to be
// framed by any site (the only pages without frame-ancestors 'none').
func (h *handler) embed(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	name := r.PathValue("name")
	ctx := r.Context()
	wide, err := h.chartModel(ctx, r, p.Lang, name, WideWidth)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	narrow, err := h.chartModel(ctx, r, p.Lang, name, NarrowWidth)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	target, _ := splitChart(name)
	q := keepSettings(r.URL.Query(), p.Lang)
	p.Title = wide.Title
	p.Data = embedData{Title: wide.Title, Chart: Responsive(wide, narrow), FullURL: "/targets/" + url.PathEscape(target) + "?" + q,
		Methodology: "/methodology?lang=" + p.Lang}
	h.render(w, r, http.StatusOK, "embed", p)
}

// withDAPrefix serves /da/... as the same page in Danish: shorter to share
// than ?lang=da.
func withDAPrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/da" || strings.HasPrefix(r.URL.Path, "/da/") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/da"), "/")
			r2.URL.RawPath = ""
			q := r2.URL.Query()
			q.Set("lang", "da")
			r2.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r2)
			return
		}
		next.ServeHTTP(w, r)
	})
}
