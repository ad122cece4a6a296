package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"time"
	"unsafe"

	"github.com/fairshare/fairshare"
)

// The engine's columns can be saved and read back so that a new process
// answers reports without reading the ledger's rows (see
// internal/app/engine.go for where they are kept and how they are checked
// against the ledger). Two forms:
//
//   - a snapshot (Snapshot/Restore): the whole ledger's columns, sorted and
//     linked, as raw little-endian arrays; reading it back is a copy per
//     column and rebuilding the id hash table;
//   - a segment (EncodeVersions/DecodeVersions): a few recorded versions
//     with the fields the engine keeps, appended as versions are recorded and
//     applied on top of a snapshot.

const (
	snapMagic = "FSENGINE5\n"
	idsMagic  = "FSENGIDS3\n"
	segMagic  = "FSSEG1\n"
)

// ErrSnapshot says a saved form cannot be used (another format, another
// byte order, damaged): the caller rebuilds from the ledger.
var ErrSnapshot = errors.New("engine: unusable snapshot")

var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

type writer struct{ b []byte }

func (w *writer) int(v int64) { w.b = binary.AppendVarint(w.b, v) }
func (w *writer) str(s string) {
	w.int(int64(len(s)))
	w.b = append(w.b, s...)
}

func raw[T any](w *writer, s []T) {
	if len(s) > 0 {
		w.b = append(w.b, unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))...)
	}
}

// Snapshot saves the ledger (after merging the unsorted tail) in two parts:
// cols, what a report reads (about 31 bytes a version), and ids, the id
// index that writes need (about 28 bytes a version), so that a process that
// only reports never reads the second.
func (e *Engine) Snapshot() (cols, ids []byte, err error) {
	if !littleEndian {
		return nil, nil, ErrSnapshot
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	l := &e.l
	if l.noIDs {
		return nil, nil, errors.New("engine: snapshot of an engine without its ids")
	}
	l.compact(true)
	var tok [8]byte
	binary.LittleEndian.PutUint64(tok[:], uint64(time.Now().UnixNano())^uint64(len(l.col.day))<<40)
	n := l.col.len()
	w := &writer{b: make([]byte, 0, n*31+4096)}
	w.b = append(w.b, snapMagic...)
	w.b = append(w.b, tok[:]...)
	w.int(int64(n))
	w.int(int64(l.sorted))
	w.int(l.maxRec)
	w.int(int64(len(l.ids.keys)))
	flags := int64(0)
	if l.outOfOrder {
		flags |= 1
	}
	if l.odd {
		flags |= 2
	}
	w.int(flags)
	for _, d := range []*dict{&l.donors, &l.curs, &l.dss} {
		w.int(int64(len(d.names)))
		for _, s := range d.names {
			w.str(s)
		}
	}
	nw := l.newest()
	w.str(nw.id)
	w.int(int64(nw.ver))
	w.int(nw.rec)
	encodeCols(w, &l.col)
	cols = w.b

	c := &l.col
	w = &writer{b: make([]byte, 0, n*8+len(l.ids.keys)*20+4096)}
	w.b = append(w.b, idsMagic...)
	w.b = append(w.b, tok[:]...)
	w.int(int64(n))
	w.int(int64(len(l.ids.keys)))
	w.int(int64(len(l.ids.other)))
	for s, k := range l.ids.other {
		w.str(s)
		w.int(int64(k))
	}
	raw(w, c.idx)
	raw(w, c.ver)
	raw(w, l.ids.keys)
	raw(w, l.latest)
	return cols, w.b, nil
}

// reader reads a saved form that may come in chunks (as stored: a cold
// start then never holds the whole form in one piece, only the columns it
// keeps). more returns the next chunk, or nil at the end; a chunk need only
// stay valid until more is called again (the store hands out its read
// buffer), so nothing of it is kept past that.
type reader struct {
	b    []byte // unread bytes: of the current chunk, or a value joined across chunks
	rest []byte // when b is a joined value: the unread rest of the chunk after it
	more func() ([]byte, error)
	err  error
}

// load makes r.b non-empty, from the chunk after a joined value or the next
// chunk.
func (r *reader) load() bool {
	for len(r.b) == 0 {
		if r.rest != nil {
			r.b, r.rest = r.rest, nil
			continue
		}
		c, ok := r.next()
		if !ok {
			return false
		}
		r.b = c
	}
	return true
}

// next asks for the next chunk; false, with r failed, at the end of the
// form or on an error.
func (r *reader) next() ([]byte, bool) {
	if r.err != nil || r.more == nil {
		r.fail(nil)
		return nil, false
	}
	c, err := r.more()
	if err != nil || c == nil {
		r.fail(err)
		return nil, false
	}
	return c, true
}

// fill makes at least n bytes available in r.b: a value that spans chunks
// is joined in a buffer of its own, copying the unread bytes before the
// next chunk is asked for.
func (r *reader) fill(n int) bool {
	if r.err != nil || n < 0 {
		r.fail(nil)
		return false
	}
	if len(r.b) >= n {
		return true
	}
	j := append(make([]byte, 0, n), r.b...)
	src := r.rest
	r.b, r.rest = nil, nil
	for len(j) < n {
		if len(src) == 0 {
			c, ok := r.next()
			if !ok {
				return false
			}
			src = c
			continue
		}
		k := min(n-len(j), len(src))
		j, src = append(j, src[:k]...), src[k:]
	}
	r.b = j
	if len(src) > 0 {
		r.rest = src
	}
	return true
}

// skip consumes k bytes of r.b.
func (r *reader) skip(k int) {
	r.b = r.b[k:]
	if len(r.b) == 0 && r.rest != nil {
		r.b, r.rest = r.rest, nil
	}
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = ErrSnapshot
		if err != nil {
			r.err = fmt.Errorf("%w: %v", ErrSnapshot, err)
		}
	}
}

