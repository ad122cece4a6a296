// Package storetest is the one storage test suite that every
// fairshare.Store (SQLite and PostgreSQL) must pass. A store's own tests call
// Run with a function that opens a fresh, migrated, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
)

// Run runs the suite. open must return a new, migrated store holding nothing
// (each subtest opens its own) and arrange for it to be closed.
func Run(t *testing.T, open func(t *testing.T) fairshare.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s fairshare.Store)
	}{
		{"AddIdempotent", testAddIdempotent},
		{"AddAllOrNothing", testAddAllOrNothing},
		{"AmendDeleteVersions", testAmendDeleteVersions},
		{"AmendDeleteErrors", testAmendDeleteErrors},
		{"AsOf", testAsOf},
		{"Filters", testFilters},
		{"ConcurrentAdd", testConcurrentAdd},
		{"ConcurrentAmend", testConcurrentAmend},
		{"Update", testUpdate},
		{"ConcurrentUpdate", testConcurrentUpdate},
		{"ContributionIDs", testContributionIDs},
		{"Reference", testReference},
		{"ConcurrentLoadReference", testConcurrentLoadReference},
		{"Targets", testTargets},
		{"Datasets", testDatasets},
		{"Meta", testMeta},
		{"Rates", testRates},
		{"LedgerGroups", testLedgerGroups},
		{"AddTarget", testAddTarget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// Fixed times (microsecond precision, as stored) for the recorded history.
var (
	t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)
	t2 = t1.Add(24 * time.Hour)
	t3 = t2.Add(24 * time.Hour)
)

func day(s string) fairshare.Date { return fairshare.MustDate(s) }

// contrib returns a valid contribution; n makes it distinct.
func contrib(donor, dataset, date string, n int) fairshare.Contribution {
	return fairshare.Contribution{
		Donor: donor, Recipient: "UKR", Date: day(date), Amount: fairshare.Amount(100000 + n),
		Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: dataset,
		Description: fmt.Sprintf("entry %d", n),
		Source:      fairshare.Source{URL: fmt.Sprintf("https://example.org/%d", n), Publisher: "Pub", Title: "Title", Date: "2024-01-02"},
	}
}

func generate(n, from int) []fairshare.Contribution {
	donors := []string{"DNK", "DEU", "FRA", "NLD"}
	out := make([]fairshare.Contribution, n)
	for i := range out {
		k := from + i
		out[i] = contrib(donors[k%len(donors)], "user", fmt.Sprintf("2024-%02d-%02d", 1+k%12, 1+k%28), k)
	}
	return out
}

// show formats a version with every stored field, for exact comparison.
func show(c fairshare.Contribution) string {
	return fmt.Sprintf("%s v%d rec=%d del=%v %s>%s %s %d %s %s %s ds=%s %q src=%+v by=%q why=%q",
		c.ID, c.Version, c.RecordedAt.UnixMicro(), c.Deleted, c.Donor, c.Recipient, c.Date, int64(c.Amount),
		c.Currency, c.Category, c.Status, c.Dataset, c.Description, c.Source, c.Author, c.Reason)
}

func showAll(cs []fairshare.Contribution) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = show(c)
	}
	return strings.Join(s, "\n")
}

func sameVersions(t *testing.T, what string, got, want []fairshare.Contribution) {
	t.Helper()
	if g, w := showAll(got), showAll(want); g != w {
		t.Errorf("%s:\ngot  %s\nwant %s", what, strings.ReplaceAll(g, "\n", "\n     "), strings.ReplaceAll(w, "\n", "\n     "))
	}
}

// recorded returns c as the store should hold it after an add.
func recorded(c fairshare.Contribution, ch fairshare.Change) fairshare.Contribution {
	if c.ID == "" {
		c.ID = c.NaturalID()
	}
	c.Version, c.RecordedAt, c.Author, c.Reason, c.Deleted = 1, ch.At, ch.Author, ch.Reason, false
	return c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if fairshare.ErrorCode(err) != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, fairshare.ErrorCode(err), code)
	}
}

func mustAdd(t *testing.T, s fairshare.Store, cs []fairshare.Contribution, ch fairshare.Change) fairshare.ImportResult {
	t.Helper()
	res, err := s.AddContributions(ctx, cs, ch)
	if err != nil {
		t.Fatalf("AddContributions: %v", err)
	}
	return res
}

