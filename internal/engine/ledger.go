// Package engine computes fair-share reports from a compact in-memory,
// columnar copy of the whole versioned ledger.
//
// Every recorded version is one row of small columns (day, amount, recorded
// time, a link to the next version of the same entry, and dictionary codes
// for donor, currency, dataset, category and status): about 40 bytes a row
// plus about 28 bytes an entry for the id index. Rows are kept sorted by
// (day, currency), with new versions appended to an unsorted tail that is
// merged in when it grows, so a report scans only the rows of its period.
// A row is current at time T when it was recorded at or before T and its
// next version (if any) was recorded after T: one comparison more than a
// current report, so --as-of costs the same.
//
// Conversion into the report currency uses a dense per-currency, per-day
// table built from fairshare.RateTable.Lookup (so the day, earlier, month,
// year fallback is the reference one), and an exact integer
// round-half-to-even per row, which is what fairshare.Compute does with
// big.Rat. The shares themselves are computed by fairshare.Compute on one
// pre-aggregated contribution per donor and year.
package engine

import (
	"context"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/fairshare/fairshare"
)

// Source streams recorded versions: every version recorded at or after
// sinceUs (microseconds since 1970), in any order. The callback's argument
// is only valid during the call.
type Source interface {
	ScanVersions(ctx context.Context, sinceUs int64, fn func(*fairshare.Contribution) error) error
}

type dict struct {
	names []string
	m     map[string]int
}

func (d *dict) id(s string) int {
	if i, ok := d.m[s]; ok {
		return i
	}
	if d.m == nil {
		d.m = map[string]int{}
	}
	d.names = append(d.names, s)
	d.m[s] = len(d.names) - 1
	return len(d.names) - 1
}

// catStatus packs a category (0-8, 15 unknown) and status (0-2; 3 deleted or
// unknown) into one byte.
func catStatus(c fairshare.Category, s fairshare.Status, deleted bool) uint8 {
	ci, si := 15, 3
	for i, x := range fairshare.Categories {
		if x == c {
			ci = i
		}
	}
	for i, x := range fairshare.Statuses {
		if x == s {
			si = i
		}
	}
	if deleted {
		si = 3
	}
	return uint8(ci<<2 | si)
}

// countMask marks the catStatus bytes a target counts (Target.CountsKind).
func countMask(t *fairshare.Target) *[256]bool {
	var m [256]bool
	for ci, c := range fairshare.Categories {
		for si, s := range fairshare.Statuses {
			m[ci<<2|si] = t.CountsKind(c, s)
		}
	}
	return &m
}

type columns struct {
	day   []int32
	amt   []int64
	rec   []int64 // recorded_us
	next  []int32 // row of the next version of the same entry, -1: none
	idx   []int32 // entry (id) index
	ver   []int32
	donor []uint16
	ds    []uint16
	cur   []uint16
	cs    []uint8
}

func (c *columns) len() int { return len(c.day) }

// idIndex maps entry ids to dense indexes: canonical lowercase UUIDs as 16
// bytes in an open-addressing table, anything else in a map.
type idIndex struct {
	keys  [][16]byte
	table []int32 // index+1, 0 empty
	n     int
	other map[string]int32
	seed  maphash.Seed
}

func parseUUID(s string) ([16]byte, bool) {
	var k [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		h, ok1 := unhex(s[i])
		l, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return k, false
		}
		k[j] = h<<4 | l
		j++
	}
	return k, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// lookup returns the index of id, adding it when add is set; added reports
// a new entry; ok is false when id is unknown and add is not set.
func (x *idIndex) lookup(id string, add bool) (i int32, added, ok bool) {
	k, isUUID := parseUUID(id)
	if !isUUID {
		if v, found := x.other[id]; found {
			return v, false, true
		}
		if !add {
			return 0, false, false
		}
		if x.other == nil {
			x.other = map[string]int32{}
		}
		i = int32(len(x.keys))
		x.keys = append(x.keys, [16]byte{})
		x.other[id] = i
		return i, true, true
	}
	if len(x.table) == 0 {
		x.seed = maphash.MakeSeed()
		x.table = make([]int32, 1024)
	}
	mask := uint64(len(x.table) - 1)
	h := maphash.Comparable(x.seed, k) & mask
	for {
		v := x.table[h]
		if v == 0 {
			break
		}
		if x.keys[v-1] == k {
			return v - 1, false, true
		}
		h = (h + 1) & mask
	}
	if !add {
		return 0, false, false
	}
	i = int32(len(x.keys))
	x.keys = append(x.keys, k)
	x.table[h] = i + 1
	x.n++
	if x.n*4 > len(x.table)*3 {
		x.grow()
	}
	return i, true, true
}

