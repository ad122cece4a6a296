package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// The report engine (internal/engine) holds the whole versioned ledger in
// memory. A new process starts it from its saved columns in the database
// (sqlstore engine_cache, see openEngine), or from the ledger's rows when
// none fit, and keeps it current three ways:
//
//   - writes made through App's AddContributions, AmendContribution and
//     DeleteContribution refresh it at once;
//   - before a report, the ledger's stamp (sqlstore.LedgerStamp: row count
//     and newest recorded_us) is compared with the one the engine was
//     refreshed to; when it differs (another process or a direct Store
//     write) only the versions recorded since are read, and the whole
//     ledger is reloaded if the counts still disagree;
//   - on SQLite the stamp is read only when the file's data_version has
//     changed since the last check (dataMark, stampcheck.go): any commit
//     by any connection changes it;
//   - on PostgreSQL with a big ledger, a stamp check that itself costs 1 ms
//     or more (COUNT(*) on a large table) is made at most every 100 times
//     its cost, capped at 1 s (skipStampCheck, stampcheck.go). On a small
//     ledger it is checked before every report.
//
// The versions a refresh reads are appended to the saved engine as a
// segment, so the next process need not read them again; past 1 % of the
// ledger a new saved base replaces base and segments. Several servers on
// one database all append and rewrite it: it is only ever a cache, checked
// against the ledger on open.
//
// Concurrent reports share one stamp check: a report waits for a check that
// began after it arrived, rather than making its own.
//
// FAIRSHARE_ENGINE=off makes every report take the reference path.

var engineOff = os.Getenv("FAIRSHARE_ENGINE") == "off"

// cacheOff: FAIRSHARE_ENGINE_CACHE=off neither reads nor writes the saved
// engine (benchmarks of the load from the ledger's rows).
func cacheOff() bool { return os.Getenv("FAIRSHARE_ENGINE_CACHE") == "off" }

type engineState struct {
	mu        sync.Mutex // building and refreshing
	eng       *engine.Engine
	baseSeq   int64 // the saved base the engine was restored from
	segRows   int   // versions in the saved segments after the saved base
	segs      int
	stamp     sqlstore.LedgerStamp
	lastCheck time.Time
	checkCost time.Duration
	mark      dataMark      // SQLite's data_version before the last full check (stampcheck.go)
	reads     int           // stamp reads after the first (TestStampReads)
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
	return a.freshEngine(ctx, false, nil)
}

// CurrentVersion brings the engine and the reference data up to date with
// the database and returns ReportVersion: what a rendering made from
// reports and the ledger's aggregates may be kept under. On SQLite one
// data_version read serves both checks.
func (a *App) CurrentVersion(ctx context.Context) (string, error) {
	mark := a.freshMark(ctx)
	if _, err := a.referenceAt(ctx, mark); err != nil {
		return "", err
	}
	if _, err := a.freshEngine(ctx, false, &mark); err != nil {
		return "", err
	}
	return a.ReportVersion(), nil
}

// freshEngine returns the engine brought up to date (force: even when a
// check just made says it is). mark, when given, was read after the caller
// began; nil reads one.
func (a *App) freshEngine(ctx context.Context, force bool, mark *dataMark) (*engine.Engine, error) {
	st := a.engineState()
	arrival := st.started.Load()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.eng == nil {
		if force {
			return nil, nil // nothing to refresh yet
		}
		seq := st.started.Add(1)
		stamp, err := a.sql.LedgerStamp(ctx)
		if err != nil {
			return nil, err
		}
		e, err := a.openEngine(ctx, st, stamp)
		if err != nil {
			return nil, err
		}
		st.eng, st.stamp, st.doneStart, st.lastCheck = e, stamp, seq, time.Now()
		if mark != nil {
			st.mark = *mark // read before the stamp
		}
		return e, nil
	}
	if !force {
		if st.doneStart > arrival {
			return st.eng, nil // a check that began after this request came has completed
		}
		if skipStampCheck(a.sql.Driver(), st.stamp.Count, st.checkCost, st.lastCheck) {
			return st.eng, nil
		}
	}
	seq := st.started.Add(1)
	t0 := time.Now()
	if mark == nil {
		m := a.freshMark(ctx)
		mark = &m
	}
	if !force && st.mark.unchanged(*mark) {
		st.doneStart, st.lastCheck = seq, t0
		return st.eng, nil
	}
	st.reads++
	stamp, err := a.sql.LedgerStamp(ctx)
	if err != nil {
		return nil, err
	}
	st.checkCost = time.Since(t0)
	if stamp != st.stamp {
		applied, reloaded, err := a.refreshEngine(ctx, st.eng, stamp)
		if err != nil {
			return nil, err
		}
		st.stamp = stamp
		a.saveEngine(ctx, st, st.eng, stamp, applied, reloaded)
	}
	st.doneStart, st.lastCheck, st.mark = seq, t0, *mark
	return st.eng, nil
}

