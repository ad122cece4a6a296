package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/synth"
)

type chk struct {
	donors map[string]bool
	rates  *fairshare.RateTable
}

func (c chk) KnownDonor(s string) bool    { return c.donors[s] }
func (c chk) KnownCurrency(s string) bool { return c.rates.Known(s) }

// engineFromCSV builds the engine in this process from the CSV (as if the
// rows had been imported at one time) and times warm reports, without a
// database: for sizes where importing would take too long here.
func (b *bench) engineFromCSV(ctx context.Context) error {
	rd, err := refdata.Load()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(b.gen, synth.RatesFile))
	if err != nil {
		return err
	}
	daily, err := fx.ParseECB(data, synth.RatesFile, nil)
	if err != nil {
		return err
	}
	rt, err := fairshare.NewRateTable(append(rd.Rates, daily...))
	if err != nil {
		return err
	}
	gdp, err := readGDP(filepath.Join(b.gen, synth.GDPFile))
	if err != nil {
		return err
	}
	inds := rd.Indicators[:0:0]
	for _, i := range rd.Indicators {
		if i.Kind != fairshare.KeyGDP {
			inds = append(inds, i)
		}
	}
	ind, err := fairshare.NewIndicatorTable(append(inds, gdp...))
	if err != nil {
		return err
	}
	c := chk{map[string]bool{}, rt}
	for _, d := range rd.Donors {
		c.donors[d.Code] = true
	}
	var t fairshare.Target
	for _, x := range rd.Targets {
		if x.ID == target {
			t = x
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	e := engine.New()
	t0 := time.Now()
	f, err := os.Open(filepath.Join(b.gen, synth.ContributionsFile))
	if err != nil {
		return err
	}
	cs, err := ledgerio.ReadCSV(f, synth.ContributionsFile, c, ledgerio.Options{})
	f.Close()
	if err != nil {
		return err
	}
	at := time.Now().Add(-time.Hour)
	const batch = 1 << 16
	for i := 0; i < len(cs); i += batch {
		part := cs[i:min(i+batch, len(cs))]
		for k := range part {
			part[k].ID, part[k].Version, part[k].RecordedAt = part[k].NaturalID(), 1, at
		}
		e.Apply(part...)
	}
	cs = nil
	e.Compact()
	loadT := time.Since(t0)
	runtime.GC()
	debug.FreeOSMemory()
	b.add(Result{Engine: "fairshare", Phase: "warm", Variant: "engine from CSV", MS: ms(loadT), RowsPerS: float64(b.n) / loadT.Seconds(),
		Note: fmt.Sprintf("ledgerio.ReadCSV + Apply; engine %.0f B/contribution", float64(e.Bytes())/float64(b.n))})
	sel, _ := app.ParseSelection(synth.Dataset)
	var ds []time.Duration
	var rep *fairshare.Report
	for i := 0; i < max(b.runs, 10); i++ {
		q := engine.Query{Input: fairshare.ReportInput{Target: t, AsOf: time.Now(), Donors: rd.Donors, Indicators: ind,
			Rates: rt, Datasets: sel.String()}, Selection: sel}
		t1 := time.Now()
		if rep, err = e.Report(q); err != nil {
			return err
		}
		ds = append(ds, time.Since(t1))
	}
	tot := map[string]int64{}
	for _, r := range rep.Rows {
		tot[r.Donor] = int64(r.Counted)
	}
	b.totals["fairshare/warm-from-csv"] = tot
	b.add(Result{Engine: "fairshare", Phase: "warm", Variant: "uncached", MS: ms(median(ds)), Note: "engine built from the CSV in process"})
	return nil
}
