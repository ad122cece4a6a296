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
	lo := sort.Search(l.sorted, func(i int) bool { return c.day[i] >= d0 })
	hi := sort.Search(l.sorted, func(i int) bool { return c.day[i] > d1 })
	all := asOf >= l.maxRec // every version is visible: only superseded rows drop out
	for _, r := range [2][2]int{{lo, hi}, {l.sorted, c.len()}} {
		tail := r[0] == l.sorted
		for i := r[0]; i < r[1]; i++ {
			if !mask[c.cs[i]] {
				continue
			}
			if nx := c.next[i]; nx >= 0 && (all || c.rec[nx] <= asOf) {
				continue
			}
			if !all && c.rec[i] > asOf {
				continue
			}
			s := slotOf[c.ds[i]]
			if s < 0 {
				continue
			}
			d := c.day[i]
			if tail && (d < d0 || d > d1) {
				continue
			}
			if !g.add(int(c.donor[i]), s, int(c.cur[i]), d, c.amt[i]) {
				id := "" // Report falls back on a missing rate; the id is for messages
				if !l.noIDs {
					id = l.idString(c.idx[i])
				}
				g.noRate(int(c.donor[i]), s, int(c.cur[i]), d, id)
			}
		}
	}
}