// refreshEngine brings e up to at least stamp: the versions recorded since
// the newest it holds, then a look-back window, then a full reload. It
// returns the versions that were new to e, or reloaded when it read the
// whole ledger or applied so many that a new base is due: those are not
// kept, since saveEngine would not write them as a segment (after an
// import of 10^6 entries they took the process to 1.3 GB).
func (a *App) refreshEngine(ctx context.Context, e *engine.Engine, stamp sqlstore.LedgerStamp) (applied []fairshare.Contribution, reloaded bool, err error) {
	st := a.engineState()
	if err := a.engineIDs(ctx, st, e); err != nil {
		return nil, false, err
	}
	many := false
	apply := func(since int64) error {
		var batch []fairshare.Contribution
		flush := func() {
			for i := range batch {
				if e.Apply(batch[i]) > 0 && !many {
					applied = append(applied, batch[i])
				}
			}
			batch = batch[:0]
			if !many && baseDue(st, e, len(applied)) {
				// It stays due: applied grows a hundred times faster than
				// the threshold.
				many, applied = true, nil
			}
		}
		err := a.sql.VersionsSince(ctx, since, func(c *fairshare.Contribution) error {
			batch = append(batch, *c)
			if len(batch) == 4096 {
				flush()
			}
			return nil
		})
		flush()
		return err
	}
	// Versions recorded after the newest held; one committed late with the
	// same or an earlier time shows in the counts and is found by the
	// look-back below.
	hw := e.MaxRecorded()
	if err := apply(hw + 1); err != nil {
		return nil, false, err
	}
	if int64(e.Len()) >= stamp.Count {
		return applied, many, nil
	}
	if err := apply(hw - lookback.Microseconds()); err != nil {
		return nil, false, err
	}
	if int64(e.Len()) >= stamp.Count {
		return applied, many, nil
	}
	return nil, true, e.Load(ctx, a.sql)
}

// openEngine builds the engine of a new process: from the saved columns in
// the database (sqlstore engine_cache) when they describe this ledger,
// brought up to stamp with the versions recorded since; from the ledger's
// rows otherwise. The saved form is a cache and never trusted blindly: it
// must hold no more versions than the ledger and no newer time, and its
// newest version must be in the ledger (a restored or replaced database
// fails that); anything else is rebuilt.
func (a *App) openEngine(ctx context.Context, st *engineState, stamp sqlstore.LedgerStamp) (*engine.Engine, error) {
	if e, ok := a.cachedEngine(ctx, st, stamp); ok {
		if int64(e.Len()) == stamp.Count && e.MaxRecorded() == stamp.MaxRecorded {
			if st.segs > 0 {
				// The segments made this process read the id index and apply
				// them; a new base spares the next process that.
				a.saveEngine(ctx, st, e, stamp, nil, true)
			}
			return e, nil
		}
		applied, reloaded, err := a.refreshEngine(ctx, e, stamp)
		if err != nil {
			return nil, err
		}
		a.saveEngine(ctx, st, e, stamp, applied, reloaded)
		return e, nil
	}
	e := engine.New()
	if err := e.Load(ctx, a.sql); err != nil {
		return nil, err
	}
	// Load leaves the columns' first, unsorted copies as garbage; collected
	// now, they are not part of the peak while the saved form is encoded
	// (a first report after a big import: 10^6 rows 244 -> 197 MB peak,
	// 10^7 rows 2,069 -> 1,675 MB).
	if !cacheOff() {
		runtime.GC()
	}
	a.saveEngine(ctx, st, e, stamp, nil, true)
	return e, nil
}

