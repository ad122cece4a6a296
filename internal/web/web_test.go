package web

import (
	"context"
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// newTestServer serves the dashboard and the API, as 'fairshare serve'
// does, over real HTTP from a fresh SQLite file.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	a, err := app.Open(context.Background(), filepath.Join(t.TempDir(), "fairshare.db"), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	mux := http.NewServeMux()
	mux.Handle("/api/", httpapi.NewServer(a, httpapi.Options{}))
	mux.Handle("/", NewHandler(a, Options{}))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func fetch(t *testing.T, ts *httptest.Server, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// Redirects are part of what is tested.
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// wellFormed checks that an SVG document is well-formed XML.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
}

// TestChartsGolden compares the standalone charts, at a fixed as_of, with
// testdata/*.golden. Run with -update after an intended change and review
// the diff (or open the files in a browser).
func TestChartsGolden(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct{ name, path string }{
		{"nato-2024-en", "/charts/nato-2024.svg?as_of=2025-06-30&lang=en"},
		{"nato-2024-da-dkk", "/charts/nato-2024.svg?as_of=2025-06-30&lang=da&currency=DKK"},
		{"nato-2024-population-en", "/charts/nato-2024.svg?as_of=2025-06-30&lang=en&key=population"},
		{"nato-fund-da", "/charts/nato-fund-2025-2029.svg?as_of=2025-06-30&lang=da"},
		{"donor-dnk-da", "/charts/donors/DNK.svg?as_of=2025-06-30&lang=da"},
		{"donor-usa-en", "/charts/donors/USA.svg?as_of=2025-06-30&lang=en&currency=USD"},
		{"nato-2024-narrow-da", "/charts/nato-2024.svg?as_of=2025-06-30&lang=da&width=340"},
		{"nato-2024-monthly-en", "/charts/nato-2024-monthly.svg?as_of=2025-06-30&lang=en"},
		{"nato-2024-allies-da", "/charts/nato-2024-allies.svg?as_of=2025-06-30&lang=da"},
		{"nato-2024-map-da", "/charts/nato-2024-map.svg?as_of=2025-06-30&lang=da"},
		{"nato-fund-monthly-da", "/charts/nato-fund-2025-2029-monthly.svg?as_of=2025-06-30&lang=da"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := fetch(t, ts, tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
				t.Errorf("Content-Type %q", ct)
			}
			wellFormed(t, body)
			if !strings.Contains(body, "fairshare,") {
				t.Error("no source line")
			}
			golden := filepath.Join("testdata", tt.name+".svg.golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/web -run TestChartsGolden -update)", err)
			}
			if body != string(want) {
				t.Errorf("%s differs from %s; run with -update if the change is intended\n%s", tt.path, golden, firstDiff(string(want), body))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

// TestChartEscapes feeds names and sources with markup into the charts.
func TestChartEscapes(t *testing.T) {
	evil := `<script>alert("x")</script> & 'co'`
	rep := &fairshare.Report{Target: fairshare.Target{ID: "t"}, Currency: "EUR", Total: 100_00, Counted: 50_00,
		Rows: []fairshare.Row{
			{Donor: "AAA", Name: evil, FairShare: 60_00, Counted: 10_00},
			{Donor: "BBB", Name: "B", FairShare: 40_00, Counted: 400_00},
			{Donor: "CCC", Name: "C", FairShare: 1_00, NoData: true},
		}}
	for _, svg := range []string{
		RatioSVG("en", rep, RatioOptions{Title: evil, Progress: true, Source: evil}),
		MonthlySVG("da", evil, "EUR", []Series{{Label: evil, Months: map[int]fairshare.Amount{2024 * 12: 5_00}}}, evil),
	} {
		wellFormed(t, svg)
		if strings.Contains(svg, "<script") || strings.Contains(svg, `"x"`) {
			t.Errorf("markup not escaped:\n%s", svg)
		}
		if !strings.Contains(svg, "&lt;script&gt;") {
			t.Error("escaped name missing")
		}
	}
}

func TestPages(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		path, accept string
		status       int
		want         []string
	}{
		{"/targets/nato-2024", "", 200, []string{`<html lang="en">`, "<svg", "<caption>", `scope="col"`, `scope="row"`,
			`href="/api/v1/reports/nato-2024.csv`, `/donors/DNK?lang=en`, "EUR\u00a0", " bn", "Read-only", `name="viewport"`, `hreflang="da"`}},
		{"/targets/nato-2024?lang=da", "", 200, []string{`<html lang="da">`, "mia.\u00a0", "kr.", "Du kan kun læse med", "Rimelig andel", `/donors/DNK?lang=da`, "Danmark"}},
		{"/targets/nato-2024", "da-DK,da;q=0.9,en;q=0.5", 200, []string{`<html lang="da">`, "Overblik"}},
		{"/targets/nato-2024?lang=en", "da", 200, []string{`<html lang="en">`}},
		{"/targets/nato-2024?currency=DKK&key=population&dataset=kiel-r29", "", 200, []string{"DKK m", `<option value="population" selected>`, "currency=DKK"}},
		{"/targets/nato-fund-2025-2029?lang=da", "", 200, []string{"Foreslået NATO-fond"}},
		{"/donors/DNK", "", 200, []string{`<h1 id="donor-name">Denmark`, "Giving per month", "<svg", "allowed", "Fair share under each key", "Population", `href="https://`, "format=csv"}},
		{"/donors/dnk?lang=da", "", 200, []string{"Danmark", "Bidrag måned for måned", "tilladt", "Befolkning", "24. august 1949"}},
		{"/compare/nato-2024", "", 200, []string{"Shares under each key", "Two datasets side by side", "not in dataset", "kiel-r29"}},
		{"/compare/nato-2024?a=dk-mod&b=kiel-r29%2Buser&lang=da", "", 200, []string{"Datasæt A", "ikke i datasættet"}},
		{"/fx", "", 200, []string{`<label for="fx-amount">`, "EUR\u00a0", "DKK", "Rate used"}},
		{"/fx?amount=100&from=EUR&to=DKK&date=2024-05-31&lang=da", "", 200, []string{"100,00 EUR = 746,06 DKK", "31. maj 2024", "Anvendt kurs"}},
		{"/fx?amount=abc&from=EUR&to=DKK", "", 200, []string{`role="alert"`, "not a decimal number"}},
		{"/fx?currency=USD&target=nato-2024", "", 200, []string{"USD\u00a0"}},
		{"/targets/nato-2099", "", 404, []string{`role="alert"`, "nato-2099"}},
		{"/donors/XXX", "", 404, []string{"XXX"}},
		{"/targets/nato-2024?as_of=garbage", "", 400, []string{"as_of"}},
		{"/no/such/page", "", 404, []string{"not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			resp, body := fetch(t, ts, tt.path, "Accept-Language", tt.accept)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP %q", csp)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			// No inline script or style: the CSP would block them.
			if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") {
				t.Error("inline script or style")
			}
		})
	}
}

func TestRedirectsAndStatic(t *testing.T) {
	ts := newTestServer(t)
	resp, _ := fetch(t, ts, "/?lang=da")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/targets/nato-2024?lang=da" {
		t.Errorf("/: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := fetch(t, ts, "/targets/nato-2024")
	for _, f := range []string{"app.css", "app.js", "favicon.svg"} {
		i := strings.Index(page, "/static/"+f+"?v=")
		if i < 0 {
			t.Fatalf("page does not link %s", f)
		}
		u := page[i:]
		u = u[:strings.IndexByte(u, '"')]
		resp, body := fetch(t, ts, u)
		if resp.StatusCode != 200 || len(body) == 0 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, %d bytes, Cache-Control %q", u, resp.StatusCode, len(body), resp.Header.Get("Cache-Control"))
		}
	}
	resp, _ = fetch(t, ts, "/static/nope.js")
	if resp.StatusCode != 404 {
		t.Errorf("missing static file: %d", resp.StatusCode)
	}
}
