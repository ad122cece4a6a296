package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/render"
)

// world is reference data for tests: the embedded donors, GDP and targets,
// the embedded monthly and annual averages, and random daily rates with gaps
// (so that day, earlier, month and year look-ups all occur).
type world struct {
	donors  []fairshare.Donor
	ind     fairshare.IndicatorTable
	rates   *fairshare.RateTable
	targets []fairshare.Target
}

func newWorld(t testing.TB, seed uint64) *world {
	t.Helper()
	rd, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	rates := rd.Rates
	start := fairshare.MustDate("2023-12-01")
	for _, cur := range []string{"DKK", "USD", "SEK", "JPY", "KWD", "GBP"} {
		base := map[string]float64{"DKK": 7.45, "USD": 1.08, "SEK": 11.4, "JPY": 160, "KWD": 0.33, "GBP": 0.85}[cur]
		for d := 0; d < 800; d++ {
			day := start.AddDays(d)
			wd := day.Time().Weekday()
			if wd == time.Saturday || wd == time.Sunday || r.IntN(10) == 0 {
				continue
			}
			if cur == "GBP" && d > 200 && d < 260 { // a gap longer than 7 days: month average
				continue
			}
			v := base * (1 + (r.Float64()-0.5)/10)
			rates = append(rates, fairshare.Rate{Currency: cur, Period: day.String(), Rate: fmt.Sprintf("%.4f", v)})
		}
	}
	// KWD has no averages: before its first daily rate there is no rate at all.
	rt, err := fairshare.NewRateTable(rates)
	if err != nil {
		t.Fatal(err)
	}
	ind, err := fairshare.NewIndicatorTable(rd.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	ts := rd.Targets
	gr := fairshare.Target{ID: "gdp-rate", Name: "0.25 % of GDP", Currency: "EUR", GDPRate: "0.0025",
		Start: fairshare.MustDate("2024-01-01"), End: fairshare.MustDate("2025-12-31"),
		Participants: []string{"DNK", "SWE", "NOR", "FIN", "USA", "GBR", "JPN"}}
	if err := gr.Validate(); err != nil {
		t.Fatal(err)
	}
	ts = append(ts, gr)
	return &world{rd.Donors, ind, rt, ts}
}

var testCurrencies = []string{"EUR", "EUR", "DKK", "USD", "SEK", "JPY", "GBP", "NOK", "PLN", "KWD"}

// randomLedger returns versions of n entries: some amended (amount, date,
// currency, dataset, status, category), some deleted, recorded at
// increasing times from base.
func randomLedger(r *rand.Rand, w *world, n int, base time.Time) []fairshare.Contribution {
	datasets := []string{"a", "b", "user"}
	var donors []string
	for _, d := range w.donors {
		donors = append(donors, d.Code)
	}
	at := base
	tick := func() time.Time {
		at = at.Add(time.Duration(1+r.IntN(1000)) * time.Millisecond)
		return at
	}
	randomise := func(c *fairshare.Contribution) {
		c.Donor = donors[r.IntN(len(donors))]
		c.Date = fairshare.MustDate("2023-12-15").AddDays(r.IntN(800))
		c.Currency = testCurrencies[r.IntN(len(testCurrencies))]
		switch r.IntN(4) {
		case 0:
			c.Amount = fairshare.Amount(1 + r.IntN(1000))
		case 1:
			c.Amount = fairshare.Amount(1 + r.Int64N(1e15))
		default:
			c.Amount = fairshare.Amount(1 + r.Int64N(1e11))
		}
		c.Category = fairshare.Categories[r.IntN(len(fairshare.Categories))]
		c.Status = fairshare.Statuses[r.IntN(len(fairshare.Statuses))]
		c.Dataset = datasets[r.IntN(len(datasets))]
	}
	var out []fairshare.Contribution
	for i := 0; i < n; i++ {
		c := fairshare.Contribution{Recipient: "UKR", Source: fairshare.Source{URL: "https://example.org"}}
		randomise(&c)
		c.Description = fmt.Sprint("row ", i)
		c.ID = c.NaturalID()
		if r.IntN(5) == 0 {
			c.ID = fmt.Sprintf("custom-%d", i)
		}
		c.Version = 1
		c.RecordedAt = tick()
		out = append(out, c)
	}
	// Corrections and deletions, interleaved over time.
	for k := 0; k < n/2; k++ {
		i := r.IntN(n)
		last := out[i]
		for _, c := range out {
			if c.ID == last.ID && c.Version > last.Version {
				last = c
			}
		}
		if last.Deleted {
			continue
		}
		next := last
		next.Version++
		next.RecordedAt = tick()
		switch r.IntN(4) {
		case 0:
			next.Deleted = true
		case 1:
			next.Amount = fairshare.Amount(1 + r.Int64N(1e9))
		default:
			id := next.ID
			randomise(&next)
			next.ID = id
		}
		out = append(out, next)
	}
	return out
}

// current selects what the store would: per id the newest version recorded
// at or before asOf, not deleted, dated in [from, to], ordered by day, donor,
// id.
func current(vs []fairshare.Contribution, asOf time.Time, from, to fairshare.Date) []fairshare.Contribution {
	best := map[string]fairshare.Contribution{}
	for _, v := range vs {
		if v.RecordedAt.After(asOf) {
			continue
		}
		if b, ok := best[v.ID]; !ok || v.Version > b.Version {
			best[v.ID] = v
		}
	}
	var out []fairshare.Contribution
	for _, v := range best {
		if !v.Deleted && !v.Date.Before(from) && !v.Date.After(to) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		if a.Donor != b.Donor {
			return a.Donor < b.Donor
		}
		return a.ID < b.ID
	})
	return out
}

