package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/verify"
)

// Pages and dataset statistics read the ledger as groups
// (fairshare.LedgerGroup), never row by row, and keep them per ledger
// version: a server answers from memory until the ledger or the reference
// data change. The groups come from the report engine's columns
// (engineGroups; 0.15-0.4 s at 10^6 contributions), or from one grouped
// query when the engine cannot give them exactly (6.9-10.7 s at 10^6 on SQLite).

// ledgerView is the grouped ledger as of one time, with what is derived
// from it on first use. A view is never changed once published: the
// current view advances by making a new one (advance).
type ledgerView struct {
	// groups are shared between views and never changed: a view that
	// changes a group has its own copy of it. A group whose Count fell to
	// 0 stays, and is skipped.
	groups  []*fairshare.LedgerGroup
	index   map[groupKey]int     // into groups; shared, read only; nil until the first advance
	extra   map[groupKey]int     // groups added since index was made; this view's own
	byDonor map[string][]int     // indexes into groups
	pairs   map[[2]string]int    // contributions per dataset and donor: coverage
	stamp   sqlstore.LedgerStamp // the ledger the current view reflects
	ref     string               // the reference data stamp derived figures used

	once  sync.Once
	stats map[string]*DatasetStats // per dataset, EUR at each date's rate

	covOnce sync.Once
	cov     map[string]map[string]bool

	mu            sync.Mutex
	monthly       map[string][]MonthlySeries // donor + currency
	reportMonthly map[string]*MonthlyGiving  // ReportMonthly, by target definition and selection
	statuses      map[string][]string        // counted statuses per target, dataset group and donor (compare.go)
	days          map[string]*donorDays
	recent        map[string][]fairshare.Contribution // RecentContributions, by donor and limit
}

type groupKey struct {
	dataset, donor, currency string
	day                      fairshare.Date
	status                   fairshare.Status
	category                 fairshare.Category
}

func keyOf(g *fairshare.LedgerGroup) groupKey {
	return groupKey{g.Dataset, g.Donor, g.Currency, g.Day, g.Status, g.Category}
}

func newView(gs []fairshare.LedgerGroup, stamp sqlstore.LedgerStamp, ref string) *ledgerView {
	v := &ledgerView{groups: make([]*fairshare.LedgerGroup, len(gs)),
		byDonor: map[string][]int{}, pairs: map[[2]string]int{}, stamp: stamp, ref: ref}
	for i := range gs {
		g := &gs[i]
		v.groups[i] = g
		v.byDonor[g.Donor] = append(v.byDonor[g.Donor], i)
		v.pairs[[2]string{g.Dataset, g.Donor}] += g.Count
	}
	return v
}

// withRef is v for other reference data: the same groups, nothing derived.
func (v *ledgerView) withRef(ref string) *ledgerView {
	return &ledgerView{groups: v.groups, index: v.index, extra: v.extra, byDonor: v.byDonor, pairs: v.pairs, stamp: v.stamp, ref: ref}
}

// donorDays counts a donor's contributions per day, newest day first.
type donorDays struct {
	days  []fairshare.Date
	count []int
	total int
}

type viewCache struct {
	mu    sync.Mutex
	m     map[string]*ledgerView // as-of views by ledger stamp, reference stamp and time
	cur   *ledgerView            // the current ledger
	build sync.Mutex             // one refresh of the current view at a time

	lastCheck time.Time
	checkCost time.Duration
	mark      dataMark // SQLite's data_version before cur's last full check
	advanced  int      // refreshes made by applying new versions (for tests)
}

const maxViews = 16

