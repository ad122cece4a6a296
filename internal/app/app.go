// Package app wires a store to the embedded reference data and answers the
// questions the CLI and the HTTP server both ask: reports, imports,
// conversions. It holds no state the database does not hold, beyond caches.
package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// DefaultDatasets is the dataset selection a report uses when none is given:
// the shipped Kiel release alone. Other datasets describe the same aid, so
// adding them by default would count it twice; a report names the datasets
// it leaves out that hold entries it would count (Report.LeftOut), and
// they are counted when chosen ("user,kiel-r29") or marked as a supplement
// of a counted dataset (Dataset.SupplementOf).
const DefaultDatasets = "kiel-r29"

// App is an open fairshare database with its reference data.
type App struct {
	// store is the only way to the data for the use cases: the domain's
	// interface. sql is the same store seen as SQL, for what only a SQL
	// store offers: the report engine's stamp, scans and saved columns
	// (engine.go, saved.go), SQLite's online backup and the news tables.
	store fairshare.Store
	sql   *sqlstore.Store
	DSN   string

	mu          sync.Mutex
	ref         *Reference // cached while the store's reference stamp is unchanged
	refStamp    string
	refMark     dataMark                // SQLite's data_version before refStamp was read
	targets     *sqlstore.TargetHistory // every target version (report.go targetAsOf)
	targetsMark dataMark

	engine engineState // the report engine, built on first use (engine.go)
	views  viewCache   // the grouped ledger per version (ledgerview.go)
	marks  markReader  // SQLite's data_version, read once for concurrent callers (stampcheck.go)
}

// Reference is the reference data indexed for computing.
type Reference struct {
	Donors     []fairshare.Donor
	ByCode     map[string]*fairshare.Donor
	Indicators fairshare.IndicatorTable
	Rates      *fairshare.RateTable
	Datasets   []fairshare.Dataset
	Targets    []fairshare.Target

	indicators []fairshare.Indicator // as stored, for App.Indicators
}

// DefaultDSN is the SQLite file in the user's data directory.
func DefaultDSN() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "fairshare.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "fairshare", "fairshare.db")
}

// Options control Open.
type Options struct {
	// NoMigrate refuses to change the schema (PostgreSQL deployments run
	// 'fairshare migrate' explicitly); SQLite always migrates.
	NoMigrate bool
}

// Open opens the database, migrates it, and loads the embedded reference
// data and shipped datasets when they are missing or out of date.
func Open(ctx context.Context, dsn string, opt Options) (*App, error) {
	if dsn == "" {
		dsn = DefaultDSN()
	}
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	a := &App{store: st, sql: st, DSN: dsn}
	if !opt.NoMigrate || st.Driver() == "sqlite" {
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := a.ensureReference(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return a.store.Close() }

const metaRefVersion = "refdata_version"

// ensureReference loads embedded reference data when the store holds another
// version. Shipped contributions are recorded as of their dataset's release
// date, so --as-of shows them from the day they were published.
func (a *App) ensureReference(ctx context.Context) error {
	v, err := a.store.Meta(ctx, metaRefVersion)
	if err != nil {
		return err
	}
	if v == refdata.Version() {
		return nil
	}
	rd, err := refdata.Load()
	if err != nil {
		return fmt.Errorf("embedded reference data: %w", err)
	}
	if err := a.store.LoadReference(ctx, rd); err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return err
	}
	for _, d := range rd.Datasets {
		cs, ok, err := refdata.Contributions(d.ID, ref)
		if err != nil {
			return fmt.Errorf("shipped dataset %s: %w", d.ID, err)
		}
		if !ok {
			continue
		}
		at := time.Now().UTC()
		if rel, err := fairshare.ParseDate(d.ReleaseDate); err == nil {
			at = rel.Time()
		}
		if err := a.syncShipped(ctx, d.ID, cs, at); err != nil {
			return fmt.Errorf("shipped dataset %s: %w", d.ID, err)
		}
	}
	return a.store.SetMeta(ctx, metaRefVersion, refdata.Version())
}

// shippedAuthor records shipped datasets' entries.
const shippedAuthor = "fairshare"

// syncShipped brings a shipped dataset in the ledger to the embedded
// version: new entries are added as of the release date, and entries a
// newer release no longer has are deleted (a recorded version, so --as-of
// still shows them), unless someone corrected them since: a correction is
// the user's and stays.
func (a *App) syncShipped(ctx context.Context, dataset string, cs []fairshare.Contribution, release time.Time) error {
	if _, err := a.store.AddContributions(ctx, cs, fairshare.Change{Author: shippedAuthor, Reason: "shipped dataset " + dataset, At: release}); err != nil {
		return err
	}
	keep := make(map[string]bool, len(cs))
	for i := range cs {
		id := cs[i].ID
		if id == "" {
			id = cs[i].NaturalID()
		}
		keep[id] = true
	}
	cur, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: dataset})
	if err != nil {
		return err
	}
	for _, c := range cur {
		if keep[c.ID] || c.Author != shippedAuthor {
			continue
		}
		// Dated like the additions, at the release, so that no as-of time
		// shows both an entry and the one that replaced it.
		if err := a.store.DeleteContribution(ctx, c.ID, fairshare.Change{Author: shippedAuthor, At: release,
			Reason: "no longer in shipped dataset " + dataset + " (reference data " + refdata.Version() + ")"}); err != nil {
			return err
		}
	}
	return nil
}