// cachedEngine reads the saved engine's columns (not its id index, which
// only writes need: see engineIDs); ok is false when there is none or it does
// not fit the ledger.
func (a *App) cachedEngine(ctx context.Context, st *engineState, stamp sqlstore.LedgerStamp) (*engine.Engine, bool) {
	if cacheOff() {
		return nil, false
	}
	e := engine.New()
	found, err := a.sql.ReadEngineBase(ctx, 0, 0, func(seq int64, _ sqlstore.LedgerStamp, next func() ([]byte, error)) error {
		st.baseSeq = seq
		return e.RestoreChunks(next)
	})
	if err != nil || !found {
		return nil, false
	}
	var segs [][]fairshare.Contribution
	st.segs, st.segRows = 0, 0
	err = a.sql.ReadEngineSegments(ctx, func(data []byte) error {
		vs, err := engine.DecodeVersions(data)
		segs = append(segs, vs)
		st.segs++
		st.segRows += len(vs)
		return err
	})
	if err != nil {
		return nil, false
	}
	if int64(e.Len()) > stamp.Count || e.MaxRecorded() > stamp.MaxRecorded {
		return nil, false
	}
	if id, v, rec, ok := e.Newest(); ok {
		if has, err := a.sql.HasVersion(ctx, id, v, rec); err != nil || !has {
			return nil, false
		}
	}
	for _, vs := range segs {
		if len(vs) > 0 {
			if err := a.engineIDs(ctx, st, e); err != nil {
				return nil, false
			}
			e.Apply(vs...)
		}
	}
	return e, true
}

// engineIDs reads the id index of a saved engine restored without it, which
// writes to the engine need; when it is gone (another server saved a newer
// base meanwhile) the engine is loaded from the ledger's rows.
func (a *App) engineIDs(ctx context.Context, st *engineState, e *engine.Engine) error {
	if !e.NeedsIDs() {
		return nil
	}
	found, err := a.sql.ReadEngineBase(ctx, st.baseSeq, 1, func(_ int64, _ sqlstore.LedgerStamp, next func() ([]byte, error)) error {
		return e.RestoreIDChunks(next)
	})
	if err == nil && found {
		return nil
	}
	return e.Load(ctx, a.sql)
}

// saveEngine keeps the saved engine in step: the versions a refresh applied
// as a segment, or a new base after a full load or when the segments have
// grown. Failing to save costs the next process time, not correctness, so
// errors are dropped (a read-only database, say).
func (a *App) saveEngine(ctx context.Context, st *engineState, e *engine.Engine, stamp sqlstore.LedgerStamp, applied []fairshare.Contribution, reloaded bool) {
	if cacheOff() || (!reloaded && len(applied) == 0) {
		return
	}
	if reloaded || baseDue(st, e, len(applied)) {
		if a.engineIDs(ctx, st, e) != nil {
			return
		}
		cols, ids, err := e.Snapshot()
		if err == nil && a.sql.WriteEngineBase(ctx, stamp, cols, ids) == nil {
			st.segs, st.segRows = 0, 0
		}
		return
	}
	if a.sql.AppendEngineSegment(ctx, stamp, engine.EncodeVersions(applied)) == nil {
		st.segs++
		st.segRows += len(applied)
	}
}

// baseDue says whether n more versions should be saved as a new base
// rather than a segment. Segments are cheap to write but make a new
// process read the id index (28 bytes a version) to apply them: past 1 % of
// the ledger or 64 segments a new base is cheaper for everyone after.
func baseDue(st *engineState, e *engine.Engine, n int) bool {
	return st.segs >= 64 || (st.segRows+n)*100 > e.Len()+4096*100
}