func all(t *testing.T, s fairshare.Store, f fairshare.ContributionFilter) []fairshare.Contribution {
	t.Helper()
	cs, err := s.Contributions(ctx, f)
	if err != nil {
		t.Fatalf("Contributions(%+v): %v", f, err)
	}
	return cs
}

func testAddIdempotent(t *testing.T, s fairshare.Store) {
	a, b, c := contrib("DNK", "user", "2024-01-10", 1), contrib("DEU", "user", "2024-02-10", 2), contrib("FRA", "user", "2024-03-10", 3)
	explicit := contrib("NLD", "user", "2024-04-10", 4)
	explicit.ID = "my-own-id"
	changed := explicit
	changed.Amount = 999 // same id, other content: skipped, never altered
	ch := fairshare.Change{Author: "alice", Reason: "first import", At: t0}

	steps := []struct {
		name  string
		batch []fairshare.Contribution
		want  fairshare.ImportResult
	}{
		{"new", []fairshare.Contribution{a, b}, fairshare.ImportResult{Added: 2}},
		{"again", []fairshare.Contribution{a, b}, fairshare.ImportResult{Skipped: 2}},
		{"mixed", []fairshare.Contribution{b, c, a}, fairshare.ImportResult{Added: 1, Skipped: 2}},
		{"twice in one batch", []fairshare.Contribution{explicit, explicit}, fairshare.ImportResult{Added: 1, Skipped: 1}},
		{"same id other content", []fairshare.Contribution{changed}, fairshare.ImportResult{Skipped: 1}},
		{"empty", nil, fairshare.ImportResult{}},
	}
	for i, st := range steps {
		c := ch
		c.At = t0.Add(time.Duration(i) * time.Minute)
		if i > 0 {
			c.Reason = "again"
		}
		if got := mustAdd(t, s, st.batch, c); got != st.want {
			t.Errorf("%s: %+v, want %+v", st.name, got, st.want)
		}
	}
	want := []fairshare.Contribution{
		recorded(a, ch),
		recorded(b, ch),
		recorded(c, fairshare.Change{Author: "alice", Reason: "again", At: t0.Add(2 * time.Minute)}),
		recorded(explicit, fairshare.Change{Author: "alice", Reason: "again", At: t0.Add(3 * time.Minute)}),
	}
	sameVersions(t, "after the imports", all(t, s, fairshare.ContributionFilter{}), want)
	for _, w := range want {
		h, err := s.History(ctx, w.ID)
		if err != nil {
			t.Fatalf("History(%s): %v", w.ID, err)
		}
		sameVersions(t, "history of "+w.ID, h, []fairshare.Contribution{w})
	}
	again := contrib("DNK", "user", "2024-01-10", 1)
	if a.NaturalID() == b.NaturalID() || a.NaturalID() != again.NaturalID() {
		t.Errorf("natural ids are not stable and distinct")
	}
}

// cancelAfter is a context cancelled by the n-th call of Done, i.e. part-way
// through the work of a call that uses it.
type cancelAfter struct {
	context.Context
	cancel context.CancelFunc
	calls  atomic.Int64
	n      int64
}

func (c *cancelAfter) Done() <-chan struct{} {
	if c.calls.Add(1) == c.n {
		c.cancel()
	}
	return c.Context.Done()
}

func testAddAllOrNothing(t *testing.T, s fairshare.Store) {
	ch := fairshare.Change{Author: "a", At: t0}
	old := contrib("DNK", "user", "2024-01-01", 0)
	mustAdd(t, s, []fairshare.Contribution{old}, ch)
	batch := generate(2000, 1)

	// A context cancelled while the batch is being written: the transaction
	// must roll back, leaving nothing of the batch.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ca := &cancelAfter{Context: cctx, cancel: cancel, n: 6} // a few statements in: batches carry 200 rows each
	if _, err := s.AddContributions(ca, batch, fairshare.Change{Author: "b", At: t1}); err == nil {
		t.Fatalf("AddContributions with a context cancelled part-way: no error")
	}
	if ca.calls.Load() < ca.n {
		t.Fatalf("the context was never cancelled (%d calls of Done)", ca.calls.Load())
	}
	got := all(t, s, fairshare.ContributionFilter{})
	sameVersions(t, "after a cancelled import", got, []fairshare.Contribution{recorded(old, ch)})

	// The store is still usable and the whole batch goes in afterwards.
	if res := mustAdd(t, s, batch, fairshare.Change{Author: "b", At: t1}); res.Added != len(batch) || res.Skipped != 0 {
		t.Fatalf("import after the cancelled one: %+v, want %d added", res, len(batch))
	}
	if n := len(all(t, s, fairshare.ContributionFilter{})); n != len(batch)+1 {
		t.Fatalf("%d entries, want %d", n, len(batch)+1)
	}

	// A context cancelled before the call writes nothing either.
	dead, stop := context.WithCancel(ctx)
	stop()
	if _, err := s.AddContributions(dead, generate(3, 5000), ch); err == nil {
		t.Errorf("AddContributions with a cancelled context: no error")
	}
	if n := len(all(t, s, fairshare.ContributionFilter{})); n != len(batch)+1 {
		t.Errorf("%d entries after a cancelled import, want %d", n, len(batch)+1)
	}
}