// done reports whether everything was read and nothing is left over.
func (r *reader) done() bool {
	if r.err != nil || len(r.b) != 0 || len(r.rest) != 0 {
		return false
	}
	if r.more != nil {
		c, err := r.more()
		if err != nil || c != nil {
			return false
		}
	}
	return true
}

func (r *reader) int() int64 {
	for r.err == nil {
		v, k := binary.Varint(r.b)
		if k > 0 {
			r.skip(k)
			return v
		}
		if k < 0 || !r.fill(len(r.b)+1) {
			r.fail(nil)
			return 0
		}
	}
	return 0
}

func (r *reader) str() string {
	n := r.int()
	if n < 0 || n > 1<<20 || !r.fill(int(n)) {
		r.fail(nil)
		return ""
	}
	s := string(r.b[:n])
	r.skip(int(n))
	return s
}

// view returns the next n bytes, valid until the next read.
func (r *reader) view(n int) []byte {
	if !r.fill(n) {
		return nil
	}
	b := r.b[:n]
	r.skip(n)
	return b
}

// each hands the next n values of size bytes to fn, in pieces as they lie
// in the chunks: b holds whole values, the first of them value number at.
// Only a value that spans two chunks is copied.
func (r *reader) each(n, size int, fn func(b []byte, at int)) {
	if r.err != nil || n < 0 {
		r.fail(nil)
		return
	}
	for at := 0; at < n; {
		if !r.load() {
			return
		}
		k := min(len(r.b)/size, n-at)
		if k == 0 {
			if !r.fill(size) {
				return
			}
			k = 1
		}
		fn(r.b[:k*size], at)
		r.skip(k * size)
		at += k
	}
}

// unraw copies n values of T, chunk by chunk.
func unraw[T any](r *reader, n int) []T {
	if r.err != nil || n < 0 {
		r.fail(nil)
		return nil
	}
	var z T
	size := n * int(unsafe.Sizeof(z))
	out := make([]T, n)
	if n == 0 {
		return out
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), size)
	for len(dst) > 0 {
		if !r.load() {
			return nil
		}
		k := copy(dst, r.b)
		dst = dst[k:]
		r.skip(k)
	}
	return out
}

// newestRow is the version recorded last (the first such when several
// share the time).
type newestRow struct {
	id  string
	ver int
	rec int64
	ok  bool
}

func (l *ledger) newest() newestRow {
	if l.noIDs {
		return l.saved
	}
	c := &l.col
	best := -1
	for i, r := range c.rec {
		if best < 0 || r > c.rec[best] {
			best = i
		}
	}
	if best < 0 {
		return newestRow{}
	}
	return newestRow{l.idString(c.idx[best]), int(c.ver[best]), c.rec[best], true}
}

// Restore replaces the engine's contents with the cols part of a Snapshot.
// Reports can be made at once; writes (Apply) and Snapshot need the ids
// part first (RestoreIDs). The data is copied: the caller may reuse it.
func (e *Engine) Restore(cols []byte) error { return e.RestoreChunks(oneChunk(cols)) }

