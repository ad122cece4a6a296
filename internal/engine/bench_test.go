package engine

import (
	"bytes"
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/synth"
)

// benchData is a synthetic ledger of benchN contributions with its
// reference data, generated once for all benchmarks.
type benchData struct {
	csv    []byte
	cs     []fairshare.Contribution
	donors []fairshare.Donor
	ind    fairshare.IndicatorTable
	rates  *fairshare.RateTable
	target fairshare.Target
}

const benchN = 100000

var (
	benchOnce sync.Once
	bench     benchData
)

type benchChecker struct{ d map[string]bool }

func (c benchChecker) KnownDonor(s string) bool    { return c.d[s] }
func (c benchChecker) KnownCurrency(s string) bool { return bench.rates.Known(s) }

func loadBench(b *testing.B) *benchData {
	b.Helper()
	benchOnce.Do(func() {
		rd, err := refdata.Load()
		if err != nil {
			panic(err)
		}
		var rb, cb bytes.Buffer
		if err := synth.Rates(&rb, 1); err != nil {
			panic(err)
		}
		daily, err := fx.ParseECB(rb.Bytes(), "rates", nil)
		if err != nil {
			panic(err)
		}
		bench.rates, err = fairshare.NewRateTable(append(rd.Rates, daily...))
		if err != nil {
			panic(err)
		}
		bench.donors = rd.Donors
		if bench.ind, err = fairshare.NewIndicatorTable(rd.Indicators); err != nil {
			panic(err)
		}
		bench.target = rd.Targets[0]
		ds, _ := synth.Donors()
		if err := synth.Contributions(&cb, ds, synth.Options{N: benchN, Seed: 1}); err != nil {
			panic(err)
		}
		bench.csv = cb.Bytes()
		chk := benchChecker{map[string]bool{}}
		for _, d := range rd.Donors {
			chk.d[d.Code] = true
		}
		bench.cs, err = ledgerio.ReadCSV(bytes.NewReader(bench.csv), "bench", chk, ledgerio.Options{})
		if err != nil {
			panic(err)
		}
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		for i := range bench.cs {
			bench.cs[i].ID, bench.cs[i].Version, bench.cs[i].RecordedAt = bench.cs[i].NaturalID(), 1, at
		}
	})
	return &bench
}

// BenchmarkRateLookup converts one amount at the rate of its date: the
// reference (RateTable.Lookup twice and ConvertAt with big.Rat) against the
// engine's dense table and integer rounding.
func BenchmarkRateLookup(b *testing.B) {
	d := loadBench(b)
	days := make([]fairshare.Date, 1024)
	for i := range days {
		days[i] = d.target.Start.AddDays(i % 366)
	}
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, _, err := d.rates.Convert(123456789, "DKK", "EUR", days[i%len(days)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lookup-only", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := d.rates.Lookup("DKK", days[i%len(days)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("engine", func(b *testing.B) {
		curs := d.rates.Currencies()
		dkk := 0
		for i, c := range curs {
			if c == "DKK" {
				dkk = i
			}
		}
		ct := newConvTable(d.rates, "EUR", int32(d.target.Start.Days()), int32(d.target.End.Days()), curs)
		b.ReportAllocs()
		b.ResetTimer()
		var sum int64
		for i := 0; i < b.N; i++ {
			v, _ := convert(123456789, &ct.ent[dkk][i%366])
			sum += v
		}
		_ = sum
	})
}

func benchEngine(b *testing.B, d *benchData, corrected bool) (*Engine, time.Time) {
	e := New()
	e.Apply(d.cs...)
	asOf := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if corrected { // 10 % of rows corrected a day later
		var vs []fairshare.Contribution
		for i := 0; i < len(d.cs); i += 10 {
			c := d.cs[i]
			c.Version, c.Amount, c.RecordedAt = 2, c.Amount+1, asOf.Add(24*time.Hour)
			vs = append(vs, c)
		}
		e.Apply(vs...)
	}
	e.Compact()
	return e, asOf
}