type sliceSource []fairshare.Contribution

func (s sliceSource) ScanVersions(ctx context.Context, since int64, fn func(*fairshare.Contribution) error) error {
	for i := range s {
		if s[i].RecordedAt.UnixMicro() >= since {
			c := s[i]
			if err := fn(&c); err != nil {
				return err
			}
		}
	}
	return nil
}

func noDataFunc(datasetOf map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, c := range []string{"TUR", "ISL"} {
		if datasetOf[c] == "" {
			out[c] = true
		}
	}
	return out
}

func reference(w *world, vs []fairshare.Contribution, in fairshare.ReportInput, sel app.Selection) (*fairshare.Report, error) {
	t := in.Target
	chosen, datasetOf := sel.Choose(current(vs, in.AsOf, t.Start, t.End), &t)
	in.Contributions, in.DatasetOf, in.NoData = chosen, datasetOf, noDataFunc(datasetOf)
	return fairshare.Compute(in)
}

func exactPct(f *fairshare.Fraction) any {
	if f == nil {
		return nil
	}
	if r := f.Exact(); r != nil {
		return r
	}
	return fmt.Sprintf("~%v", f.Percent())
}

// pctBounds and pctExact count the engine's % of GDP known by bounds and
// exactly, in samePct.
var pctBounds, pctExact int

// samePct says want (the reference's exact % of GDP) and got (the
// engine's, usually known by bounds) print alike in every way a report
// prints them, and that got may be want.
func samePct(want, got *fairshare.Fraction) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	if got.Exact() == nil {
		pctBounds++
	} else {
		pctExact++
	}
	w := want.Exact()
	if w == nil || !got.Contains(w) || want.Percent() != got.Percent() || want.Float64() != got.Float64() {
		return false
	}
	for dec := 0; dec <= fairshare.MaxPercentDecimals; dec++ {
		if want.PercentText(dec) != got.PercentText(dec) {
			return false
		}
	}
	return true
}