// oneChunk serves b as the only chunk.
func oneChunk(b []byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		c := b
		b = nil
		return c, nil
	}
}

// RestoreChunks is Restore of a cols part read in chunks: next returns
// them in order, nil at the end. Chunks are not kept.
func (e *Engine) RestoreChunks(next func() ([]byte, error)) error {
	if !littleEndian {
		return ErrSnapshot
	}
	r := &reader{more: next}
	if m := r.view(len(snapMagic)); r.err != nil || string(m) != snapMagic {
		return ErrSnapshot
	}
	var l ledger
	copy(l.token[:], r.view(8))
	n := int(r.int())
	l.sorted = int(r.int())
	l.maxRec = r.int()
	l.nid = int(r.int())
	flags := r.int()
	l.outOfOrder, l.odd = flags&1 != 0, flags&2 != 0
	for _, d := range []*dict{&l.donors, &l.curs, &l.dss} {
		k := int(r.int())
		if r.err != nil || k < 0 || k > 1<<16 {
			return ErrSnapshot
		}
		d.m = make(map[string]int, k)
		for i := 0; i < k; i++ {
			d.id(r.str())
		}
	}
	l.saved.id = r.str()
	l.saved.ver = int(r.int())
	l.saved.rec = r.int()
	l.saved.ok = l.saved.id != ""
	if r.err != nil || n < 0 || l.nid < 0 || l.nid > n {
		return ErrSnapshot
	}
	c := &l.col
	decodeCols(r, &l, n)
	if !r.done() || l.sorted != n {
		return ErrSnapshot
	}
	nd, nc, ns := uint16(len(l.donors.names)), uint16(len(l.curs.names)), uint16(len(l.dss.names))
	for i := 0; i < n; i++ {
		if x := c.next[i]; x < -1 || int(x) >= n || c.donor[i] >= nd || c.ds[i] >= ns {
			return fmt.Errorf("%w: row %d out of range", ErrSnapshot, i)
		}
	}
	for _, cu := range l.runs.cur {
		if cu >= nc {
			return fmt.Errorf("%w: currency out of range", ErrSnapshot)
		}
	}
	l.noIDs = true
	e.mu.Lock()
	e.l = l
	e.gen++
	e.convMu.Lock()
	e.convs = nil
	e.convMu.Unlock()
	e.mu.Unlock()
	e.dropCache()
	return nil
}

// NeedsIDs reports whether the engine was restored without its id index
// (RestoreIDs), which writes need.
func (e *Engine) NeedsIDs() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.l.noIDs
}

// RestoreIDs adds the ids part of the Snapshot whose cols part Restore read.
func (e *Engine) RestoreIDs(ids []byte) error { return e.RestoreIDChunks(oneChunk(ids)) }

// RestoreIDChunks is RestoreIDs of an ids part read in chunks (see
// RestoreChunks).
func (e *Engine) RestoreIDChunks(next func() ([]byte, error)) error {
	r := &reader{more: next}
	if m := r.view(len(idsMagic)); r.err != nil || string(m) != idsMagic {
		return ErrSnapshot
	}
	var tok [8]byte
	copy(tok[:], r.view(8))
	n := int(r.int())
	nid := int(r.int())
	no := int(r.int())
	e.mu.Lock()
	defer e.mu.Unlock()
	l := &e.l
	if r.err != nil || !l.noIDs || tok != l.token || n != l.col.len() || nid != l.nid || no < 0 || no > nid {
		return ErrSnapshot
	}
	var x idIndex
	if no > 0 {
		x.other = make(map[string]int32, no)
	}
	for i := 0; i < no; i++ {
		s := r.str()
		k := r.int()
		if k < 0 || int(k) >= nid {
			return ErrSnapshot
		}
		x.other[s] = int32(k)
	}
	idx := unraw[int32](r, n)
	ver := unraw[int32](r, n)
	x.keys = unraw[[16]byte](r, nid)
	latest := unraw[int32](r, nid)
	if !r.done() {
		return ErrSnapshot
	}
	for i := 0; i < n; i++ {
		if idx[i] < 0 || int(idx[i]) >= nid {
			return fmt.Errorf("%w: id of row %d out of range", ErrSnapshot, i)
		}
	}
	for _, v := range latest {
		if v < 0 || int(v) >= n {
			return fmt.Errorf("%w: latest out of range", ErrSnapshot)
		}
	}
	x.rehash()
	l.col.idx, l.col.ver, l.ids, l.latest = idx, ver, x, latest
	l.expand()
	l.noIDs = false
	return nil
}