// view returns the grouped ledger as of asOf (zero: now), cached per ledger
// and reference data: the current one is brought up to date from the
// versions recorded since (advance), an as-of view is read once.
func (a *App) view(ctx context.Context, asOf time.Time) (*ledgerView, error) {
	// Derived figures convert with the reference data's rates: load it
	// first so that its stamp is known.
	if _, err := a.Reference(ctx); err != nil {
		return nil, err
	}
	a.mu.Lock()
	ref := a.refStamp
	a.mu.Unlock()
	if asOf.IsZero() {
		return a.currentView(ctx, ref)
	}
	stamp, err := a.sql.LedgerStamp(ctx)
	if err != nil {
		return nil, err
	}
	// Nothing recorded after asOf (a page pins its reads to its report's
	// time, mostly just now): the ledger then is the current one.
	if stamp.MaxRecorded <= asOf.UnixMicro() {
		cur, err := a.currentView(ctx, ref)
		if err != nil {
			return nil, err
		}
		if cur.stamp == stamp {
			return cur, nil
		}
	}
	key := fmt.Sprintf("%d/%d/%s@%s", stamp.Count, stamp.MaxRecorded, ref, asOf.UTC().Format(time.RFC3339Nano))
	a.views.mu.Lock()
	v := a.views.m[key]
	a.views.mu.Unlock()
	if v != nil {
		return v, nil
	}
	gs, est, ok := a.engineGroups(ctx, asOf)
	if !ok || est != stamp {
		if gs, err = a.store.LedgerGroups(ctx, asOf); err != nil {
			return nil, err
		}
	}
	v = newView(gs, stamp, ref)
	if after, err := a.sql.LedgerStamp(ctx); err == nil && after == stamp {
		a.views.mu.Lock()
		if a.views.m == nil || len(a.views.m) >= maxViews {
			a.views.m = map[string]*ledgerView{}
		}
		a.views.m[key] = v
		a.views.mu.Unlock()
	}
	return v, nil
}

// WarmPages makes the grouped ledger the dashboard's pages use, in the
// background, once the engine and the reference data are read, so that a
// server's first page need not: from the engine it takes a fraction of a
// second, but when the grouped query must answer it takes seconds (and
// holds SQLite's one connection: a report must not wait behind it). An
// error is left for the page that needs the ledger to report.
func (a *App) WarmPages(ctx context.Context) {
	go func() {
		ctx := context.WithoutCancel(ctx)
		if _, err := a.Engine(ctx); err != nil {
			return
		}
		a.view(ctx, time.Time{})
	}()
}

// currentView returns the grouped current ledger. Its stamp is checked as
// the engine's is (stampcheck.go): before every use, except when SQLite's
// data_version shows nothing committed since the last check, or on a big
// PostgreSQL ledger whose check is slow.
func (a *App) currentView(ctx context.Context, ref string) (*ledgerView, error) {
	vc := &a.views
	vc.mu.Lock()
	cur := vc.cur
	recent := cur != nil && skipStampCheck(a.sql.Driver(), cur.stamp.Count, vc.checkCost, vc.lastCheck)
	vc.mu.Unlock()
	if cur != nil && recent && cur.ref == ref {
		return cur, nil
	}
	vc.build.Lock()
	defer vc.build.Unlock()
	t0 := time.Now()
	mark := a.freshMark(ctx)
	vc.mu.Lock()
	cur = vc.cur
	same := vc.mark.unchanged(mark)
	vc.mu.Unlock()
	if cur != nil && same && cur.ref == ref {
		return cur, nil
	}
	stamp, err := a.sql.LedgerStamp(ctx)
	if err != nil {
		return nil, err
	}
	vc.mu.Lock()
	vc.lastCheck, vc.checkCost = t0, time.Since(t0)
	cur = vc.cur
	vc.mu.Unlock()
	var v *ledgerView
	switch {
	case cur != nil && cur.stamp == stamp && cur.ref == ref:
		vc.mu.Lock()
		vc.mark = mark
		vc.mu.Unlock()
		return cur, nil
	case cur != nil && cur.stamp == stamp:
		v = cur.withRef(ref)
	case cur != nil:
		if v, err = a.advance(ctx, cur, ref); err != nil {
			return nil, err
		}
	}
	if v == nil {
		gs, st, ok := a.engineGroups(ctx, time.Time{})
		if !ok {
			if gs, st, err = a.sql.LedgerGroupsStamped(ctx); err != nil {
				return nil, err
			}
		}
		v = newView(gs, st, ref)
	}
	vc.mu.Lock()
	vc.cur = v
	vc.mark = mark // read before v's ledger was: v holds every commit before it
	vc.mu.Unlock()
	return v, nil
}

