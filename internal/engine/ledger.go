// The versioned ledger in columns: dictionaries, columns, adding versions
// and linking an entry's versions.

package engine

import (
	"context"
	"slices"
	"sort"

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

// len counts rows by amt, the one column never held in another form
// (runs, dictionary codes: see ledger.runs).
func (c *columns) len() int { return len(c.amt) }

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
	// odd: some version (not a deletion) has a category or status catStatus
	// has no code for; reports do not count it, but Groups cannot name it.
	odd bool

	// Restored from a snapshot without its id index (persist.go): reports
	// work, writes wait for RestoreIDs.
	noIDs bool
	nid   int       // entries, while noIDs
	saved newestRow // the newest version, while noIDs
	token [8]byte   // pairs a snapshot's two parts
	// While noIDs, the day and currency columns stay as the snapshot's runs
	// and recorded times as its dictionary codes (nil: expanded in col);
	// only a report's scan reads them then. The id index brings the columns
	// (expand), since writes need them: a process that only reports keeps
	// 14 bytes a version less and never writes them.
	runs *dayRuns
	recs *recCodes
}

// dayRuns are sorted rows' (day, currency) as runs: rows [start[k],
// start[k+1]) have day[k] and cur[k].
type dayRuns struct {
	day   []int32
	cur   []uint16
	start []int32
}

// recCodes are recorded times through a dictionary.
type recCodes struct {
	vals  []int64
	codes []uint16
}

// expand writes the columns held as runs and codes.
func (l *ledger) expand() {
	c := &l.col
	n := c.len()
	if r := l.runs; r != nil {
		c.day, c.cur = make([]int32, n), make([]uint16, n)
		for k := range r.day {
			d, cu := r.day[k], r.cur[k]
			for j := r.start[k]; j < r.start[k+1]; j++ {
				c.day[j], c.cur[j] = d, cu
			}
		}
		l.runs = nil
	}
	if rc := l.recs; rc != nil {
		c.rec = make([]int64, n)
		for i, k := range rc.codes {
			c.rec[i] = rc.vals[k]
		}
		l.recs = nil
	}
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
	cs := catStatus(c.Category, c.Status, c.Deleted)
	col.cs = append(col.cs, cs)
	if !c.Deleted && (cs>>2 == 15 || cs&3 == 3) {
		l.odd = true
	}
	if rec > l.maxRec {
		l.maxRec = rec
	}
}

// bytes is the memory the ledger holds (capacities of its arrays).
func (l *ledger) bytes() int64 {
	c := &l.col
	b := cap(c.day)*4 + cap(c.amt)*8 + cap(c.rec)*8 + cap(c.next)*4 + cap(c.idx)*4 + cap(c.ver)*4 +
		cap(c.donor)*2 + cap(c.ds)*2 + cap(c.cur)*2 + cap(c.cs)
	b += cap(l.ids.keys)*16 + cap(l.ids.table)*4 + cap(l.latest)*4 + len(l.ids.other)*64
	if r := l.runs; r != nil {
		b += cap(r.day)*4 + cap(r.cur)*2 + cap(r.start)*4
	}
	if rc := l.recs; rc != nil {
		b += cap(rc.vals)*8 + cap(rc.codes)*2
	}
	return int64(b)
}