func renderAll(t *testing.T, rep *fairshare.Report) string {
	t.Helper()
	var b bytes.Buffer
	for _, f := range render.Formats {
		if err := render.Report(&b, rep, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// same compares two reports exactly: rendered in every format, and every
// rational of every row.
func same(t *testing.T, what string, want, got *fairshare.Report) {
	t.Helper()
	if a, b := renderAll(t, want), renderAll(t, got); a != b {
		t.Fatalf("%s: rendered reports differ\nwant:\n%s\ngot:\n%s", what, a, b)
	}
	eq := func(a, b *big.Rat) bool { return (a == nil) == (b == nil) && (a == nil || a.Cmp(b) == 0) }
	for i := range want.Rows {
		w, g := want.Rows[i], got.Rows[i]
		if !samePct(w.PctGDP, g.PctGDP) {
			t.Fatalf("%s: row %d: %% of GDP differs: want %v got %v", what, i, exactPct(w.PctGDP), exactPct(g.PctGDP))
		}
		if w.Donor != g.Donor || w.Counted != g.Counted || w.FairShare != g.FairShare ||
			!eq(w.Weight, g.Weight) || !eq(w.Ratio, g.Ratio) || w.Dataset != g.Dataset || w.NoData != g.NoData {
			t.Fatalf("%s: row %d differs:\nwant %+v\ngot  %+v", what, i, w, g)
		}
		for y := range w.Years {
			if w.Years[y] != g.Years[y] {
				t.Fatalf("%s: row %s year %d differs: want %+v got %+v", what, w.Donor, y, w.Years[y], g.Years[y])
			}
		}
	}
}

// TestDifferential compares the engine with fairshare.Compute over the
// store's selection, on random ledgers with corrections and deletions, for
// several targets, currencies, dataset selections and as-of times.
func TestDifferential(t *testing.T) {
	w := newWorld(t, 1)
	selections := []string{"a", "a,b", "b+user,a", "user,b,a", "a+b+user", "c,a"}
	currencies := []string{"", "EUR", "DKK", "JPY", "USD", "KWD"}
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	checked, fallbacks := 0, 0
	for seed := uint64(1); seed <= 8; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		vs := randomLedger(r, w, 150+r.IntN(300), base)
		e := engine.New()
		// Half the seeds load everything, half apply in arrival order with
		// duplicates and a reload in between.
		if seed%2 == 0 {
			if err := e.Load(context.Background(), sliceSource(vs)); err != nil {
				t.Fatal(err)
			}
		} else {
			half := len(vs) / 2
			e.Apply(vs[:half]...)
			e.Apply(vs[half/2 : half+10]...)
			e.Apply(vs[half:]...)
		}
		switch seed % 3 {
		case 0: // saved and read back without ids: reports only
			e = reopen(t, e, false)
		case 1: // half saved, the rest applied from a segment
			half := len(vs) / 2
			e = engine.New()
			if err := e.Load(context.Background(), sliceSource(vs[:half])); err != nil {
				t.Fatal(err)
			}
			e = reopen(t, e, true)
			seg, err := engine.DecodeVersions(engine.EncodeVersions(vs[half-5:]))
			if err != nil {
				t.Fatal(err)
			}
			e.Apply(seg...)
		}
		if e.Len() != len(vs) {
			t.Fatalf("seed %d: engine holds %d versions, want %d", seed, e.Len(), len(vs))
		}
		last := vs[len(vs)-1].RecordedAt
		span := last.Sub(base)
		for k := 0; k < 12; k++ {
			tg := w.targets[r.IntN(len(w.targets))]
			sel, err := app.ParseSelection(selections[r.IntN(len(selections))])
			if err != nil {
				t.Fatal(err)
			}
			asOf := last.Add(time.Hour)
			currentReport := k%3 == 0
			if !currentReport {
				asOf = base.Add(time.Duration(r.Int64N(int64(span))))
			}
			in := fairshare.ReportInput{Target: tg, Currency: currencies[r.IntN(len(currencies))], AsOf: asOf,
				Donors: w.donors, Indicators: w.ind, Rates: w.rates, Datasets: sel.String()}
			if k%5 == 4 {
				in.Key, in.KeyYear = fairshare.KeyPopulation, 2023
			}
			what := fmt.Sprintf("seed %d target %s cur %q sel %s asOf %s", seed, tg.ID, in.Currency, sel, asOf.Format(time.RFC3339Nano))
			want, werr := reference(w, vs, in, sel)
			for pass := 0; pass < 2; pass++ { // the second pass is served from the cache
				got, gerr := e.Report(engine.Query{Input: in, Selection: sel, NoData: noDataFunc, Current: currentReport, Ref: w})
				if errors.Is(gerr, engine.ErrFallback) {
					if werr == nil {
						// Only allowed when a chosen contribution lacks a rate, which the reference reports.
						t.Fatalf("%s: engine fell back but the reference succeeded", what)
					}
					fallbacks++
					continue
				}
				if werr != nil || gerr != nil {
					if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
						t.Fatalf("%s: errors differ: reference %v, engine %v", what, werr, gerr)
					}
					continue
				}
				same(t, what, want, got)
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d reports compared (%d fallbacks)", checked, fallbacks)
	}
	t.Logf("%d reports compared, %d fallbacks; %% of GDP: %d by bounds, %d exact", checked, fallbacks, pctBounds, pctExact)
	if pctBounds < pctExact {
		t.Errorf("%% of GDP: only %d of %d settled by bounds", pctBounds, pctBounds+pctExact)
	}
}

// reopen saves e and reads it back into a new engine; withIDs adds the id
// index that writes need.
func reopen(t *testing.T, e *engine.Engine, withIDs bool) *engine.Engine {
	t.Helper()
	cols, ids, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	e2 := engine.New()
	if err := e2.RestoreChunks(chunks(cols, 7)); err != nil { // values span chunks
		t.Fatal(err)
	}
	if e2.Len() != e.Len() || e2.MaxRecorded() != e.MaxRecorded() || e2.Entries() != e.Entries() {
		t.Fatalf("restored %d/%d/%d, saved %d/%d/%d", e2.Len(), e2.MaxRecorded(), e2.Entries(), e.Len(), e.MaxRecorded(), e.Entries())
	}
	id, v, rec, _ := e.Newest()
	if id2, v2, rec2, _ := e2.Newest(); id2 != id || v2 != v || rec2 != rec {
		t.Fatalf("newest %s/%d/%d, saved %s/%d/%d", id2, v2, rec2, id, v, rec)
	}
	if err := engine.New().Restore(cols[:len(cols)-1]); err == nil {
		t.Fatal("a truncated snapshot was accepted")
	}
	if !withIDs {
		return e2
	}
	if err := e2.RestoreIDs(ids[:len(ids)-1]); err == nil {
		t.Fatal("a truncated id part was accepted")
	}
	a, _, _ := engine.New().Snapshot()
	other := engine.New()
	if err := other.Restore(a); err != nil {
		t.Fatal(err)
	}
	if err := other.RestoreIDs(ids); err == nil {
		t.Fatal("the id part of another snapshot was accepted")
	}
	if err := e2.RestoreIDChunks(chunks(ids, 1000)); err != nil {
		t.Fatal(err)
	}
	if e2.NeedsIDs() {
		t.Fatal("ids restored but still needed")
	}
	return e2
}

// chunks serves b in pieces of n bytes, as the database stores it.
func chunks(b []byte, n int) func() ([]byte, error) {
	return func() ([]byte, error) {
		if len(b) == 0 {
			return nil, nil
		}
		c := b[:min(n, len(b))]
		b = b[len(c):]
		return c, nil
	}
}

func TestSnapshotDamaged(t *testing.T) {
	if err := engine.New().Restore([]byte("FSENGINE1\n")); !errors.Is(err, engine.ErrSnapshot) {
		t.Fatalf("old format: %v", err)
	}
	if _, err := engine.DecodeVersions([]byte("FSSEG1\n\x05")); !errors.Is(err, engine.ErrSnapshot) {
		t.Fatalf("short segment: %v", err)
	}
}

// TestApplyInvalidates checks that a cached report is recomputed after a
// write, and that versions arriving out of order or twice are handled.
func TestApplyInvalidates(t *testing.T) {
	w := newWorld(t, 2)
	tg := w.targets[0]
	sel, _ := app.ParseSelection("a")
	mk := func(id string, ver int, amount int64, at time.Time, deleted bool) fairshare.Contribution {
		return fairshare.Contribution{ID: id, Version: ver, Donor: "DNK", Date: fairshare.MustDate("2024-05-06"),
			Amount: fairshare.Amount(amount), Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered,
			Dataset: "a", RecordedAt: at, Deleted: deleted}
	}
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	e := engine.New()
	counted := func(asOf time.Time, current bool) fairshare.Amount {
		t.Helper()
		rep, err := e.Report(engine.Query{Input: fairshare.ReportInput{Target: tg, AsOf: asOf, Donors: w.donors,
			Indicators: w.ind, Rates: w.rates, Datasets: "a"}, Selection: sel, Current: current, Ref: w})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Rows {
			if r.Donor == "DNK" {
				return r.Counted
			}
		}
		t.Fatal("no DNK row")
		return 0
	}
	now := t0.Add(24 * time.Hour)
	tests := []struct {
		name  string
		apply []fairshare.Contribution
		asOf  time.Time
		want  fairshare.Amount
	}{
		{"empty", nil, now, 0},
		{"first", []fairshare.Contribution{mk("x", 1, 100, t0, false)}, now, 100},
		{"duplicate", []fairshare.Contribution{mk("x", 1, 100, t0, false)}, now, 100},
		{"version 3 before 2", []fairshare.Contribution{mk("x", 3, 300, t0.Add(3*time.Second), false)}, now, 300},
		{"version 2 late", []fairshare.Contribution{mk("x", 2, 200, t0.Add(2*time.Second), false)}, now, 300},
		{"as of version 2", nil, t0.Add(2500 * time.Millisecond), 200},
		{"as of version 1", nil, t0.Add(time.Second), 100},
		{"deleted", []fairshare.Contribution{mk("x", 4, 0, t0.Add(4*time.Second), true)}, now, 0},
		{"as of before deletion", nil, t0.Add(3500 * time.Millisecond), 300},
		{"second entry", []fairshare.Contribution{mk("y", 1, 5, t0.Add(5*time.Second), false)}, now, 5},
	}
	for _, tc := range tests {
		e.Apply(tc.apply...)
		for pass := 0; pass < 2; pass++ {
			if got := counted(tc.asOf, tc.asOf == now); got != tc.want {
				t.Fatalf("%s (pass %d): counted %d, want %d", tc.name, pass, got, tc.want)
			}
		}
	}
}

func TestFallbackOutOfOrder(t *testing.T) {
	w := newWorld(t, 3)
	e := engine.New()
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	c := fairshare.Contribution{ID: "z", Version: 1, Donor: "DNK", Date: fairshare.MustDate("2024-05-06"), Amount: 1,
		Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "a", RecordedAt: at}
	c2 := c
	c2.Version, c2.RecordedAt = 2, at.Add(-time.Hour) // recorded before version 1
	e.Apply(c, c2)
	sel, _ := app.ParseSelection("a")
	_, err := e.Report(engine.Query{Input: fairshare.ReportInput{Target: w.targets[0], AsOf: at, Donors: w.donors,
		Indicators: w.ind, Rates: w.rates}, Selection: sel})
	if !errors.Is(err, engine.ErrFallback) {
		t.Fatalf("err = %v, want ErrFallback", err)
	}
}

// TestConcurrentReportsAndWrites runs reports while versions are applied
// (for the race detector): every report must be one of the states the
// ledger passed through, here checked as "no error".
func TestConcurrentReportsAndWrites(t *testing.T) {
	w := newWorld(t, 4)
	r := rand.New(rand.NewPCG(4, 4))
	vs := randomLedger(r, w, 400, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	e := engine.New()
	e.Apply(vs[:100]...)
	sel, _ := app.ParseSelection("a,b+user")
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				in := fairshare.ReportInput{Target: w.targets[g%2], Currency: []string{"EUR", "DKK"}[g%2], AsOf: time.Now(),
					Donors: w.donors, Indicators: w.ind, Rates: w.rates, Datasets: sel.String()}
				if _, err := e.Report(engine.Query{Input: in, Selection: sel, NoData: noDataFunc, Current: true, Ref: w}); err != nil && !errors.Is(err, engine.ErrFallback) {
					errs <- err
					return
				}
			}
		}(g)
	}
	for i := 100; i < len(vs); i += 7 {
		e.Apply(vs[i:min(i+7, len(vs))]...)
	}
	e.Compact()
	close(done)
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestGroupsRefuse checks that Groups declines what it cannot give exactly
// (the store's grouped query answers then): a version of a status it has
// no name for, also after a snapshot and restore; versions recorded out of
// time order asked as of an earlier time; a sum past int64.
func TestGroupsRefuse(t *testing.T) {
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	c := fairshare.Contribution{ID: "z", Version: 1, Donor: "DNK", Date: fairshare.MustDate("2024-05-06"), Amount: 1,
		Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "a", RecordedAt: at}
	now := at.Add(time.Hour).UnixMicro()

	e := engine.New()
	e.Apply(c)
	if gs, n, rec, ok := e.Groups(now); !ok || len(gs) != 1 || gs[0].Count != 1 || n != 1 || rec != at.UnixMicro() {
		t.Fatalf("one version: %v %d %d %v", gs, n, rec, ok)
	}
	odd := c
	odd.ID, odd.Status = "odd", "Delivered " // not a status the engine knows
	e.Apply(odd)
	if _, _, _, ok := e.Groups(now); ok {
		t.Fatal("groups with a status the engine cannot name")
	}
	cols, ids, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r := engine.New()
	if err := r.Restore(cols); err != nil {
		t.Fatal(err)
	}
	if err := r.RestoreIDs(ids); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := r.Groups(now); ok {
		t.Fatal("groups with a status the engine cannot name, after a restore")
	}

	late := engine.New()
	c2 := c
	c2.Version, c2.RecordedAt = 2, at.Add(-time.Hour) // recorded before version 1
	late.Apply(c, c2)
	if _, _, _, ok := late.Groups(now); !ok {
		t.Fatal("out of order, as of now: want groups")
	}
	if _, _, _, ok := late.Groups(at.Add(-time.Minute).UnixMicro()); ok {
		t.Fatal("out of order, as of before the newest: want none")
	}

	big := engine.New()
	b1, b2 := c, c
	b1.Amount, b2.ID, b2.Amount = 1<<62, "y", 1<<62
	big.Apply(b1, b2)
	if _, _, _, ok := big.Groups(now); ok {
		t.Fatal("a sum past int64: want none")
	}
}