// engineReport answers from the engine; ok is false when the reference
// path must answer instead.
func (a *App) engineReport(ctx context.Context, p *reportPlan, mark dataMark) (rep *fairshare.Report, err error, ok bool) {
	if engineOff {
		return nil, nil, false
	}
	e, err := a.freshEngine(ctx, false, &mark)
	if err != nil {
		return nil, nil, false // the reference path reports the database's error
	}
	rep, err = e.Report(engine.Query{Input: p.in, Selection: p.sel, NoData: p.noData, Current: p.current, Ref: p.ref})
	if errors.Is(err, engine.ErrFallback) {
		return nil, nil, false
	}
	return rep, err, true
}

// AddContributions records new entries (Store.AddContributions) and brings
// the engine up to date.
func (a *App) AddContributions(ctx context.Context, cs []fairshare.Contribution, ch fairshare.Change) (fairshare.ImportResult, error) {
	if err := a.canWriteAll(ctx, ch, cs); err != nil {
		return fairshare.ImportResult{}, err
	}
	res, err := a.store.AddContributions(ctx, cs, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
	}
	return res, err
}

// AmendContribution records a new version of an entry and applies it to the
// engine.
func (a *App) AmendContribution(ctx context.Context, c fairshare.Contribution, ch fairshare.Change) (fairshare.Contribution, error) {
	out, err := a.store.AmendContribution(ctx, c, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
	}
	return out, err
}

// DeleteContribution records a deletion and applies it to the engine.
func (a *App) DeleteContribution(ctx context.Context, id string, ch fairshare.Change) error {
	err := a.store.DeleteContribution(ctx, id, ch)
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
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

// NewReference indexes reference data that does not come from a database
// (report --from-csv: the embedded data, with rates and GDP from files).
func NewReference(donors []fairshare.Donor, ind fairshare.IndicatorTable, rates *fairshare.RateTable,
	datasets []fairshare.Dataset, targets []fairshare.Target) *Reference {
	r := &Reference{Donors: donors, ByCode: map[string]*fairshare.Donor{}, Indicators: ind, Rates: rates, Datasets: datasets, Targets: targets}
	for i := range r.Donors {
		r.ByCode[r.Donors[i].Code] = &r.Donors[i]
	}
	return r
}

// ReportFromCSV answers a report straight from a contributions file in the
// import format, planned exactly as Report plans one, with the engine's
// streaming parser (engine.ReportCSV): every row is a current contribution.
// Without Datasets every dataset in the file counts, as one group.
func ReportFromCSV(ref *Reference, r io.Reader, name string, req ReportRequest) (*fairshare.Report, error) {
	if !req.AsOf.IsZero() {
		return nil, fairshare.FieldError("as-of", "--as-of needs the database: a CSV file has no versions")
	}
	p, err := planFor(ref, req, false)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Datasets) == "" {
		p.sel = nil
	}
	q := engine.CSVQuery{Input: p.in, NoData: p.noData}
	if p.sel != nil {
		q.Selection = p.sel
	}
	rep, _, err := engine.ReportCSV(r, name, q)
	return rep, err
}

// Warm begins reading the saved report engine and the reference data in
// the background, so that a server's first report need not wait for them.
func (a *App) Warm(ctx context.Context) {
	a.startEngine(ctx)
	go a.Reference(context.WithoutCancel(ctx))
}

// startEngine begins building the engine in the background when no engine
// is built yet, so that a new process reads its reference data and its
// saved engine at the same time (two cores, and PostgreSQL connections, in
// parallel).
func (a *App) startEngine(ctx context.Context) {
	if engineOff {
		return
	}
	st := a.engineState()
	if !st.mu.TryLock() {
		return // being built or refreshed
	}
	built := st.eng != nil
	st.mu.Unlock()
	if !built {
		go a.freshEngine(context.WithoutCancel(ctx), false, nil)
	}
}