func testAmendDeleteVersions(t *testing.T, s fairshare.Store) {
	ch0 := fairshare.Change{Author: "alice", Reason: "import", At: t0}
	orig := contrib("DNK", "user", "2024-05-01", 1)
	mustAdd(t, s, []fairshare.Contribution{orig}, ch0)
	id := orig.NaturalID()
	v1 := recorded(orig, ch0)

	edit := v1
	edit.Amount, edit.Status, edit.Description = 555, fairshare.Committed, "corrected"
	edit.Author, edit.Reason, edit.Version, edit.RecordedAt = "ignored", "ignored", 99, t3 // the store sets these
	got, err := s.AmendContribution(ctx, edit, fairshare.Change{Author: "bob", Reason: "typo", At: t1})
	if err != nil {
		t.Fatalf("AmendContribution: %v", err)
	}
	v2 := edit
	v2.Version, v2.RecordedAt, v2.Author, v2.Reason = 2, t1, "bob", "typo"
	sameVersions(t, "amended", []fairshare.Contribution{got}, []fairshare.Contribution{v2})

	// A change dated before the last version is recorded just after it, so
	// that versions stay ordered in time.
	if err := s.DeleteContribution(ctx, id, fairshare.Change{Author: "carol", Reason: "duplicate", At: t0}); err != nil {
		t.Fatalf("DeleteContribution: %v", err)
	}
	v3 := v2
	v3.Version, v3.RecordedAt, v3.Author, v3.Reason, v3.Deleted = 3, t1.Add(time.Microsecond), "carol", "duplicate", true

	h, err := s.History(ctx, id)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	sameVersions(t, "history", h, []fairshare.Contribution{v1, v2, v3})

	cases := []struct {
		asOf time.Time
		want *fairshare.Contribution
	}{
		{t0.Add(-time.Microsecond), nil},
		{t0, &v1},
		{t1.Add(-time.Microsecond), &v1},
		{t1, &v2},
		{t1.Add(time.Microsecond), nil},
		{time.Time{}, nil},
	}
	for _, tc := range cases {
		c, err := s.Contribution(ctx, id, tc.asOf)
		if tc.want == nil {
			wantCode(t, fmt.Sprintf("Contribution as of %v", tc.asOf), err, fairshare.ENOTFOUND)
			continue
		}
		if err != nil {
			t.Errorf("Contribution as of %v: %v", tc.asOf, err)
			continue
		}
		sameVersions(t, fmt.Sprintf("as of %v", tc.asOf), []fairshare.Contribution{c}, []fairshare.Contribution{*tc.want})
	}
}

func testAmendDeleteErrors(t *testing.T, s fairshare.Store) {
	c := contrib("DNK", "user", "2024-05-01", 1)
	mustAdd(t, s, []fairshare.Contribution{c}, fairshare.Change{At: t0})
	c.ID = c.NaturalID()
	missing := c
	missing.ID = "no-such-id"
	if err := s.DeleteContribution(ctx, c.ID, fairshare.Change{At: t1}); err != nil {
		t.Fatal(err)
	}
	_, errAmendDeleted := s.AmendContribution(ctx, c, fairshare.Change{At: t2})
	_, errAmendMissing := s.AmendContribution(ctx, missing, fairshare.Change{At: t2})
	_, errHistory := s.History(ctx, "no-such-id")
	_, errGet := s.Contribution(ctx, "no-such-id", time.Time{})
	for _, tc := range []struct {
		what string
		err  error
		code string
	}{
		{"amend a deleted entry", errAmendDeleted, fairshare.ECONFLICT},
		{"delete a deleted entry", s.DeleteContribution(ctx, c.ID, fairshare.Change{At: t2}), fairshare.ECONFLICT},
		{"amend a missing entry", errAmendMissing, fairshare.ENOTFOUND},
		{"delete a missing entry", s.DeleteContribution(ctx, "no-such-id", fairshare.Change{}), fairshare.ENOTFOUND},
		{"history of a missing entry", errHistory, fairshare.ENOTFOUND},
		{"get a missing entry", errGet, fairshare.ENOTFOUND},
	} {
		wantCode(t, tc.what, tc.err, tc.code)
	}
	if h, err := s.History(ctx, c.ID); err != nil || len(h) != 2 {
		t.Errorf("failed changes added versions: %d versions, %v", len(h), err)
	}
}