func (x *idIndex) grow() {
	t := make([]int32, len(x.table)*2)
	mask := uint64(len(t) - 1)
	for _, v := range x.table {
		if v == 0 {
			continue
		}
		h := maphash.Comparable(x.seed, x.keys[v-1]) & mask
		for t[h] != 0 {
			h = (h + 1) & mask
		}
		t[h] = v
	}
	x.table = t
}

// ledger is the versioned ledger in columns. It is not safe for concurrent
// use; Engine guards it.
type ledger struct {
	donors, curs, dss dict
	col               columns
	sorted            int // rows [0, sorted) are sorted by (day, cur)
	ids               idIndex
	latest            []int32 // per entry: row of its latest version
	maxRec            int64
	outOfOrder        bool // some entry has versions recorded out of time order

	// Restored from a snapshot without its id index (persist.go): reports
	// work, writes wait for RestoreIDs.
	noIDs bool
	nid   int       // entries, while noIDs
	saved newestRow // the newest version, while noIDs
	token [8]byte   // pairs a snapshot's two parts
}

// apply adds one version; it reports whether it was new.
func (l *ledger) apply(c *fairshare.Contribution) bool {
	if l.noIDs {
		panic("engine: Apply before RestoreIDs")
	}
	k, added, _ := l.ids.lookup(c.ID, true)
	rec := c.RecordedAt.UnixMicro()
	if added {
		l.latest = append(l.latest, int32(l.col.len()))
		l.push(c, k, rec)
		return true
	}
	last := l.latest[k]
	switch v := int32(c.Version); {
	case v == l.col.ver[last]:
		return false
	case v > l.col.ver[last]:
		row := int32(l.col.len())
		l.push(c, k, rec)
		l.col.next[last] = row
		l.latest[k] = row
		if rec <= l.col.rec[last] {
			l.outOfOrder = true
		}
		return true
	}
	return l.relink(c, k, rec)
}

// bulk adds a version without linking it to the other versions of its
// entry; link does that for all rows at once (Load).
func (l *ledger) bulk(c *fairshare.Contribution) {
	k, _, _ := l.ids.lookup(c.ID, true)
	l.push(c, k, c.RecordedAt.UnixMicro())
}

// link builds every entry's chain of versions after bulk loading: rows are
// bucketed by entry, each bucket sorted by version; a repeated (id,
// version) keeps its first row and drops the others.
func (l *ledger) link() {
	c := &l.col
	n, nid := c.len(), len(l.ids.keys)
	start := make([]int32, nid+1)
	for _, k := range c.idx {
		start[k+1]++
	}
	for k := 1; k <= nid; k++ {
		start[k] += start[k-1]
	}
	order := make([]int32, n)
	pos := append([]int32(nil), start[:nid]...)
	for i, k := range c.idx {
		order[pos[k]] = int32(i)
		pos[k]++
	}
	l.latest = make([]int32, nid)
	var drop []int32
	for k := 0; k < nid; k++ {
		rows := order[start[k]:start[k+1]]
		if len(rows) > 1 {
			slices.SortFunc(rows, func(a, b int32) int { return int(c.ver[a]) - int(c.ver[b]) })
		}
		prev := int32(-1)
		for _, r := range rows {
			if prev >= 0 && c.ver[r] == c.ver[prev] {
				drop = append(drop, r)
				continue
			}
			if prev >= 0 {
				c.next[prev] = r
				if c.rec[r] <= c.rec[prev] {
					l.outOfOrder = true
				}
			}
			prev = r
		}
		l.latest[k] = prev
	}
	// The store cannot repeat an (id, version), its primary key; should a
	// source do so, the copy is made uncountable (status 3).
	for _, r := range drop {
		c.cs[r] |= 3
	}
}

// relink inserts a version older than the entry's latest (rare: versions
// arriving out of order) by rebuilding the entry's chain.
func (l *ledger) relink(c *fairshare.Contribution, k int32, rec int64) bool {
	var rows []int32
	for i, x := range l.col.idx {
		if x == k {
			if l.col.ver[i] == int32(c.Version) {
				return false
			}
			rows = append(rows, int32(i))
		}
	}
	rows = append(rows, int32(l.col.len()))
	l.push(c, k, rec)
	sort.Slice(rows, func(a, b int) bool { return l.col.ver[rows[a]] < l.col.ver[rows[b]] })
	for i, r := range rows {
		l.col.next[r] = -1
		if i+1 < len(rows) {
			l.col.next[r] = rows[i+1]
			if l.col.rec[rows[i+1]] <= l.col.rec[r] {
				l.outOfOrder = true
			}
		}
	}
	l.latest[k] = rows[len(rows)-1]
	return true
}

