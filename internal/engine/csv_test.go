package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/synth"
)

type checker struct {
	donors map[string]bool
	rates  *fairshare.RateTable
}

func (c checker) KnownDonor(code string) bool    { return c.donors[code] }
func (c checker) KnownCurrency(code string) bool { return c.rates.Known(code) }

// synthWorld generates a synthetic directory and the reference data that
// goes with it (embedded averages plus the synthetic daily rates).
func synthWorld(t testing.TB, n int) (dir string, w *world, chk checker) {
	t.Helper()
	dir = t.TempDir()
	if err := synth.Generate(dir, synth.Options{N: n, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	rd, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, synth.RatesFile))
	if err != nil {
		t.Fatal(err)
	}
	daily, err := fx.ParseECB(data, synth.RatesFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := fairshare.NewRateTable(append(rd.Rates, daily...))
	if err != nil {
		t.Fatal(err)
	}
	ind, err := fairshare.NewIndicatorTable(rd.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	w = &world{donors: rd.Donors, ind: ind, rates: rt, targets: rd.Targets}
	chk = checker{map[string]bool{}, rt}
	for _, d := range rd.Donors {
		chk.donors[d.Code] = true
	}
	return dir, w, chk
}

func TestReportCSVMatchesReference(t *testing.T) {
	dir, w, chk := synthWorld(t, 20000)
	data, err := os.ReadFile(filepath.Join(dir, synth.ContributionsFile))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ledgerio.ReadCSV(bytes.NewReader(data), "c.csv", chk, ledgerio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range cs { // as an import records them
		cs[i].ID, cs[i].Version, cs[i].RecordedAt = cs[i].NaturalID(), 1, asOf.Add(-time.Hour)
	}
	for _, tc := range []struct {
		target, cur, sel string
		workers          int
	}{
		{"nato-2024", "", "", 1},
		{"nato-2024", "EUR", "synthetic", 2},
		{"nato-2024", "DKK", "user,synthetic", 3},
		{"nato-fund-2025-2029", "USD", "", 2},
	} {
		var tg fairshare.Target
		for _, x := range w.targets {
			if x.ID == tc.target {
				tg = x
			}
		}
		selText := tc.sel
		if selText == "" {
			selText = "synthetic"
		}
		sel, _ := app.ParseSelection(selText)
		in := fairshare.ReportInput{Target: tg, Currency: tc.cur, AsOf: asOf, Donors: w.donors, Indicators: w.ind,
			Rates: w.rates, Datasets: sel.String()}
		want, err := reference(w, cs, in, sel)
		if err != nil {
			t.Fatal(err)
		}
		var q engine.CSVQuery
		q.Input, q.NoData, q.Workers = in, noDataFunc, tc.workers
		if tc.sel != "" {
			q.Selection = sel
		}
		got, st, err := engine.ReportCSV(bytes.NewReader(data), "c.csv", q)
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows != len(cs) {
			t.Fatalf("%+v: %d rows read, want %d", tc, st.Rows, len(cs))
		}
		same(t, tc.target+" "+tc.sel, want, got)
	}
}

// TestReportCSVFormat covers quoting, ';' separators, column order and the
// errors an import gives.
func TestReportCSVFormat(t *testing.T) {
	_, w, _ := synthWorld(t, 10)
	tg := w.targets[0]
	in := fairshare.ReportInput{Target: tg, Currency: "EUR", AsOf: time.Now(), Donors: w.donors, Indicators: w.ind, Rates: w.rates}
	counted := func(t *testing.T, csv string) (map[string]fairshare.Amount, error) {
		t.Helper()
		rep, _, err := engine.ReportCSV(strings.NewReader(csv), "f.csv", engine.CSVQuery{Input: in, Workers: 2})
		if err != nil {
			return nil, err
		}
		out := map[string]fairshare.Amount{}
		for _, r := range rep.Rows {
			if r.Counted != 0 {
				out[r.Donor] = r.Counted
			}
		}
		return out, nil
	}
	const head = "donor,date,amount,currency,category,status,source_url,description\n"
	tests := []struct {
		name, csv string
		want      map[string]fairshare.Amount
		err       string
	}{
		{"plain", head + "DNK,2024-05-06,10.5,EUR,in-kind,delivered,https://x.org,a\n", map[string]fairshare.Amount{"DNK": 1050}, ""},
		{"quoted", head + "DNK,2024-05-06,\"10.5\",EUR,in-kind,delivered,https://x.org,\"a, \"\"b\"\"\nc\"\nDEU,2024-05-06,1,EUR,training,committed,https://x.org,d\n",
			map[string]fairshare.Amount{"DNK": 1050, "DEU": 100}, ""},
		{"semicolon, BOM, CRLF, case", "\ufeffDonor;Date;Amount;Currency;Category;Status;Source_URL\r\ndnk;06-05-2024;10,5;eur;In-Kind;DELIVERED;https://x.org\r\n",
			map[string]fairshare.Amount{"DNK": 1050}, ""},
		{"not counted", head + "DNK,2023-05-06,10,EUR,in-kind,delivered,https://x.org,a\nDNK,2024-05-06,10,EUR,financial,delivered,https://x.org,a\n", map[string]fairshare.Amount{}, ""},
		{"unknown donor", head + "DNK,2024-05-06,1,EUR,in-kind,delivered,https://x.org,a\nXXX,2024-05-06,1,EUR,in-kind,delivered,https://x.org,a\n", nil, "f.csv:3: donor: unknown donor \"XXX\""},
		{"bad date", head + "DNK,2024-02-30,1,EUR,in-kind,delivered,https://x.org,a\n", nil, "f.csv:2: date:"},
		{"too many decimals", head + "DNK,2024-05-06,1.234,EUR,in-kind,delivered,https://x.org,a\n", nil, "f.csv:2: amount:"},
		{"zero amount", head + "DNK,2024-05-06,0,EUR,in-kind,delivered,https://x.org,a\n", nil, "f.csv:2: amount: 0: must be positive"},
		{"bad category", head + "DNK,2024-05-06,1,EUR,tanks,delivered,https://x.org,a\n", nil, "f.csv:2: category: unknown category"},
		{"no source", head + "DNK,2024-05-06,1,EUR,in-kind,delivered,,a\n", nil, "f.csv:2: source_url: required"},
		{"missing column", "donor,date,amount\nDNK,2024-05-06,1\n", nil, "f.csv:1: missing column \"currency\""},
		{"unknown currency", head + "DNK,2024-05-06,1,XYZ,in-kind,delivered,https://x.org,a\n", nil, "f.csv:2: currency: unknown currency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := counted(t, tc.csv)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("err = %v, want prefix %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("counted %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Fatalf("counted %v, want %v", got, tc.want)
				}
			}
		})
	}
}