// timeline builds a ledger with a known past and returns, for instants
// between its changes, the current entries at each.
func timeline(t *testing.T, s fairshare.Store) (ids map[string]string, states []state) {
	a := contrib("DNK", "user", "2024-02-01", 1)
	b := contrib("DEU", "kiel-r29", "2024-01-15", 2)
	c := contrib("FRA", "user", "2023-12-31", 3)
	d := contrib("DNK", "kiel-r29", "2024-06-30", 4)
	ch0 := fairshare.Change{Author: "import", At: t0}
	mustAdd(t, s, []fairshare.Contribution{a, b, c}, ch0)
	a1, b1, c1 := recorded(a, ch0), recorded(b, ch0), recorded(c, ch0)

	a2 := a1
	a2.Amount, a2.Date = 777, day("2024-07-01") // moves it after d
	got, err := s.AmendContribution(ctx, a2, fairshare.Change{Author: "ed", Reason: "fix", At: t1})
	if err != nil {
		t.Fatal(err)
	}
	a2.Version, a2.RecordedAt, a2.Author, a2.Reason = 2, t1, "ed", "fix"
	sameVersions(t, "amend", []fairshare.Contribution{got}, []fairshare.Contribution{a2})

	if err := s.DeleteContribution(ctx, b1.ID, fairshare.Change{Author: "ed", At: t2}); err != nil {
		t.Fatal(err)
	}
	ch3 := fairshare.Change{Author: "import", At: t3}
	mustAdd(t, s, []fairshare.Contribution{d}, ch3)
	d1 := recorded(d, ch3)

	ids = map[string]string{"a": a1.ID, "b": b1.ID, "c": c1.ID, "d": d1.ID}
	// Ordered by date, donor, id.
	states = []state{
		{"before anything", t0.Add(-time.Second), nil},
		{"at the import", t0, []fairshare.Contribution{c1, b1, a1}},
		{"before the edit", t1.Add(-time.Microsecond), []fairshare.Contribution{c1, b1, a1}},
		{"at the edit", t1, []fairshare.Contribution{c1, b1, a2}},
		{"after the delete", t2, []fairshare.Contribution{c1, a2}},
		{"after the second import", t3, []fairshare.Contribution{c1, d1, a2}},
		{"now", time.Time{}, []fairshare.Contribution{c1, d1, a2}},
	}
	return ids, states
}

type state struct {
	name string
	asOf time.Time
	want []fairshare.Contribution
}

func testAsOf(t *testing.T, s fairshare.Store) {
	ids, states := timeline(t, s)
	for _, st := range states {
		t.Run(strings.ReplaceAll(st.name, " ", "_"), func(t *testing.T) {
			sameVersions(t, "Contributions", all(t, s, fairshare.ContributionFilter{AsOf: st.asOf}), st.want)
			current := map[string]fairshare.Contribution{}
			for _, c := range st.want {
				current[c.ID] = c
			}
			for name, id := range ids {
				c, err := s.Contribution(ctx, id, st.asOf)
				want, ok := current[id]
				if !ok {
					wantCode(t, "Contribution "+name, err, fairshare.ENOTFOUND)
					continue
				}
				if err != nil {
					t.Errorf("Contribution %s: %v", name, err)
					continue
				}
				sameVersions(t, "Contribution "+name, []fairshare.Contribution{c}, []fairshare.Contribution{want})
			}
		})
	}
}

