package engine

import (
	"sort"

	"github.com/fairshare/fairshare"
)

// scan feeds the rows current at asOf, counted by the target and in a
// selected dataset, to g. slotOf maps dataset codes to slots (-1: not
// selected).
func (l *ledger) scan(g *agg, t *fairshare.Target, asOf int64, slotOf []int) {
	mask := countMask(t)
	d0, d1 := int32(t.Start.Days()), int32(t.End.Days())
	c := &l.col
	all := asOf >= l.maxRec // every version is visible: only superseded rows drop out
	rec := func(i int32) int64 { return c.rec[i] }
	if rc := l.recs; rc != nil {
		rec = func(i int32) int64 { return rc.vals[rc.codes[i]] }
	}
	// rows scans rows [a, b): with byRow, each row's day and currency are
	// read from the columns, else they are d and cu (a run).
	rows := func(a, b int, byRow bool, d int32, cu uint16) {
		var run cell // a run's currency and day, looked up once
		if !byRow {
			run = g.at(int(cu), d)
		}
		for i := a; i < b; i++ {
			if !mask[c.cs[i]] {
				continue
			}
			if nx := c.next[i]; nx >= 0 && (all || rec(nx) <= asOf) {
				continue
			}
			if !all && rec(int32(i)) > asOf {
				continue
			}
			s := slotOf[c.ds[i]]
			if s < 0 {
				continue
			}
			if byRow {
				d, cu = c.day[i], c.cur[i]
				if i >= l.sorted && (d < d0 || d > d1) {
					continue
				}
			}
			if run.e != nil {
				g.addAt(&run, int(c.donor[i]), s, c.amt[i])
				continue
			}
			if !g.add(int(c.donor[i]), s, int(cu), d, c.amt[i]) {
				id := "" // Report falls back on a missing rate; the id is for messages
				if !l.noIDs {
					id = l.idString(c.idx[i])
				}
				g.noRate(int(c.donor[i]), s, int(cu), d, id)
			}
		}
	}
	if r := l.runs; r != nil { // restored for reports: every row sorted, in runs
		lo := sort.Search(len(r.day), func(k int) bool { return r.day[k] >= d0 })
		hi := sort.Search(len(r.day), func(k int) bool { return r.day[k] > d1 })
		for k := lo; k < hi; k++ {
			a, b := int(r.start[k]), int(r.start[k+1])
			if all {
				if run := g.at(int(r.cur[k]), r.day[k]); run.e != nil {
					g.addRun(&run, mask, slotOf, c.cs[a:b], c.next[a:b], c.ds[a:b], c.donor[a:b], c.amt[a:b])
					continue
				}
			}
			rows(a, b, false, r.day[k], r.cur[k])
		}
		return
	}
	lo := sort.Search(l.sorted, func(i int) bool { return c.day[i] >= d0 })
	hi := sort.Search(l.sorted, func(i int) bool { return c.day[i] > d1 })
	rows(lo, hi, true, 0, 0)
	rows(l.sorted, c.len(), true, 0, 0) // the unsorted tail, filtered by day
}

// addRun is rows for a run with a rate when every version is visible (as
// of the last write or later, the usual report): a row counts when the
// target counts its kind, no later version supersedes it and its dataset
// has a slot. The columns are the run's rows, sliced to one length so that
// the loop indexes them without bounds checks.
func (g *agg) addRun(run *cell, mask *[256]bool, slotOf []int, cs []uint8, next []int32, ds, donor []uint16, amt []int64) {
	next, ds, donor, amt = next[:len(cs)], ds[:len(cs)], donor[:len(cs)], amt[:len(cs)]
	for j, k := range cs {
		if !mask[k] || next[j] >= 0 {
			continue
		}
		if s := slotOf[ds[j]]; s >= 0 {
			g.addAt(run, int(donor[j]), s, amt[j])
		}
	}
}