// engineGroups is the grouped ledger as of asOf (zero: now) from the
// report engine's columns (engine.Groups), with the stamp of the ledger
// they reflect: the versions the engine holds and the newest time. The
// engine is brought up to date first. A version committed late with an
// earlier time, which the engine lacks, shows when a view advances (the
// counts disagree) and the groups are made again. ok is false when the
// engine cannot give them exactly; the caller then asks the store.
func (a *App) engineGroups(ctx context.Context, asOf time.Time) ([]fairshare.LedgerGroup, sqlstore.LedgerStamp, bool) {
	if engineOff {
		return nil, sqlstore.LedgerStamp{}, false
	}
	e, err := a.Engine(ctx)
	if err != nil {
		return nil, sqlstore.LedgerStamp{}, false
	}
	at := asOf.UnixMicro()
	if asOf.IsZero() {
		at = time.Now().Add(time.Hour).UnixMicro() // as the store's "now" (asOfMicros)
	}
	gs, n, rec, ok := e.Groups(at)
	return gs, sqlstore.LedgerStamp{Count: n, MaxRecorded: rec}, ok
}

// maxPrevReads bounds the reads of earlier versions an advance may make
// (one per amended or deleted entry not in the batch); beyond it, one
// grouped query is cheaper.
const maxPrevReads = 256

// advance applies the versions recorded since cur's stamp to a copy of
// cur: an entry's previous version leaves its group, the new one (unless a
// deletion) joins its group. It returns nil when the versions read do not
// account for the whole change (a version committed late with an earlier
// time, or too many to look up): then the caller queries afresh.
func (a *App) advance(ctx context.Context, cur *ledgerView, ref string) (*ledgerView, error) {
	var vs []fairshare.Contribution
	err := a.sql.VersionsSince(ctx, cur.stamp.MaxRecorded+1, func(c *fairshare.Contribution) error {
		vs = append(vs, *c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	stamp, err := a.sql.LedgerStamp(ctx)
	if err != nil {
		return nil, err
	}
	if stamp.Count != cur.stamp.Count+int64(len(vs)) {
		return nil, nil
	}
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].ID != vs[j].ID {
			return vs[i].ID < vs[j].ID
		}
		return vs[i].Version < vs[j].Version
	})
	type idv struct {
		id string
		v  int
	}
	batch := make(map[idv]*fairshare.Contribution, len(vs))
	for i := range vs {
		batch[idv{vs[i].ID, vs[i].Version}] = &vs[i]
	}
	index := cur.index
	if index == nil {
		// Made at the first change a view meets, not with the view: a
		// server only read never holds it (at 10^6 contributions some
		// 100 MB that every garbage collection marks).
		index = make(map[groupKey]int, len(cur.groups))
		for i, g := range cur.groups {
			index[keyOf(g)] = i
		}
	}
	// Copies of what changes: the group pointers (not the groups), the
	// small maps; the big index is shared and new groups go to extra.
	v := &ledgerView{groups: slices.Clone(cur.groups), index: index, extra: maps.Clone(cur.extra),
		byDonor: maps.Clone(cur.byDonor), pairs: maps.Clone(cur.pairs), stamp: stamp, ref: ref}
	if v.extra == nil {
		v.extra = map[groupKey]int{}
	}
	ownDonor, ownGroup := map[string]bool{}, map[int]bool{}
	add := func(c *fairshare.Contribution, n int) {
		g := fairshare.LedgerGroup{Dataset: c.Dataset, Donor: c.Donor, Currency: c.Currency, Day: c.Date,
			Status: c.Status, Category: c.Category}
		k := keyOf(&g)
		i, ok := v.extra[k]
		if !ok {
			i, ok = v.index[k]
		}
		if !ok {
			i = len(v.groups)
			v.groups = append(v.groups, &g)
			v.extra[k] = i
			ownGroup[i] = true
			if !ownDonor[c.Donor] {
				v.byDonor[c.Donor], ownDonor[c.Donor] = slices.Clone(v.byDonor[c.Donor]), true
			}
			v.byDonor[c.Donor] = append(v.byDonor[c.Donor], i)
		}
		if !ownGroup[i] {
			cp := *v.groups[i]
			v.groups[i], ownGroup[i] = &cp, true
		}
		v.groups[i].Count += n
		v.groups[i].Sum += fairshare.Amount(n) * c.Amount
		v.pairs[[2]string{c.Dataset, c.Donor}] += n
	}
	reads := 0
	for i := range vs {
		c := &vs[i]
		if c.Version > 1 {
			prev := batch[idv{c.ID, c.Version - 1}]
			if prev == nil {
				if reads++; reads > maxPrevReads {
					return nil, nil
				}
				hs, err := a.store.History(ctx, c.ID)
				if err != nil {
					return nil, err
				}
				for j := range hs {
					if hs[j].Version == c.Version-1 {
						prev = &hs[j]
					}
				}
				if prev == nil {
					return nil, nil
				}
			}
			if !prev.Deleted {
				add(prev, -1)
			}
		}
		if !c.Deleted {
			add(c, 1)
		}
	}
	if len(v.extra) > 1<<14 {
		// Fold the groups added since into a new index now and then, so
		// that extra, copied on every advance, stays small.
		v.index = maps.Clone(v.index)
		maps.Copy(v.index, v.extra)
		v.extra = nil
	}
	a.views.mu.Lock()
	a.views.advanced++
	a.views.mu.Unlock()
	return v, nil
}