func testFilters(t *testing.T, s fairshare.Store) {
	_, states := timeline(t, s)
	beforeDelete := states[3] // a2 (DNK, user, 2024-07-01), b1 (DEU, kiel-r29, 2024-01-15), c1 (FRA, user, 2023-12-31)
	now := states[len(states)-1]
	c1, b1, a2 := beforeDelete.want[0], beforeDelete.want[1], beforeDelete.want[2]
	d1 := now.want[1]
	none := []fairshare.Contribution(nil)
	cases := []struct {
		name string
		f    fairshare.ContributionFilter
		want []fairshare.Contribution
	}{
		{"donor", fairshare.ContributionFilter{Donor: "DNK"}, []fairshare.Contribution{d1, a2}},
		{"donor as of", fairshare.ContributionFilter{Donor: "DNK", AsOf: t1}, []fairshare.Contribution{a2}},
		{"donor deleted since", fairshare.ContributionFilter{Donor: "DEU", AsOf: t1}, []fairshare.Contribution{b1}},
		{"donor deleted", fairshare.ContributionFilter{Donor: "DEU"}, none},
		{"dataset", fairshare.ContributionFilter{Dataset: "user"}, []fairshare.Contribution{c1, a2}},
		{"dataset as of", fairshare.ContributionFilter{Dataset: "kiel-r29", AsOf: t1}, []fairshare.Contribution{b1}},
		{"unknown dataset", fairshare.ContributionFilter{Dataset: "nope"}, none},
		{"from", fairshare.ContributionFilter{From: day("2024-01-01")}, []fairshare.Contribution{d1, a2}},
		{"to", fairshare.ContributionFilter{To: day("2024-06-30")}, []fairshare.Contribution{c1, d1}},
		{"from to inclusive", fairshare.ContributionFilter{From: day("2024-06-30"), To: day("2024-07-01")}, []fairshare.Contribution{d1, a2}},
		{"from to as of", fairshare.ContributionFilter{From: day("2024-01-01"), To: day("2024-12-31"), AsOf: t0}, []fairshare.Contribution{b1, states[1].want[2]}},
		{"donor and dataset", fairshare.ContributionFilter{Donor: "DNK", Dataset: "kiel-r29"}, []fairshare.Contribution{d1}},
		{"limit", fairshare.ContributionFilter{Limit: 2}, []fairshare.Contribution{c1, d1}},
		{"limit offset", fairshare.ContributionFilter{Limit: 2, Offset: 1}, []fairshare.Contribution{d1, a2}},
		{"offset past the end", fairshare.ContributionFilter{Limit: 2, Offset: 3}, none},
		{"limit as of", fairshare.ContributionFilter{Limit: 1, Offset: 1, AsOf: t1}, []fairshare.Contribution{b1}},
	}
	for _, tc := range cases {
		sameVersions(t, tc.name, all(t, s, tc.f), tc.want)
	}
}

