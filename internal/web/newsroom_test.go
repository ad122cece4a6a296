package web

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fairshare/fairshare"
)

// TestChartFilesAndEmbeds: every chart answers as SVG and PNG; only
// /embed/ pages may be framed by other sites.
func TestChartFilesAndEmbeds(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{
		"/charts/nato-2024.png", "/charts/nato-2024-monthly.svg", "/charts/nato-2024-map.svg", "/charts/nato-2024-allies.png",
		"/charts/nato-2024-map.png?lang=da", "/charts/nato-fund-2025-2029-monthly.png", "/charts/nato-2024.svg?width=340", "/charts/donors/DNK.png?lang=da",
	} {
		resp, body := fetch(t, ts, path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
			continue
		}
		if strings.Contains(path, ".png") {
			img, err := png.Decode(strings.NewReader(body))
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if w := img.Bounds().Dx(); w != 1600 {
				t.Errorf("%s: %d px wide, want 1600 (800 at 2x)", path, w)
			}
		} else {
			wellFormed(t, body)
		}
	}
	for _, path := range []string{"/embed/nato-2024", "/embed/nato-2024-monthly?lang=da", "/embed/nato-2024-map", "/embed/nato-2024-allies"} {
		resp, body := fetch(t, ts, path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
			continue
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "" || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q, X-Frame-Options %q", path, csp, resp.Header.Get("X-Frame-Options"))
		}
		if !strings.Contains(body, `class="chart-narrow"`) {
			t.Errorf("%s: no phone layout", path)
		}
	}
	for _, path := range []string{"/targets/nato-2024", "/methodology", "/datasets", "/datasets/kiel-r29", "/da/targets/nato-2024", "/embedx/nato-2024"} {
		resp, _ := fetch(t, ts, path)
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q, want frame-ancestors 'none'", path, csp)
		}
	}
	if resp, _ := fetch(t, ts, "/embed/no-such-target"); resp.StatusCode != 404 {
		t.Errorf("unknown embed: %d", resp.StatusCode)
	}
}

func TestMethodologyAndDatasets(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		path string
		want []string
	}{
		{"/methodology?lang=en", []string{"What is counted", "Zero versus no data", "How to cite", "GDP 2023"}},
		{"/methodology?lang=da", []string{"Hvad tælles med", "Nul eller ingen data", "Sådan citerer du", "BNP 2023"}},
		{"/da/methodology", []string{"Hvad tælles med"}},
		{"/datasets?lang=en", []string{"kiel-r29", "dk-mod", "nato-reported"}},
		{"/datasets?lang=da", []string{"Forsvarsministeriets donationspakker", "egne registreringer"}},
		{"/datasets/kiel-r29?lang=en", []string{"Coverage", "Published totals against ours", "Licence"}},
		{"/datasets/kiel-r29?lang=da", []string{"Dækning", "Udgiverens egne totaler over for vores", "kun på engelsk"}},
		{"/datasets/user?lang=da", []string{"egne registreringer"}},
	}
	for _, tt := range tests {
		resp, body := fetch(t, ts, tt.path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", tt.path, resp.StatusCode)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tt.path, w)
			}
		}
	}
	if resp, _ := fetch(t, ts, "/datasets/nope?lang=da"); resp.StatusCode != 404 {
		t.Errorf("unknown dataset: %d", resp.StatusCode)
	}
}

