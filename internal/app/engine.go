package app

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// The report engine (internal/engine) holds the whole versioned ledger in
// memory. It is built from the database on the first report and kept
// current three ways:
//
//   - writes made through App's AddContributions, AmendContribution and
//     DeleteContribution refresh it at once;
//   - before a report, the ledger's stamp (sqlstore.LedgerStamp: row count
//     and newest recorded_us) is compared with the one the engine was
//     refreshed to; when it differs (another process or a direct Store
//     write) only the versions recorded since are read, and the whole
//     ledger is reloaded if the counts still disagree;
//   - a stamp check that itself costs 1 ms or more (COUNT(*) on a large
//     PostgreSQL table) is made at most every 100 times its cost, capped
//     at 1 s: the bound on how stale a report from such a server can be
//     after another server's write. On SQLite the stamp is two index
//     probes and is checked before every report.
//
// Concurrent reports share one stamp check: a report waits for a check that
// began after it arrived, rather than making its own.
//
// FAIRSHARE_ENGINE=off makes every report take the reference path.

var engineOff = os.Getenv("FAIRSHARE_ENGINE") == "off"

type engineState struct {
	mu        sync.Mutex // building and refreshing
	eng       *engine.Engine
	stamp     sqlstore.LedgerStamp
	lastCheck time.Time
	checkCost time.Duration
	started   atomic.Uint64 // stamp checks begun
	doneStart uint64        // sequence number of the last completed check
}

func (a *App) engineState() *engineState { return &a.engine }

// lookback is how far before the newest version it holds the engine reads
// again when the counts show a version committed late (a transaction that
// took its recorded time before another's commit).
const lookback = 10 * time.Minute

// Engine returns the App's report engine, built from the database on first
// use and refreshed from it when the ledger changed.
func (a *App) Engine(ctx context.Context) (*engine.Engine, error) {
	return a.freshEngine(ctx, false)
}

func (a *App) freshEngine(ctx context.Context, force bool) (*engine.Engine, error) {
	st := a.engineState()
	arrival := st.started.Load()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.eng == nil {
		if force {
			return nil, nil // nothing to refresh yet
		}
		seq := st.started.Add(1)
		stamp, err := a.Store.LedgerStamp(ctx)
		if err != nil {
			return nil, err
		}
		e := engine.New()
		if err := e.Load(ctx, a.Store); err != nil {
			return nil, err
		}
		st.eng, st.stamp, st.doneStart, st.lastCheck = e, stamp, seq, time.Now()
		return e, nil
	}
	if !force {
		if st.doneStart > arrival {
			return st.eng, nil // a check that began after this request came has completed
		}
		if st.checkCost >= time.Millisecond && time.Since(st.lastCheck) < min(100*st.checkCost, time.Second) {
			return st.eng, nil
		}
	}
	seq := st.started.Add(1)
	t0 := time.Now()
	stamp, err := a.Store.LedgerStamp(ctx)
	if err != nil {
		return nil, err
	}
	st.checkCost = time.Since(t0)
	if stamp != st.stamp {
		if err := a.refreshEngine(ctx, st.eng, stamp); err != nil {
			return nil, err
		}
		st.stamp = stamp
	}
	st.doneStart, st.lastCheck = seq, t0
	return st.eng, nil
}

// refreshEngine brings e up to at least stamp: the versions recorded since
// the newest it holds, then a look-back window, then a full reload.
func (a *App) refreshEngine(ctx context.Context, e *engine.Engine, stamp sqlstore.LedgerStamp) error {
	apply := func(since int64) error {
		var batch []fairshare.Contribution
		err := a.Store.VersionsSince(ctx, since, func(c *fairshare.Contribution) error {
			batch = append(batch, *c)
			if len(batch) == 4096 {
				e.Apply(batch...)
				batch = batch[:0]
			}
			return nil
		})
		e.Apply(batch...)
		return err
	}
	// Versions recorded after the newest held; one committed late with the
	// same or an earlier time shows in the counts and is found by the
	// look-back below.
	hw := e.MaxRecorded()
	if err := apply(hw + 1); err != nil {
		return err
	}
	if int64(e.Len()) >= stamp.Count {
		return nil
	}
	if err := apply(hw - lookback.Microseconds()); err != nil {
		return err
	}
	if int64(e.Len()) >= stamp.Count {
		return nil
	}
	return e.Load(ctx, a.Store)
}