// rehash rebuilds the open-addressing table from keys (the hash seed is
// per process). Entries whose ids are not UUIDs live in other.
func (x *idIndex) rehash() {
	x.seed = maphash.MakeSeed()
	size := 1024
	for size*3 < len(x.keys)*4+4 {
		size *= 2
	}
	x.table = make([]int32, size)
	x.n = 0
	isOther := make(map[int32]bool, len(x.other))
	for _, k := range x.other {
		isOther[k] = true
	}
	mask := uint64(size - 1)
	for i := range x.keys {
		if isOther[int32(i)] {
			continue
		}
		h := maphash.Comparable(x.seed, x.keys[i]) & mask
		for x.table[h] != 0 {
			h = (h + 1) & mask
		}
		x.table[h] = int32(i) + 1
		x.n++
	}
}

// EncodeVersions writes versions as a segment: the fields the engine keeps.
func EncodeVersions(vs []fairshare.Contribution) []byte {
	b := []byte(segMagic)
	b = binary.AppendUvarint(b, uint64(len(vs)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i := range vs {
		c := &vs[i]
		str(c.ID)
		b = binary.AppendVarint(b, int64(c.Version))
		b = binary.AppendVarint(b, c.RecordedAt.UnixMicro())
		del := uint64(0)
		if c.Deleted {
			del = 1
		}
		b = binary.AppendUvarint(b, del)
		str(c.Donor)
		b = binary.AppendVarint(b, int64(c.Date.Days()))
		b = binary.AppendVarint(b, int64(c.Amount))
		str(c.Currency)
		str(string(c.Category))
		str(string(c.Status))
		str(c.Dataset)
	}
	return b
}

// DecodeVersions reads a segment written by EncodeVersions.
func DecodeVersions(b []byte) ([]fairshare.Contribution, error) {
	if !bytes.HasPrefix(b, []byte(segMagic)) {
		return nil, ErrSnapshot
	}
	r := &reader{b: b[len(segMagic):]}
	uv := func() int64 {
		if r.err != nil {
			return 0
		}
		v, k := binary.Uvarint(r.b)
		if k <= 0 || v > 1<<40 {
			r.err = ErrSnapshot
			return 0
		}
		r.b = r.b[k:]
		return int64(v)
	}
	str := func() string {
		n := uv()
		if r.err != nil || n > int64(len(r.b)) {
			r.err = ErrSnapshot
			return ""
		}
		s := string(r.b[:n])
		r.b = r.b[n:]
		return s
	}
	n := uv()
	if r.err != nil || n > int64(len(r.b)) {
		return nil, ErrSnapshot
	}
	out := make([]fairshare.Contribution, 0, n)
	for i := int64(0); i < n && r.err == nil; i++ {
		var c fairshare.Contribution
		c.ID = str()
		c.Version = int(r.int())
		c.RecordedAt = time.UnixMicro(r.int()).UTC()
		c.Deleted = uv() == 1
		c.Donor = str()
		c.Date = fairshare.DateFromDays(int(r.int()))
		c.Amount = fairshare.Amount(r.int())
		c.Currency = str()
		c.Category = fairshare.Category(str())
		c.Status = fairshare.Status(str())
		c.Dataset = str()
		out = append(out, c)
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, ErrSnapshot
	}
	return out, nil
}

// Newest names the version recorded last (the first such when several
// share the time); ok is false when the engine is empty.
func (e *Engine) Newest() (id string, version int, recordedUs int64, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	nw := e.l.newest()
	return nw.id, nw.ver, nw.rec, nw.ok
}

// encodeCols writes the columns a report reads, sorted by (day, currency),
// compactly: (day, currency) as runs, recorded times through a dictionary
// when there are few distinct ones (imports share one), next versions as a
// sparse list, and donor and dataset codes in one byte when they fit. About
// 13 bytes a version instead of 31: the read from the database is the cost
// of a cold start.
func encodeCols(w *writer, c *columns) {
	n := c.len()
	var runDay []int32
	var runCur []uint16
	var runLen []int32
	for i := 0; i < n; {
		j := i + 1
		for j < n && c.day[j] == c.day[i] && c.cur[j] == c.cur[i] {
			j++
		}
		runDay, runCur, runLen = append(runDay, c.day[i]), append(runCur, c.cur[i]), append(runLen, int32(j-i))
		i = j
	}
	w.int(int64(len(runDay)))
	raw(w, runDay)
	raw(w, runCur)
	raw(w, runLen)
	raw(w, c.amt)
	dict := map[int64]uint16{}
	var vals []int64
	for _, r := range c.rec {
		if _, ok := dict[r]; !ok {
			if len(vals) == 1<<16-1 {
				vals = nil
				break
			}
			dict[r] = uint16(len(vals))
			vals = append(vals, r)
		}
	}
	if vals == nil && n > 0 {
		w.int(-1)
		raw(w, c.rec)
	} else {
		w.int(int64(len(vals)))
		raw(w, vals)
		codes := make([]uint16, n)
		for i, r := range c.rec {
			codes[i] = dict[r]
		}
		raw(w, codes)
	}
	var rows, next []int32
	for i, x := range c.next {
		if x >= 0 {
			rows, next = append(rows, int32(i)), append(next, x)
		}
	}
	w.int(int64(len(rows)))
	raw(w, rows)
	raw(w, next)
	for _, col := range [][]uint16{c.donor, c.ds} {
		narrow := true
		for _, v := range col {
			narrow = narrow && v < 256
		}
		if narrow {
			w.int(1)
			b := make([]uint8, n)
			for i, v := range col {
				b[i] = uint8(v)
			}
			raw(w, b)
		} else {
			w.int(2)
			raw(w, col)
		}
	}
	raw(w, c.cs)
}

// decodeCols reads what encodeCols wrote into l, whose columns are still
// empty; errors are left in r. Each column is written straight from the
// chunks as they come (each); (day, currency) stay runs and recorded times
// dictionary codes (see ledger.runs): a cold start's time and peak memory
// are the columns it keeps.
func decodeCols(r *reader, l *ledger, n int) {
	c := &l.col
	nr := int(r.int())
	if r.err != nil || nr < 0 || nr > n {
		r.err = ErrSnapshot
		return
	}
	runs := &dayRuns{day: unraw[int32](r, nr), cur: unraw[uint16](r, nr), start: make([]int32, nr+1)}
	runLen := unraw[int32](r, nr)
	if r.err != nil {
		return
	}
	i := 0
	for k := 0; k < nr; k++ {
		ln := int(runLen[k])
		if ln <= 0 || i+ln > n || (k > 0 && runs.day[k] < runs.day[k-1]) {
			r.err = ErrSnapshot // the scan's binary search needs the days in order
			return
		}
		i += ln
		runs.start[k+1] = int32(i)
	}
	if i != n {
		r.err = ErrSnapshot
		return
	}
	l.runs = runs
	le := binary.LittleEndian
	c.amt = unraw[int64](r, n)
	if nv := int(r.int()); nv < 0 {
		c.rec = unraw[int64](r, n)
	} else {
		rc := &recCodes{vals: unraw[int64](r, nv), codes: unraw[uint16](r, n)}
		for _, k := range rc.codes {
			if int(k) >= len(rc.vals) {
				r.err = ErrSnapshot
				return
			}
		}
		l.recs = rc
	}
	ns := int(r.int())
	if r.err != nil || ns < 0 || ns > n {
		r.err = ErrSnapshot
		return
	}
	rows := unraw[int32](r, ns)
	if r.err != nil {
		return
	}
	c.next = make([]int32, n)
	for i := range c.next {
		c.next[i] = -1
	}
	for _, row := range rows {
		if row < 0 || int(row) >= n {
			r.err = ErrSnapshot
			return
		}
	}
	r.each(ns, 4, func(b []byte, at int) {
		for k := range len(b) / 4 {
			c.next[rows[at+k]] = int32(le.Uint32(b[4*k:]))
		}
	})
	for _, col := range []*[]uint16{&c.donor, &c.ds} {
		switch r.int() {
		case 1:
			out := make([]uint16, n)
			r.each(n, 1, func(b []byte, at int) {
				o := out[at : at+len(b)]
				for i, v := range b {
					o[i] = uint16(v)
				}
			})
			*col = out
		case 2:
			*col = unraw[uint16](r, n)
		default:
			r.err = ErrSnapshot
			return
		}
	}
	c.cs = unraw[uint8](r, n)
}