// DatasetStats sums one dataset's current contributions.
type DatasetStats struct {
	fairshare.Dataset
	// Described is false for a dataset that only has contributions (e.g.
	// "user"): its description above is made up.
	Described     bool         `json:"described"`
	Contributions int          `json:"contributions"`
	From          string       `json:"from,omitempty"`
	To            string       `json:"to,omitempty"`
	TotalEUR      string       `json:"total_eur"`
	Unconverted   int          `json:"unconverted,omitempty"` // contributions without a rate, left out of the totals
	Currencies    []string     `json:"currencies,omitempty"`
	Donors        []DonorStats `json:"donors"`
	// AgainstTotals sets the rows' sum against running totals the
	// publisher states (verify.CumulativeLines), the gap in words.
	AgainstTotals []string                 `json:"against_totals,omitempty"`
	EUR           fairshare.Amount         `json:"-"`
	FromDate      fairshare.Date           `json:"-"`
	ToDate        fairshare.Date           `json:"-"`
	byYear        map[int]fairshare.Amount // EUR per calendar year
	byDonor       map[string]*DonorStats
	currencies    map[string]bool
}

// DonorStats sums one donor's current contributions in one dataset.
type DonorStats struct {
	Donor         string           `json:"donor"`
	Name          string           `json:"name"`
	Contributions int              `json:"contributions"`
	From          string           `json:"from"`
	To            string           `json:"to"`
	TotalEUR      string           `json:"total_eur"`
	EUR           fairshare.Amount `json:"-"`
	FromDate      fairshare.Date   `json:"-"`
	ToDate        fairshare.Date   `json:"-"`
}

// Months says which months a dataset or donor covers, "-" when none.
func Months(n int, from, to fairshare.Date) string {
	if n == 0 {
		return "-"
	}
	return from.String()[:7] + " to " + to.String()[:7]
}

func span(n int, from, to *fairshare.Date, d fairshare.Date) {
	if n == 0 || d.Before(*from) {
		*from = d
	}
	if n == 0 || d.After(*to) {
		*to = d
	}
}