func TestDanishDownloads(t *testing.T) {
	ts := newTestServer(t)
	resp, body := fetch(t, ts, "/api/v1/reports/nato-2024?format=csv&lang=da&as_of=2025-06-30")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(body, "\ufeffLandekode;Allieret;Vægt (%);Rimelig andel (mio. EUR)") {
		t.Errorf("Danish CSV starts %q", body[:min(80, len(body))])
	}
	dnk := ""
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "DNK;") {
			dnk = l
		}
	}
	if f := strings.Split(dnk, ";"); len(f) < 8 || !strings.Contains(f[3], ",") || strings.Contains(f[3], ".") {
		t.Errorf("DNK row %q: want decimal commas", dnk)
	}
	if resp, _ := fetch(t, ts, "/api/v1/reports/nato-2024?format=csv&lang=sv"); resp.StatusCode != 400 {
		t.Errorf("lang=sv: %d", resp.StatusCode)
	}
	// The stable CSV is unchanged without lang.
	if _, body := fetch(t, ts, "/api/v1/reports/nato-2024.csv"); !strings.HasPrefix(body, "donor,name,weight") {
		t.Errorf("plain CSV starts %q", body[:min(40, len(body))])
	}
	resp, body = fetch(t, ts, "/tables/nato-2024.xlsx?lang=da&as_of=2025-06-30")
	if resp.StatusCode != 200 {
		t.Fatalf("xlsx: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) < 35 {
		t.Fatalf("xlsx rows %d (%v)", len(rows), err)
	}
	if rows[3][3] != "Rimelig andel (mio. EUR)" {
		t.Errorf("xlsx header %q", rows[3])
	}
	// A running target adds its years; a donor's contributions have their own.
	for _, path := range []string{"/tables/nato-fund-2025-2029.xlsx?lang=en", "/tables/donors/DNK.xlsx?lang=da"} {
		resp, body := fetch(t, ts, path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if strings.Contains(path, "fund") && len(f.GetSheetList()) != 2 {
			t.Errorf("%s: sheets %v, want the report and its years", path, f.GetSheetList())
		}
		if rows, _ := f.GetRows("Sheet1"); len(rows) < 5 {
			t.Errorf("%s: %d rows", path, len(rows))
		}
	}
	// The compare page's two tables, linked from the page with its settings.
	_, page := fetch(t, ts, "/compare/nato-2024?lang=da&a=kiel-r29&b=dk-mod&currency=DKK")
	if !strings.Contains(page, `href="/tables/compare/nato-2024.xlsx?a=kiel-r29&amp;b=dk-mod&amp;currency=DKK&amp;lang=da"`) {
		t.Errorf("compare page lacks its XLSX link")
	}
	resp, body = fetch(t, ts, "/tables/compare/nato-2024.xlsx?lang=da&a=kiel-r29&b=dk-mod")
	if resp.StatusCode != 200 {
		t.Fatalf("compare xlsx: %d %s", resp.StatusCode, body)
	}
	f, err = excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 {
		t.Fatalf("compare xlsx sheets %v, want keys and datasets", got)
	}
	for _, tc := range []struct {
		sheet string
		cell  [2]int
		want  string
	}{
		{"Sheet1", [2]int{2, 2}, "BNP: Vægt (%)"},
		{"Sheet1", [2]int{2, 7}, "Lige andele: Rimelig andel (mio. EUR)"},
		{"Sheet2", [2]int{2, 3}, "A: kiel-r29: Opgjort (mio. EUR)"},
	} {
		rows, err := f.GetRows(tc.sheet)
		if err != nil || len(rows) < 33 {
			t.Fatalf("%s: %d rows (%v)", tc.sheet, len(rows), err)
		}
		if got := rows[tc.cell[0]][tc.cell[1]]; got != tc.want {
			t.Errorf("%s header %d: %q, want %q (%q)", tc.sheet, tc.cell[1], got, tc.want, rows[tc.cell[0]])
		}
	}
	rows, _ = f.GetRows("Sheet2")
	found := false
	for _, r := range rows {
		if len(r) > 6 && r[0] == "DNK" {
			found = r[1] == "Danmark" && r[6] != "" && r[6] != T("da", "notcovered")
		}
		if len(r) > 6 && r[0] == "USA" && r[6] != T("da", "notcovered") {
			t.Errorf("USA in dk-mod: %q, want %q", r[6], T("da", "notcovered"))
		}
	}
	if !found {
		t.Errorf("compare xlsx lacks Denmark in dk-mod: %q", rows)
	}
}

// TestToDate: a running target is cut to what is due at the ledger time;
// the cut shares add up to the cut total.
func TestToDate(t *testing.T) {
	ts := newTestServer(t)
	_ = ts
	rep := &fairshare.Report{Target: fairshare.Target{ID: "x", Start: fairshare.MustDate("2025-01-01"), End: fairshare.MustDate("2029-12-31")},
		AsOf: fairshare.MustDate("2026-07-02").Time(), Currency: "EUR",
		Rows: []fairshare.Row{
			{Donor: "A", Counted: 30_000_00, Years: []fairshare.YearTotal{{Year: 2025, Target: 100_00}, {Year: 2026, Target: 365_00}, {Year: 2027, Target: 100_00}}},
			{Donor: "B", Years: []fairshare.YearTotal{{Year: 2025, Target: 50_00}, {Year: 2026, Target: 365_00}, {Year: 2027, Target: 50_00}}},
		}}
	cut, ok := toDate(rep)
	if !ok {
		t.Fatal("a running target was not cut")
	}
	// 2 July is day 183 of 2026.
	if got := cut.Rows[0].FairShare; got != 100_00+183_00 {
		t.Errorf("A due %d", got)
	}
	if cut.Total != cut.Rows[0].FairShare+cut.Rows[1].FairShare || cut.Shortfall != -cut.Rows[1].Balance {
		t.Errorf("total %d, shortfall %d", cut.Total, cut.Shortfall)
	}
	rep.AsOf = fairshare.MustDate("2030-01-01").Time()
	if _, ok := toDate(rep); ok {
		t.Error("a finished target was cut")
	}
}

func TestPeriodsAndAttribution(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"da", "2024-H1", "1. halvår 2024"},
		{"en", "2024-H1", "H1 2024"},
		{"da", "2025-Q1", "1. kvartal 2025"},
		{"da", "each year since 2022", "hvert år siden 2022"},
		{"da", "2024", "2024"},
	}
	for _, tt := range tests {
		if got := PeriodLabel(tt.lang, tt.in); got != tt.want {
			t.Errorf("PeriodLabel(%s, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
	got := Attribution("da", "NATO (spokesperson Allison Hart), reported by Censor.NET citing Voice of America")
	if want := "NATO (talsperson Allison Hart), oplyst af Censor.NET med henvisning til Voice of America"; got != want {
		t.Errorf("Attribution = %q, want %q", got, want)
	}
}
