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
	snapMagic = "FSENGINE2\n"
	segMagic  = "FSSEG1\n"
)

// ErrSnapshot says a saved form cannot be used (another format, another
// byte order, damaged): the caller rebuilds from the ledger.
var ErrSnapshot = errors.New("engine: unusable snapshot")

var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// Snapshot writes the ledger's columns (after merging the unsorted tail).
func (e *Engine) Snapshot() ([]byte, error) {
	if !littleEndian {
		return nil, ErrSnapshot
	}
	e.mu.Lock()
	e.l.compact(true)
	e.mu.Unlock()
	e.mu.RLock()
	defer e.mu.RUnlock()
	l := &e.l
	var b bytes.Buffer
	b.Grow(int(l.bytes()) + 4096)
	b.WriteString(snapMagic)
	w := func(v int64) { b.Write(binary.AppendVarint(nil, v)) }
	ws := func(s string) { w(int64(len(s))); b.WriteString(s) }
	n := l.col.len()
	w(int64(n))
	w(int64(l.sorted))
	w(l.maxRec)
	w(int64(len(l.ids.keys)))
	oo := int64(0)
	if l.outOfOrder {
		oo = 1
	}
	w(oo)
	for _, d := range []*dict{&l.donors, &l.curs, &l.dss} {
		w(int64(len(d.names)))
		for _, s := range d.names {
			ws(s)
		}
	}
	w(int64(len(l.ids.other)))
	for s, k := range l.ids.other {
		ws(s)
		w(int64(k))
	}
	c := &l.col
	raw(&b, c.day)
	raw(&b, c.amt)
	raw(&b, c.rec)
	raw(&b, c.next)
	raw(&b, c.idx)
	raw(&b, c.ver)
	raw(&b, c.donor)
	raw(&b, c.ds)
	raw(&b, c.cur)
	raw(&b, c.cs)
	raw(&b, l.ids.keys)
	raw(&b, l.latest)
	return b.Bytes(), nil
}

func raw[T any](b *bytes.Buffer, s []T) {
	if len(s) == 0 {
		return
	}
	b.Write(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0]))))
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, k := binary.Varint(r.b)
	if k <= 0 {
		r.err = ErrSnapshot
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *reader) str() string {
	n := r.int()
	if r.err != nil || n < 0 || n > int64(len(r.b)) {
		r.err = ErrSnapshot
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func unraw[T any](r *reader, n int) []T {
	if r.err != nil {
		return nil
	}
	var z T
	size := n * int(unsafe.Sizeof(z))
	if n < 0 || size > len(r.b) {
		r.err = ErrSnapshot
		return nil
	}
	out := make([]T, n)
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), size), r.b[:size])
	}
	r.b = r.b[size:]
	return out
}

// Restore replaces the engine's contents with a Snapshot. Parts may be
// given in pieces (as stored); they are read in order.
func (e *Engine) Restore(parts ...[]byte) error {
	if !littleEndian {
		return ErrSnapshot
	}
	data := parts[0]
	if len(parts) > 1 {
		data = bytes.Join(parts, nil)
	}
	if !bytes.HasPrefix(data, []byte(snapMagic)) {
		return ErrSnapshot
	}
	r := &reader{b: data[len(snapMagic):]}
	var l ledger
	n := int(r.int())
	l.sorted = int(r.int())
	l.maxRec = r.int()
	nid := int(r.int())
	l.outOfOrder = r.int() == 1
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
	no := int(r.int())
	if r.err != nil || no < 0 || no > nid {
		return ErrSnapshot
	}
	if no > 0 {
		l.ids.other = make(map[string]int32, no)
	}
	for i := 0; i < no; i++ {
		s := r.str()
		l.ids.other[s] = int32(r.int())
	}
	c := &l.col
	c.day = unraw[int32](r, n)
	c.amt = unraw[int64](r, n)
	c.rec = unraw[int64](r, n)
	c.next = unraw[int32](r, n)
	c.idx = unraw[int32](r, n)
	c.ver = unraw[int32](r, n)
	c.donor = unraw[uint16](r, n)
	c.ds = unraw[uint16](r, n)
	c.cur = unraw[uint16](r, n)
	c.cs = unraw[uint8](r, n)
	l.ids.keys = unraw[[16]byte](r, nid)
	l.latest = unraw[int32](r, nid)
	if r.err != nil || len(r.b) != 0 || l.sorted < 0 || l.sorted > n {
		return ErrSnapshot
	}
	if err := l.check(); err != nil {
		return err
	}
	l.ids.rehash()
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

// check bounds every index a report or a write follows, so that a damaged
// snapshot fails here rather than in a scan.
func (l *ledger) check() error {
	c := &l.col
	n, nid := int32(c.len()), int32(len(l.ids.keys))
	nd, nc, ns := uint16(len(l.donors.names)), uint16(len(l.curs.names)), uint16(len(l.dss.names))
	for i := int32(0); i < n; i++ {
		if x := c.next[i]; x < -1 || x >= n || c.idx[i] < 0 || c.idx[i] >= nid ||
			c.donor[i] >= nd || c.cur[i] >= nc || c.ds[i] >= ns {
			return fmt.Errorf("%w: row %d out of range", ErrSnapshot, i)
		}
	}
	for _, r := range l.latest {
		if r < 0 || r >= n {
			return fmt.Errorf("%w: latest out of range", ErrSnapshot)
		}
	}
	for _, k := range l.ids.other {
		if k < 0 || k >= nid {
			return fmt.Errorf("%w: id out of range", ErrSnapshot)
		}
	}
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
	c := &e.l.col
	best := -1
	for i, r := range c.rec {
		if best < 0 || r > c.rec[best] {
			best = i
		}
	}
	if best < 0 {
		return "", 0, 0, false
	}
	return e.l.idString(c.idx[best]), int(c.ver[best]), c.rec[best], true
}