// BenchmarkAggregation is a whole uncached report (scan, conversion,
// aggregation, exact % of GDP, Compute) from an engine holding the
// synthetic ledger; asof reads it as before 10 % of rows were corrected.
func BenchmarkAggregation(b *testing.B) {
	d := loadBench(b)
	for _, tc := range []struct {
		name                string
		corrected, restored bool
	}{{"current", false, false}, {"asof", true, false}, {"current-restored", false, true}, {"asof-restored", true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			e, asOf := benchEngine(b, d, tc.corrected)
			if tc.restored { // as a new process reads it: (day, currency) runs, recorded-time codes
				cols, _, err := e.Snapshot()
				if err != nil {
					b.Fatal(err)
				}
				e = New()
				if err := e.Restore(cols); err != nil {
					b.Fatal(err)
				}
			}
			q := Query{Input: fairshare.ReportInput{Target: d.target, AsOf: asOf, Donors: d.donors, Indicators: d.ind,
				Rates: d.rates, Datasets: synth.Dataset}, Selection: [][]string{{synth.Dataset}}}
			if _, err := e.Report(q); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := e.Report(q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.cs)), "ns/row")
		})
	}
	b.Run("cached", func(b *testing.B) {
		e, asOf := benchEngine(b, d, false)
		q := Query{Input: fairshare.ReportInput{Target: d.target, AsOf: asOf, Donors: d.donors, Indicators: d.ind,
			Rates: d.rates, Datasets: synth.Dataset}, Selection: [][]string{{synth.Dataset}}, Ref: d}
		if _, err := e.Report(q); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := e.Report(q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoad builds an engine from versions (the in-memory part of a
// start-up; reading the database is not included).
func BenchmarkLoad(b *testing.B) {
	d := loadBench(b)
	src := benchSource(d.cs)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := New().Load(context.Background(), src); err != nil {
			b.Fatal(err)
		}
	}
}

type benchSource []fairshare.Contribution

func (s benchSource) ScanVersions(_ context.Context, _ int64, fn func(*fairshare.Contribution) error) error {
	for i := range s {
		if err := fn(&s[i]); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkApportion splits a target among 31 allies by GDP weights.
func BenchmarkApportion(b *testing.B) {
	d := loadBench(b)
	codes, _ := d.target.ParticipantCodes(d.donors)
	ws, err := fairshare.Weights(fairshare.KeyGDP, 2023, codes, d.ind, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fairshare.Apportion(4000000000000, ws)
	}
}

// BenchmarkParseCSV reads the synthetic contributions file: the engine's
// streaming parser (which also aggregates and reports) against
// ledgerio.ReadCSV (encoding/csv, which only parses and validates).
func BenchmarkParseCSV(b *testing.B) {
	d := loadBench(b)
	in := fairshare.ReportInput{Target: d.target, AsOf: time.Now(), Donors: d.donors, Indicators: d.ind, Rates: d.rates}
	for _, workers := range []int{1, 2} {
		b.Run("engine-workers-"+string(rune('0'+workers)), func(b *testing.B) {
			b.SetBytes(int64(len(d.csv)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := ReportCSV(bytes.NewReader(d.csv), "bench", CSVQuery{Input: in, Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("ledgerio", func(b *testing.B) {
		chk := benchChecker{map[string]bool{}}
		for _, x := range d.donors {
			chk.d[x.Code] = true
		}
		b.SetBytes(int64(len(d.csv)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := ledgerio.ReadCSV(bytes.NewReader(d.csv), "bench", chk, ledgerio.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkExactEUR is the euro total of one donor behind % of GDP: the
// bounds every report computes, and the exact value they usually spare.
func BenchmarkExactEUR(b *testing.B) {
	d := loadBench(b)
	e, asOf := benchEngine(b, d, false)
	t := d.target
	ct := e.conv(d.rates, "EUR", int32(t.Start.Days()), int32(t.End.Days()), e.l.curs.names)
	g := newAgg(ct, len(e.l.donors.names), len(e.l.curs.names), 1)
	slotOf := make([]int, len(e.l.dss.names))
	for i := range slotOf {
		slotOf[i] = g.addSlot()
	}
	e.l.scan(g, &t, asOf.UnixMicro(), slotOf)
	usa := e.l.donors.m["USA"]
	b.Run("bounds", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.eurBounds(usa, []int{0})
		}
	})
	b.Run("exact", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, d := g.exactEUR(usa, []int{0})
			new(big.Rat).SetFrac(n, d)
		}
	})
}