// testConcurrentAdd runs overlapping imports at once, each listing the rows
// in its own order: every row is recorded once and the counts add up.
func testConcurrentAdd(t *testing.T, s fairshare.Store) {
	const workers, per, shared = 4, 400, 200
	common := generate(shared, 0)
	batches := make([][]fairshare.Contribution, workers)
	for w := range batches {
		b := append(generate(per-shared, 10000*(w+1)), common...)
		r := rand.New(rand.NewPCG(uint64(w), 1))
		r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		batches[w] = b
	}
	results := make([]fairshare.ImportResult, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range batches {
		wg.Go(func() {
			results[w], errs[w] = s.AddContributions(ctx, batches[w], fairshare.Change{Author: fmt.Sprint(w), At: t0})
		})
	}
	wg.Wait()
	added, skipped := 0, 0
	for w := range results {
		if errs[w] != nil {
			t.Fatalf("import %d: %v", w, errs[w])
		}
		added += results[w].Added
		skipped += results[w].Skipped
	}
	union := workers*(per-shared) + shared
	if added != union || skipped != workers*per-union {
		t.Errorf("added %d, skipped %d; want %d and %d", added, skipped, union, workers*per-union)
	}
	got := all(t, s, fairshare.ContributionFilter{})
	seen := map[string]bool{}
	for _, c := range got {
		if seen[c.ID] || c.Version != 1 {
			t.Errorf("entry %s recorded twice or at version %d", c.ID, c.Version)
		}
		seen[c.ID] = true
	}
	if len(got) != union {
		t.Errorf("%d entries, want %d", len(got), union)
	}
}

// testConcurrentAmend edits one entry from several goroutines: each edit
// either lands as its own version or is refused as a conflict; versions stay
// numbered 1..n without gaps and ordered in time.
func testConcurrentAmend(t *testing.T, s fairshare.Store) {
	c := contrib("DNK", "user", "2024-05-01", 1)
	mustAdd(t, s, []fairshare.Contribution{c}, fairshare.Change{At: t0})
	c.ID = c.NaturalID()
	const workers, each = 4, 5
	var ok atomic.Int64
	errs := make(chan error, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e := c
				e.Amount = fairshare.Amount(1000*w + i + 1)
				_, err := s.AmendContribution(ctx, e, fairshare.Change{Author: fmt.Sprint(w)})
				switch fairshare.ErrorCode(err) {
				case "":
					ok.Add(1)
				case fairshare.ECONFLICT:
				default:
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent amend: %v", err)
	}
	h, err := s.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(h)) != 1+ok.Load() {
		t.Errorf("%d versions after %d successful edits, want %d", len(h), ok.Load(), 1+ok.Load())
	}
	if ok.Load() == 0 {
		t.Errorf("no concurrent edit succeeded")
	}
	for i, v := range h {
		if v.Version != i+1 || (i > 0 && !v.RecordedAt.After(h[i-1].RecordedAt)) {
			t.Errorf("version %d (index %d) recorded %v after %v", v.Version, i, v.RecordedAt, h[max(i-1, 0)].RecordedAt)
		}
	}
	cur, err := s.Contribution(ctx, c.ID, time.Time{})
	if err != nil || cur.Version != len(h) || cur.Amount != h[len(h)-1].Amount {
		t.Errorf("current version %d (%v), want the last of %d", cur.Version, err, len(h))
	}
}

func src(n int) fairshare.Source {
	return fairshare.Source{URL: fmt.Sprintf("https://example.org/ref/%d", n), Publisher: "P", Title: "T", Date: "2024-01-01"}
}

func target(id, amount string, builtIn bool) fairshare.Target {
	return fairshare.Target{ID: id, Name: "Target " + id, AmountText: amount, Currency: "EUR",
		Start: day("2024-01-01"), End: day("2024-12-31"), Participants: []string{"DNK", "DEU"},
		Key: fairshare.KeyEqual, KeyYear: 2023, Source: src(9), BuiltIn: builtIn}
}

// referenceSets returns two different complete sets of reference data.
func referenceSets() (a, b fairshare.ReferenceData) {
	a = fairshare.ReferenceData{
		Donors: []fairshare.Donor{
			{Code: "DEU", NameEN: "Germany", NameDA: "Tyskland", Kind: "nato", NATOAccession: day("1955-05-06"),
				Currencies: []fairshare.CurrencyPeriod{{Code: "EUR"}}, Source: src(1)},
			{Code: "DNK", NameEN: "Denmark", NameDA: "Danmark", Kind: "nato", NATOAccession: day("1949-04-04"),
				Currencies: []fairshare.CurrencyPeriod{{Code: "DKK"}}, Source: src(2)},
			{Code: "HRV", NameEN: "Croatia", NameDA: "Kroatien", Kind: "nato", NATOAccession: day("2009-04-01"),
				Currencies: []fairshare.CurrencyPeriod{{Code: "HRK"}, {Code: "EUR", From: day("2023-01-01")}}, Source: src(3)},
		},
		Indicators: []fairshare.Indicator{
			{Kind: "gdp", Donor: "DEU", Year: 2023, Value: "4121160000000", Vintage: "2024-10", Source: src(4)},
			{Kind: "gdp", Donor: "DNK", Year: 2023, Value: "376000000000.5", Note: "converted", Source: src(4)},
			{Kind: "population", Donor: "DNK", Year: 2023, Value: "5946952", Source: src(5)},
		},
		Rates: []fairshare.Rate{
			{Currency: "DKK", Period: "2024-01-02", Rate: "7.4551", Source: src(6)},
			{Currency: "DKK", Period: "2023", Rate: "7.4509", Source: src(6)},
		},
		Targets:  []fairshare.Target{target("old-builtin", "1000", true), target("kept", "2000", true)},
		Datasets: []fairshare.Dataset{{ID: "kiel-r28", Name: "Kiel R28", ReleaseDate: "2024-12-01", URL: "https://example.org/kiel"}},
		Policies: []fairshare.Policy{{Donor: "DNK", Date: day("2024-05-01"), Status: "allowed", Scope: "all", Source: src(7)}},
	}
	b = fairshare.ReferenceData{
		Donors: []fairshare.Donor{
			{Code: "DNK", NameEN: "Denmark", NameDA: "Danmark", Kind: "nato", NATOAccession: day("1949-04-04"),
				Currencies: []fairshare.CurrencyPeriod{{Code: "DKK"}}, Source: src(12)},
			{Code: "EUI", NameEN: "EU institutions", NameDA: "EU-institutioner", Kind: "eu-institution",
				Currencies: []fairshare.CurrencyPeriod{{Code: "EUR"}}, Source: src(13)},
		},
		Indicators: []fairshare.Indicator{{Kind: "gdp", Donor: "DNK", Year: 2024, Value: "380000000000", Source: src(14)}},
		Rates: []fairshare.Rate{
			{Currency: "DKK", Period: "2024-01-02", Rate: "9.9999", Source: src(16)}, // published rates do not change
			{Currency: "SEK", Period: "2024-01-02", Rate: "11.2", Source: src(16)},
		},
		Targets:  []fairshare.Target{target("kept", "3000", true), target("new-builtin", "4000", true)},
		Datasets: []fairshare.Dataset{{ID: "kiel-r29", Name: "Kiel R29", ReleaseDate: "2025-06-01"}},
		Policies: []fairshare.Policy{{Donor: "DNK", Date: day("2024-06-01"), Status: "limited", Scope: "border", Source: src(17)}},
	}
	return a, b
}

func validated(ts ...fairshare.Target) []fairshare.Target {
	out := make([]fairshare.Target, len(ts))
	for i, t := range ts {
		if err := t.Validate(); err != nil {
			panic(err)
		}
		out[i] = t
	}
	return out
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

func mustLoad(t *testing.T, s fairshare.Store, r fairshare.ReferenceData) {
	t.Helper()
	if err := s.LoadReference(ctx, r); err != nil {
		t.Fatalf("LoadReference: %v", err)
	}
}

func checkReference(t *testing.T, s fairshare.Store, r fairshare.ReferenceData, rates []fairshare.Rate, targets []fairshare.Target, datasets []fairshare.Dataset) {
	t.Helper()
	donors, err := s.Donors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "donors", donors, r.Donors)
	ind, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "indicators", ind, r.Indicators)
	pol, err := s.Policies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "policies", pol, r.Policies)
	gotRates, err := s.Rates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "rates", gotRates, rates)
	ts, err := s.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "targets", ts, targets)
	ds, err := s.Datasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "datasets", ds, datasets)
}