// datasetStats sums the view per dataset and donor in EUR, each group at
// the rate of its own date (the sum of a day's contributions in one
// currency is converted once).
func (v *ledgerView) datasetStats(ref *Reference) map[string]*DatasetStats {
	v.once.Do(func() {
		out := map[string]*DatasetStats{}
		for _, g := range v.groups {
			if g.Count == 0 {
				continue
			}
			s := out[g.Dataset]
			if s == nil {
				s = &DatasetStats{byDonor: map[string]*DonorStats{}, currencies: map[string]bool{}, byYear: map[int]fairshare.Amount{}}
				out[g.Dataset] = s
			}
			eur, converted := g.Sum, true
			if g.Currency != "EUR" {
				var err error
				if eur, err = ref.Rates.ConvertAmount(g.Sum, g.Currency, "EUR", g.Day); err != nil {
					s.Unconverted += g.Count
					eur, converted = 0, false
				}
			}
			span(s.Contributions, &s.FromDate, &s.ToDate, g.Day)
			s.Contributions += g.Count
			s.EUR += eur
			if converted {
				s.byYear[g.Day.Year()] += eur
			}
			s.currencies[g.Currency] = true
			d := s.byDonor[g.Donor]
			if d == nil {
				d = &DonorStats{Donor: g.Donor}
				s.byDonor[g.Donor] = d
			}
			span(d.Contributions, &d.FromDate, &d.ToDate, g.Day)
			d.Contributions += g.Count
			d.EUR += eur
		}
		v.stats = out
	})
	return v.stats
}

// finish fills the printable fields of a copy of s for dataset d.
func (s *DatasetStats) finish(ref *Reference, d fairshare.Dataset, described bool) DatasetStats {
	out := DatasetStats{Dataset: d, Described: described, Donors: []DonorStats{}}
	if s == nil {
		out.TotalEUR = fairshare.Amount(0).Format("EUR")
		return out
	}
	out.Contributions, out.EUR, out.FromDate, out.ToDate, out.Unconverted = s.Contributions, s.EUR, s.FromDate, s.ToDate, s.Unconverted
	out.byYear = maps.Clone(s.byYear)
	out.TotalEUR = s.EUR.Format("EUR")
	if s.Contributions > 0 {
		out.From, out.To = s.FromDate.String(), s.ToDate.String()
	}
	for c := range s.currencies {
		out.Currencies = append(out.Currencies, c)
	}
	sort.Strings(out.Currencies)
	for _, ds := range s.byDonor {
		x := *ds
		if dn := ref.ByCode[x.Donor]; dn != nil {
			x.Name = dn.NameEN
		}
		x.From, x.To, x.TotalEUR = x.FromDate.String(), x.ToDate.String(), x.EUR.Format("EUR")
		out.Donors = append(out.Donors, x)
	}
	sort.Slice(out.Donors, func(i, j int) bool { return out.Donors[i].Donor < out.Donors[j].Donor })
	return out
}

// userDataset describes "user", the entries people record themselves.
func userDataset(id string) fairshare.Dataset {
	d := fairshare.Dataset{ID: id}
	if id == "user" {
		d.Name = "entries recorded by users"
		d.Coverage = "whatever users record with 'contributions add' or 'contributions import'"
	}
	return d
}

// Datasets lists every dataset with its statistics as of asOf (zero: now):
// the described ones in their order, then those that only hold
// contributions, "user" always among them.
func (a *App) Datasets(ctx context.Context, asOf time.Time) ([]DatasetStats, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.view(ctx, asOf)
	if err != nil {
		return nil, err
	}
	stats := v.datasetStats(ref)
	var out []DatasetStats
	seen := map[string]bool{}
	for _, d := range ref.Datasets {
		out = append(out, stats[d.ID].finish(ref, d, true))
		seen[d.ID] = true
	}
	var extra []string
	for id := range stats {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	if !seen["user"] && stats["user"] == nil {
		extra = append(extra, "user")
	}
	sort.Strings(extra)
	for _, id := range extra {
		out = append(out, stats[id].finish(ref, userDataset(id), false))
	}
	return out, nil
}

// Dataset returns one dataset's statistics as of asOf (zero: now);
// ENOTFOUND for an id neither described nor holding contributions.
func (a *App) Dataset(ctx context.Context, id string, asOf time.Time) (DatasetStats, error) {
	out, err := a.datasetStats(ctx, id, asOf)
	if err != nil || !hasCumulative(out.Dataset) {
		return out, err
	}
	// Only datasets with published running totals read their rows, and
	// those are small hand-compiled ones.
	cs, err := a.ListContributions(ctx, fairshare.ContributionFilter{Dataset: id, AsOf: asOf})
	if err != nil {
		return DatasetStats{}, err
	}
	out.AgainstTotals = verify.CumulativeLines(out.Dataset, cs)
	return out, nil
}

// datasetStats is Dataset from the grouped ledger alone: the one rule of
// which ids exist (described, or holding contributions, or "user").
func (a *App) datasetStats(ctx context.Context, id string, asOf time.Time) (DatasetStats, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return DatasetStats{}, err
	}
	v, err := a.view(ctx, asOf)
	if err != nil {
		return DatasetStats{}, err
	}
	s := v.datasetStats(ref)[id]
	d, described := ref.Dataset(id)
	if !described && s == nil && id != "user" {
		ids := make([]string, len(ref.Datasets))
		for i, x := range ref.Datasets {
			ids[i] = x.ID
		}
		return DatasetStats{}, fairshare.Errorf(fairshare.ENOTFOUND, "no dataset %q (known: %s)", id, strings.Join(ids, ", "))
	}
	if !described {
		d = userDataset(id)
	}
	return s.finish(ref, d, described), nil
}