// Reference returns the indexed reference data, cached until the store's
// reference stamp changes: another process (a CLI import of rates, another
// server adding a target) may write it.
func (a *App) Reference(ctx context.Context) (*Reference, error) {
	return a.referenceAt(ctx, a.freshMark(ctx))
}

// referenceAt is Reference given a mark read after the caller began: with
// nothing committed since the stamp was last read, it is unchanged
// (stampcheck.go).
func (a *App) referenceAt(ctx context.Context, mark dataMark) (*Reference, error) {
	a.mu.Lock()
	if a.ref != nil && a.refMark.unchanged(mark) {
		defer a.mu.Unlock()
		return a.ref, nil
	}
	a.mu.Unlock()
	stamp, err := a.store.ReferenceStamp(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ref != nil && stamp == a.refStamp {
		a.refMark = mark
		return a.ref, nil
	}
	r := &Reference{ByCode: map[string]*fairshare.Donor{}}
	if r.Donors, err = a.store.Donors(ctx); err != nil {
		return nil, err
	}
	for i := range r.Donors {
		r.ByCode[r.Donors[i].Code] = &r.Donors[i]
	}
	ind, err := a.store.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	if r.Indicators, err = fairshare.NewIndicatorTable(ind); err != nil {
		return nil, err
	}
	r.indicators = ind
	if r.Rates, err = a.rateTable(ctx, stamp); err != nil {
		return nil, err
	}
	if r.Datasets, err = a.store.Datasets(ctx); err != nil {
		return nil, err
	}
	if r.Targets, err = a.store.Targets(ctx); err != nil {
		return nil, err
	}
	a.ref, a.refStamp, a.refMark = r, stamp, mark
	return r, nil
}

// rateTable returns the rate table of reference stamp: from its saved copy
// (sqlstore engine_cache) when that was taken at the same stamp, else from
// the rates, saving a copy for the next process. Every write of rates
// changes the stamp (a random value, never reused), so a copy taken at the
// current stamp holds the current rates; a copy read and labelled at an
// older stamp is never used again. Reading and checking the copy costs a
// new process far less than the 17k rows of the ECB's daily rates.
func (a *App) rateTable(ctx context.Context, stamp string) (*fairshare.RateTable, error) {
	if stamp == "" || cacheOff() {
		return a.sql.RateTable(ctx)
	}
	if at, data, found, err := a.sql.ReadRateCache(ctx); err == nil && found && at == stamp {
		if t, err := fairshare.DecodeRateTable(data); err == nil {
			return t, nil
		}
	}
	t, err := a.sql.RateTable(ctx)
	if err != nil {
		return nil, err
	}
	// Failing to save costs the next process time, not correctness (a
	// read-only database, say).
	if data, err := t.AppendBinary(nil); err == nil {
		_ = a.sql.WriteRateCache(ctx, stamp, data)
	}
	return t, nil
}

// KnownDonor implements ledgerio.Checker.
func (r *Reference) KnownDonor(code string) bool { return r.ByCode[code] != nil }

// KnownCurrency implements ledgerio.Checker.
func (r *Reference) KnownCurrency(code string) bool { return r.Rates.Known(code) }

// Target finds a target by id.
func (r *Reference) Target(id string) (fairshare.Target, error) {
	for _, t := range r.Targets {
		if t.ID == id {
			return t, nil
		}
	}
	ids := make([]string, len(r.Targets))
	for i, t := range r.Targets {
		ids[i] = t.ID
	}
	return fairshare.Target{}, fairshare.Errorf(fairshare.ENOTFOUND, "no target %q (known: %s)", id, strings.Join(ids, ", "))
}

// Dataset finds a dataset description by id.
func (r *Reference) Dataset(id string) (fairshare.Dataset, bool) {
	for _, d := range r.Datasets {
		if d.ID == id {
			return d, true
		}
	}
	return fairshare.Dataset{}, false
}

// SortedCodes returns donor codes sorted.
func (r *Reference) SortedCodes() []string {
	out := make([]string, 0, len(r.ByCode))
	for c := range r.ByCode {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