func testReference(t *testing.T, s fairshare.Store) {
	a, b := referenceSets()
	mine := target("mine", "500", false)
	userDS := fairshare.Dataset{ID: "dk-mod", Name: "Danish MoD packages", Publisher: "Forsvarsministeriet"}

	mustLoad(t, s, a)
	if err := s.PutTarget(ctx, mine); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDataset(ctx, userDS); err != nil {
		t.Fatal(err)
	}
	// Ordered by currency then period; by id for targets and datasets.
	checkReference(t, s, a, []fairshare.Rate{a.Rates[1], a.Rates[0]},
		validated(a.Targets[1], mine, a.Targets[0]), []fairshare.Dataset{userDS, a.Datasets[0]})

	// A reload replaces everything but rates (only added) and what users defined.
	mustLoad(t, s, b)
	checkReference(t, s, b, []fairshare.Rate{a.Rates[1], a.Rates[0], b.Rates[1]},
		validated(b.Targets[0], mine, b.Targets[1]), []fairshare.Dataset{userDS, b.Datasets[0]})

	// Loading the same set twice changes nothing.
	mustLoad(t, s, b)
	checkReference(t, s, b, []fairshare.Rate{a.Rates[1], a.Rates[0], b.Rates[1]},
		validated(b.Targets[0], mine, b.Targets[1]), []fairshare.Dataset{userDS, b.Datasets[0]})

	// Loading empty reference data empties the replaced tables.
	mustLoad(t, s, fairshare.ReferenceData{})
	checkReference(t, s, fairshare.ReferenceData{}, []fairshare.Rate{a.Rates[1], a.Rates[0], b.Rates[1]},
		validated(mine), []fairshare.Dataset{userDS})
}