func hasCumulative(d fairshare.Dataset) bool {
	for _, p := range d.Totals {
		if p.Compare == verify.CompareCumulative {
			return true
		}
	}
	return false
}

// Coverage maps each dataset to the donors it has data for as of asOf
// (zero: now). This is THE rule of "has data" everywhere (compare in the
// CLI, the API and the dashboard, the dataset choices): a dataset has data
// for a donor when it holds at least one current contribution for that
// donor, of any date, status or category. A dataset without data for a
// donor says nothing about it: not zero, unknown.
func (a *App) Coverage(ctx context.Context, asOf time.Time) (map[string]map[string]bool, error) {
	v, err := a.view(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return v.coverage(), nil // shared: read only
}

// coverage is computed once per view; callers must not change it.
func (v *ledgerView) coverage() map[string]map[string]bool {
	v.covOnce.Do(func() {
		out := map[string]map[string]bool{}
		for k, n := range v.pairs {
			if n <= 0 {
				continue
			}
			if out[k[0]] == nil {
				out[k[0]] = map[string]bool{}
			}
			out[k[0]][k[1]] = true
		}
		v.cov = out
	})
	return v.cov
}

// Covers reports whether any dataset of a selection ("a,b+c") has data for
// donor, by the rule of Coverage.
func Covers(cov map[string]map[string]bool, sel, donor string) bool {
	for _, g := range strings.Split(sel, ",") {
		for _, id := range strings.Split(g, "+") {
			if cov[strings.TrimSpace(id)][donor] {
				return true
			}
		}
	}
	return false
}

// DatasetsWithData lists the described datasets that hold contributions
// now, in the reference data's order: the choices a page offers, so that
// none shows an empty report.
func (a *App) DatasetsWithData(ctx context.Context) ([]string, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.view(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	cov := v.coverage()
	var ids []string
	for _, d := range ref.Datasets {
		if len(cov[d.ID]) > 0 {
			ids = append(ids, d.ID)
		}
	}
	return ids, nil
}

// MonthlySeries is one dataset's giving by a donor per month.
type MonthlySeries struct {
	Dataset string
	Label   string                              // dataset name and id
	Months  map[fairshare.Date]fairshare.Amount // first day of the month -> sum in the currency asked for
}

// DonorMonthly sums a donor's current contributions (as of asOf; zero: now)
// per dataset and month in cur, each day's sum at that day's rate; datasets
// in the reference data's order, then the others. Amounts without a rate
// are left out.
func (a *App) DonorMonthly(ctx context.Context, donor, cur string, asOf time.Time) ([]MonthlySeries, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.view(ctx, asOf)
	if err != nil {
		return nil, err
	}
	key := donor + " " + cur
	v.mu.Lock()
	out, ok := v.monthly[key]
	v.mu.Unlock()
	if ok {
		return out, nil
	}
	out = v.donorMonthly(ref, donor, cur)
	v.mu.Lock()
	if v.monthly == nil || len(v.monthly) >= 256 {
		v.monthly = map[string][]MonthlySeries{}
	}
	v.monthly[key] = out
	v.mu.Unlock()
	return out, nil
}

func (v *ledgerView) donorMonthly(ref *Reference, donor, cur string) []MonthlySeries {
	byDS := map[string]map[fairshare.Date]fairshare.Amount{}
	var order []string
	for _, i := range v.byDonor[donor] {
		g := v.groups[i]
		if g.Count == 0 {
			continue
		}
		x, _, _, err := ref.Rates.Convert(g.Sum, g.Currency, cur, g.Day)
		if err != nil {
			continue
		}
		if byDS[g.Dataset] == nil {
			byDS[g.Dataset] = map[fairshare.Date]fairshare.Amount{}
			order = append(order, g.Dataset)
		}
		byDS[g.Dataset][fairshare.NewDate(g.Day.Year(), g.Day.Month(), 1)] += x
	}
	var out []MonthlySeries
	seen := map[string]bool{}
	for _, d := range ref.Datasets {
		if m := byDS[d.ID]; m != nil {
			out = append(out, MonthlySeries{Dataset: d.ID, Label: d.Name + " (" + d.ID + ")", Months: m})
			seen[d.ID] = true
		}
	}
	sort.Strings(order)
	for _, id := range order {
		if !seen[id] {
			out = append(out, MonthlySeries{Dataset: id, Label: id, Months: byDS[id]})
		}
	}
	return out
}

// DonorContributionCount is how many current contributions a donor has
// (as of asOf; zero: now), from the grouped ledger.
func (a *App) DonorContributionCount(ctx context.Context, donor string, asOf time.Time) (int, error) {
	v, err := a.view(ctx, asOf)
	if err != nil {
		return 0, err
	}
	return v.donorDays(donor).total, nil
}

// RecentContributions returns a donor's newest current contributions (as
// of asOf; zero: now), at most limit of them (whole days, so a few more
// when a day is split), newest first, and how many it has in all. The
// grouped ledger finds the first day to read, so only those rows are read,
// once per ledger version; callers must not change the slice.
func (a *App) RecentContributions(ctx context.Context, donor string, asOf time.Time, limit int) ([]fairshare.Contribution, int, error) {
	v, err := a.view(ctx, asOf)
	if err != nil {
		return nil, 0, err
	}
	dd := v.donorDays(donor)
	if dd.total == 0 {
		return nil, 0, nil
	}
	from, n := dd.days[0], 0
	for i, d := range dd.days {
		from = d
		if n += dd.count[i]; n >= limit {
			break
		}
	}
	key := fmt.Sprintf("%s/%d", donor, limit)
	v.mu.Lock()
	cs, ok := v.recent[key]
	v.mu.Unlock()
	if ok {
		return cs, dd.total, nil
	}
	cs, err = a.store.Contributions(ctx, fairshare.ContributionFilter{Donor: donor, AsOf: asOf, From: from})
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(cs)
	// Kept with the view only when the ledger read is the view's: a write
	// committed between the view's check and this read must not be shown
	// under the older version (nor, worse, be missing under the newer one).
	if after, err := a.sql.LedgerStamp(ctx); err == nil && after == v.stamp {
		v.mu.Lock()
		if v.recent == nil || len(v.recent) >= 64 {
			v.recent = map[string][]fairshare.Contribution{}
		}
		v.recent[key] = cs
		v.mu.Unlock()
	}
	return cs, dd.total, nil
}

func (v *ledgerView) donorDays(donor string) *donorDays {
	v.mu.Lock()
	defer v.mu.Unlock()
	if dd := v.days[donor]; dd != nil {
		return dd
	}
	perDay := map[fairshare.Date]int{}
	dd := &donorDays{}
	for _, i := range v.byDonor[donor] {
		g := v.groups[i]
		if g.Count == 0 {
			continue
		}
		if perDay[g.Day] == 0 {
			dd.days = append(dd.days, g.Day)
		}
		perDay[g.Day] += g.Count
		dd.total += g.Count
	}
	sort.Slice(dd.days, func(i, j int) bool { return dd.days[i].After(dd.days[j]) })
	dd.count = make([]int, len(dd.days))
	for i, d := range dd.days {
		dd.count[i] = perDay[d]
	}
	if v.days == nil {
		v.days = map[string]*donorDays{}
	}
	v.days[donor] = dd
	return dd
}