// engineReport answers from the engine; ok is false when the reference
// path must answer instead.
func (a *App) engineReport(ctx context.Context, p *reportPlan) (rep *fairshare.Report, err error, ok bool) {
	if engineOff {
		return nil, nil, false
	}
	e, err := a.freshEngine(ctx, false)
	if err != nil {
		return nil, nil, false // the reference path reports the database's error
	}
	rep, err = e.Report(engine.Query{Input: p.in, Selection: p.sel, NoData: p.noData, Current: p.current, Ref: p.ref})
	if errors.Is(err, engine.ErrFallback) {
		return nil, nil, false
	}
	if err == nil && !gdpYearPct(rep, p.in) {
		return nil, nil, false
	}
	return rep, err, true
}

// gdpYearPct brings the engine's % of GDP to Compute's rule: the engine
// divides the exact euro total by the sum of each year's GDP, Compute by
// the GDP of Report.GDPYear times the number of years. The factor is exact.
// Transitional: drop it once the engine takes % of GDP from Compute (the
// perf branch's CountedEUR), or the two paths will differ again. It
// reports false when a row's exact figure cannot be had from the engine's
// (the engine had no GDP for some year and left an approximation): the
// reference path answers then.
func gdpYearPct(rep *fairshare.Report, in fairshare.ReportInput) bool {
	years := in.Target.Years()
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.PctGDP == nil || r.Counted == 0 {
			continue // the engine left Compute's figure
		}
		old := new(big.Rat)
		for _, y := range years {
			g := fairshare.GDPNearestYear(in.Indicators, r.Donor, y)
			if g == nil {
				old = nil
				break
			}
			old.Add(old, g)
		}
		if old == nil || old.Sign() <= 0 {
			return false
		}
		g := in.Indicators.Get(fairshare.KeyGDP, r.Donor, rep.GDPYear)
		if g == nil || g.Sign() <= 0 || len(years) == 0 {
			r.PctGDP = nil
			continue
		}
		now := new(big.Rat).Mul(g, big.NewRat(int64(len(years)), 1))
		r.PctGDP = new(big.Rat).Mul(r.PctGDP, new(big.Rat).Quo(old, now))
	}
	return true
}

// AddContributions records new entries (Store.AddContributions) and brings
// the engine up to date.
func (a *App) AddContributions(ctx context.Context, cs []fairshare.Contribution, ch fairshare.Change) (fairshare.ImportResult, error) {
	res, err := a.Store.AddContributions(ctx, cs, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true)
	}
	return res, err
}

// AmendContribution records a new version of an entry and applies it to the
// engine.
func (a *App) AmendContribution(ctx context.Context, c fairshare.Contribution, ch fairshare.Change) (fairshare.Contribution, error) {
	out, err := a.Store.AmendContribution(ctx, c, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true)
	}
	return out, err
}

// DeleteContribution records a deletion and applies it to the engine.
func (a *App) DeleteContribution(ctx context.Context, id string, ch fairshare.Change) error {
	err := a.Store.DeleteContribution(ctx, id, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true)
	}
	return err
}

// ReportVersion names the state reports are computed from: the engine's
// identity and generation and the reference data stamp. Two reports asked
// with the same arguments under the same version are the same but for
// as_of; "" means unknown (no engine yet), so nothing should be cached.
func (a *App) ReportVersion() string {
	st := a.engineState()
	st.mu.Lock()
	e := st.eng
	st.mu.Unlock()
	if e == nil {
		return ""
	}
	a.mu.Lock()
	ref := a.refStamp
	a.mu.Unlock()
	return fmt.Sprintf("%p/%d/%s", e, e.Generation(), ref)
}