// testConcurrentLoadReference is several instances starting at once on a
// fresh database: every load succeeds and the result is one clean copy.
func testConcurrentLoadReference(t *testing.T, s fairshare.Store) {
	_, b := referenceSets()
	const workers = 4
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			errs[w] = s.LoadReference(ctx, b)
			if errs[w] == nil {
				errs[w] = s.SetMeta(ctx, "refdata_version", fmt.Sprint("v", w))
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("load %d: %v", w, err)
		}
	}
	checkReference(t, s, b, []fairshare.Rate{b.Rates[0], b.Rates[1]}, validated(b.Targets[0], b.Targets[1]), b.Datasets)
	if v, err := s.Meta(ctx, "refdata_version"); err != nil || !strings.HasPrefix(v, "v") {
		t.Errorf("meta after concurrent loads: %q, %v", v, err)
	}
}

func testTargets(t *testing.T, s fairshare.Store) {
	a, _ := referenceSets()
	mustLoad(t, s, a)
	mine := target("mine", "500", false)
	changed := target("mine", "600", false)
	claimsBuiltIn := target("also-mine", "700", true)
	steps := []struct {
		name string
		put  fairshare.Target
		code string
	}{
		{"new", mine, ""},
		{"built-in id", target("kept", "1", false), fairshare.ECONFLICT},
		{"other built-in id", target("old-builtin", "1", false), fairshare.ECONFLICT},
		{"replace own", changed, ""},
		{"cannot make itself built in", claimsBuiltIn, ""},
	}
	for _, st := range steps {
		wantCode(t, st.name, s.PutTarget(ctx, st.put), st.code)
	}
	claimsBuiltIn.BuiltIn = false
	ts, err := s.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "targets", ts, validated(claimsBuiltIn, a.Targets[1], changed, a.Targets[0]))

	// Concurrent writers of one user target do not collide.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		wg.Go(func() { errs[w] = s.PutTarget(ctx, target("race", fmt.Sprint(100+w), false)) })
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("concurrent PutTarget %d: %v", w, err)
		}
	}
}

func testDatasets(t *testing.T, s fairshare.Store) {
	a, _ := referenceSets()
	mustLoad(t, s, a)
	d := fairshare.Dataset{ID: "dk-mod", Name: "v1", NoData: []string{"ALB"},
		Totals: []fairshare.PublishedTotal{{Target: "nato-2024", Amount: "1", Currency: "EUR"}}}
	if err := s.PutDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Name = "v2"
	if err := s.PutDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Datasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "datasets", ds, []fairshare.Dataset{d, a.Datasets[0]})
}

func testMeta(t *testing.T, s fairshare.Store) {
	steps := []struct {
		set, key, value string // set: "" reads only
		want            string
	}{
		{"", "version", "", ""},
		{"set", "version", "1", "1"},
		{"set", "version", "2", "2"},
		{"", "other", "", ""},
		{"set", "other", "x y\nz", "x y\nz"},
		{"", "version", "", "2"},
		{"set", "version", "", ""},
	}
	for i, st := range steps {
		if st.set != "" {
			if err := s.SetMeta(ctx, st.key, st.value); err != nil {
				t.Fatalf("step %d: SetMeta: %v", i, err)
			}
		}
		got, err := s.Meta(ctx, st.key)
		if err != nil || got != st.want {
			t.Errorf("step %d: Meta(%q) = %q, %v; want %q", i, st.key, got, err, st.want)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for w := range errs {
		wg.Go(func() { errs[w] = s.SetMeta(ctx, "raced", fmt.Sprint(w)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Errorf("concurrent SetMeta: %v", err)
	}
}

func testRates(t *testing.T, s fairshare.Store) {
	r1 := fairshare.Rate{Currency: "DKK", Period: "2024-01-02", Rate: "7.4551", Source: src(1)}
	r2 := fairshare.Rate{Currency: "DKK", Period: "2024-01", Rate: "7.4560", Source: src(1)}
	r3 := fairshare.Rate{Currency: "SEK", Period: "2024", Rate: "11.4325", Source: src(2)}
	other := r1
	other.Rate = "1.0000"
	steps := []struct {
		name string
		add  []fairshare.Rate
		want int
	}{
		{"new", []fairshare.Rate{r1, r2}, 2},
		{"again", []fairshare.Rate{r1, r2}, 0},
		{"mixed", []fairshare.Rate{r3, r1}, 1},
		{"changed value of a recorded period", []fairshare.Rate{other}, 0},
		{"none", nil, 0},
	}
	for _, st := range steps {
		n, err := s.AddRates(ctx, st.add)
		if err != nil || n != st.want {
			t.Errorf("%s: AddRates = %d, %v; want %d", st.name, n, err, st.want)
		}
	}
	got, err := s.Rates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "rates", got, []fairshare.Rate{r2, r1, r3})
}
