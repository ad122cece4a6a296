package engine

import (
	"math"
	"slices"
)

// compact sorts all rows by (day, currency) when the unsorted tail has grown.
func (l *ledger) compact(force bool) {
	n := l.col.len()
	tail := n - l.sorted
	if tail == 0 || l.noIDs || (!force && tail < 1<<16 && (tail < 4096 || tail*8 < n)) {
		return
	}
	ncur := len(l.curs.names)
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, d := range l.col.day {
		lo, hi = min(lo, d), max(hi, d)
	}
	perm := make([]int32, n) // perm[new] = old
	buckets := (int64(hi-lo) + 1) * int64(ncur)
	if buckets <= 1<<24 {
		count := make([]int32, buckets+1)
		key := func(i int) int64 { return int64(l.col.day[i]-lo)*int64(ncur) + int64(l.col.cur[i]) }
		for i := 0; i < n; i++ {
			count[key(i)+1]++
		}
		for b := int64(1); b <= buckets; b++ {
			count[b] += count[b-1]
		}
		for i := 0; i < n; i++ {
			k := key(i)
			perm[count[k]] = int32(i)
			count[k]++
		}
	} else {
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortStableFunc(perm, func(a, b int32) int {
			if l.col.day[a] != l.col.day[b] {
				return int(l.col.day[a]) - int(l.col.day[b])
			}
			return int(l.col.cur[a]) - int(l.col.cur[b])
		})
	}
	inv := make([]int32, n) // inv[old] = new
	for nw, old := range perm {
		inv[old] = int32(nw)
	}
	c := &l.col
	c.day = permute(c.day, perm)
	c.amt = permute(c.amt, perm)
	c.rec = permute(c.rec, perm)
	c.idx = permute(c.idx, perm)
	c.ver = permute(c.ver, perm)
	c.donor = permute(c.donor, perm)
	c.ds = permute(c.ds, perm)
	c.cur = permute(c.cur, perm)
	c.cs = permute(c.cs, perm)
	next := make([]int32, n)
	for nw, old := range perm {
		if x := c.next[old]; x >= 0 {
			next[nw] = inv[x]
		} else {
			next[nw] = -1
		}
	}
	c.next = next
	for k, r := range l.latest {
		l.latest[k] = inv[r]
	}
	l.sorted = n
}

func permute[T any](s []T, perm []int32) []T {
	out := make([]T, len(s), len(s)+len(s)/8)
	for nw, old := range perm {
		out[nw] = s[old]
	}
	return out
}