func (l *ledger) push(c *fairshare.Contribution, k int32, rec int64) {
	col := &l.col
	col.day = append(col.day, int32(c.Date.Days()))
	col.amt = append(col.amt, int64(c.Amount))
	col.rec = append(col.rec, rec)
	col.next = append(col.next, -1)
	col.idx = append(col.idx, k)
	col.ver = append(col.ver, int32(c.Version))
	col.donor = append(col.donor, uint16(l.donors.id(c.Donor)))
	col.ds = append(col.ds, uint16(l.dss.id(c.Dataset)))
	col.cur = append(col.cur, uint16(l.curs.id(c.Currency)))
	col.cs = append(col.cs, catStatus(c.Category, c.Status, c.Deleted))
	if rec > l.maxRec {
		l.maxRec = rec
	}
}

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

// bytes is the memory the ledger holds (capacities of its arrays).
func (l *ledger) bytes() int64 {
	c := &l.col
	b := cap(c.day)*4 + cap(c.amt)*8 + cap(c.rec)*8 + cap(c.next)*4 + cap(c.idx)*4 + cap(c.ver)*4 +
		cap(c.donor)*2 + cap(c.ds)*2 + cap(c.cur)*2 + cap(c.cs)
	b += cap(l.ids.keys)*16 + cap(l.ids.table)*4 + cap(l.latest)*4 + len(l.ids.other)*64
	return int64(b)
}

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

// idString is for messages only: the id of entry k when it is a UUID.
func (l *ledger) idString(k int32) string {
	for s, v := range l.ids.other {
		if v == k {
			return s
		}
	}
	const hx = "0123456789abcdef"
	key := l.ids.keys[k]
	b := make([]byte, 0, 36)
	for i, x := range key {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hx[x>>4], hx[x&15])
	}
	return string(b)
}

// Engine is the in-memory ledger with its report cache. It is safe for
// concurrent use: reports read under a shared lock, writes take it alone.
type Engine struct {
	mu sync.RWMutex
	l  ledger
	// gen counts changes; cached reports of another generation are stale.
	gen uint64

	convMu sync.Mutex
	convs  map[convKey]*convTable

	cacheMu sync.Mutex
	cache   map[string]cacheEntry
}

type convKey struct {
	rates      *fairshare.RateTable
	to         string
	day0, day1 int32
}

// New returns an empty engine.
func New() *Engine { return &Engine{} }

// Load replaces the engine's contents with every version src holds.
func (e *Engine) Load(ctx context.Context, src Source) error {
	var l ledger
	err := src.ScanVersions(ctx, 0, func(c *fairshare.Contribution) error {
		l.bulk(c)
		return nil
	})
	if err != nil {
		return err
	}
	l.link()
	l.compact(true)
	e.mu.Lock()
	e.l = l
	e.gen++
	e.convMu.Lock()
	e.convs = nil // dictionary codes may differ in the new ledger
	e.convMu.Unlock()
	e.mu.Unlock()
	e.dropCache()
	return nil
}

// Apply adds versions (new entries, amendments, deletions) as they are
// recorded; versions it already holds are ignored. It returns how many were
// new.
func (e *Engine) Apply(vs ...fairshare.Contribution) int {
	e.mu.Lock()
	n := 0
	for i := range vs {
		if e.l.apply(&vs[i]) {
			n++
		}
	}
	if n > 0 {
		e.l.compact(false)
		e.gen++
	}
	e.mu.Unlock()
	if n > 0 {
		e.dropCache()
	}
	return n
}

// Len is the number of versions held.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.col.len()
}

// Entries is the number of entries (distinct ids) held.
func (e *Engine) Entries() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.l.noIDs {
		return e.l.nid
	}
	return len(e.l.latest)
}

// MaxRecorded is the latest recorded_us held (0 when empty).
func (e *Engine) MaxRecorded() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.maxRec
}

// Generation changes whenever the contents change.
func (e *Engine) Generation() uint64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.gen
}

// Bytes is the memory held by the ledger's columns and id index.
func (e *Engine) Bytes() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.bytes()
}

// Compact merges the unsorted tail of recent writes into the sorted rows.
func (e *Engine) Compact() {
	e.mu.Lock()
	e.l.compact(true)
	e.mu.Unlock()
}
