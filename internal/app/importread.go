package app

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// ValidImport is an import file read and validated in full, not yet
// recorded: its entries wait in a temporary file in a compact form, so that
// neither a bad file nor a large one costs memory in proportion to its size,
// and recording it reads them back without parsing and validating again.
//
// The entries come back in id order (equal ids in the order of the file):
// the file is written as sorted runs of at most runBytes each, merged as
// they are read. SQLite then inserts them as they come (the primary key
// grows at its right edge) instead of sorting them itself, which cost a
// third of the import. Every entry has its id (the natural id, when the
// file gave none). Close removes the file.
type ValidImport struct {
	f        *os.File
	named    bool // see tempFile
	n        int
	datasets []string // in the order of their first entry, as permissions are checked
	seen     map[string]bool
	runs     []*importRun
	heap     []int // the runs with an entry left, smallest head first
	pf       *prefetch
	decoder
}

// decoder reads compact entries back (see appendEntry).
type decoder struct {
	intern map[string]string
	buf    []byte
}

// runBytes bounds the compact entries held in memory to be sorted into one
// run (with about 16 bytes more per entry to sort them by).
var runBytes = 32 << 20

// importRun is one sorted run: a section of the temporary file, and its
// next entry while it is merged.
type importRun struct {
	off, size int64
	r         *bufio.Reader
	head      fairshare.Contribution
}

// Len is how many entries the file holds.
func (v *ValidImport) Len() int { return v.n }

// SortedByID tells sqlstore that the entries come in id order, equal ids
// in the order of the file, each with its id set.
func (v *ValidImport) SortedByID() bool { return true }

// Close removes the temporary file.
func (v *ValidImport) Close() error {
	if v == nil || v.f == nil {
		return nil
	}
	v.stop()
	err := closeTemp(v.f, v.named)
	v.f = nil
	return err
}

// tempFile makes an import's temporary file and, where the system lets an
// open file lose its name (not Windows), removes the name at once: the
// file lives while it is open, and nothing is left behind even when the
// process is killed mid-import. named says the name is still there.
func tempFile() (f *os.File, named bool, err error) {
	f, err = os.CreateTemp("", "fairshare-import-*")
	if err != nil {
		return nil, false, fmt.Errorf("import: %w", err)
	}
	return f, os.Remove(f.Name()) != nil, nil
}

// closeTemp closes a file from tempFile and removes it if it still has a
// name.
func closeTemp(f *os.File, named bool) error {
	err := f.Close()
	if named {
		err = os.Remove(f.Name())
	}
	return err
}

// readImport validates every entry of r and writes it to a ValidImport.
func readImport(r io.Reader, name string, format ImportFormat, chk ledgerio.Checker, opt ledgerio.Options) (*ValidImport, error) {
	each := eachEntry(format)
	tmp, named, err := tempFile()
	if err != nil {
		return nil, err
	}
	v := &ValidImport{f: tmp, named: named, seen: map[string]bool{}}
	rw := &runWriter{v: v, w: bufio.NewWriterSize(tmp, 256<<10)}
	err = each(r, name, chk, opt, func(c fairshare.Contribution) error {
		v.n++
		if !v.seen[c.Dataset] {
			v.seen[c.Dataset] = true
			v.datasets = append(v.datasets, c.Dataset)
		}
		setID(&c)
		return rw.add(&c)
	})
	if err == nil {
		err = rw.flush()
	}
	if err == nil {
		err = rw.w.Flush()
	}
	if err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// eachEntry is the reader of an import's format. A CSV file is read and
// checked on every core; the natural ids are hashed there too.
func eachEntry(format ImportFormat) func(io.Reader, string, ledgerio.Checker, ledgerio.Options, func(fairshare.Contribution) error) error {
	if format == "json" {
		return ledgerio.EachJSON
	}
	return func(r io.Reader, name string, chk ledgerio.Checker, opt ledgerio.Options, fn func(fairshare.Contribution) error) error {
		return ledgerio.EachCSVParallel(r, name, chk, opt, runtime.GOMAXPROCS(0), setID, fn)
	}
}

// setID gives an entry without an id its natural id.
func setID(c *fairshare.Contribution) {
	if c.ID == "" {
		c.ID = c.NaturalID()
	}
}

// runWriter gathers compact entries in memory and writes them, sorted by
// id, as one run each time they reach runBytes.
type runWriter struct {
	v     *ValidImport
	w     *bufio.Writer
	arena []byte
	recs  []runRec
	pos   int64
}

// runRec is an entry in the arena: its bytes, its id's bytes, and the
// id's first 8 bytes as a number (most comparisons stop there). Offsets
// are 32 bits: an arena holds runBytes and one entry more.
type runRec struct {
	key                    uint64
	off, end, idOff, idEnd uint32
}

func (rw *runWriter) add(c *fairshare.Contribution) error {
	if rw.arena == nil {
		// Allocated once at full size: growing it by appending copied the
		// arena over and over (a fifth of the parse's CPU).
		rw.arena = make([]byte, 0, runBytes+64<<10)
	}
	off := len(rw.arena)
	rw.arena = appendEntry(rw.arena, c)
	if len(rw.arena) > 1<<32-1 {
		return errors.New("import: an entry too large")
	}
	idLen, k := binary.Uvarint(rw.arena[off:])
	idOff := off + k
	var k8 [8]byte
	copy(k8[:], rw.arena[idOff:idOff+int(idLen)])
	rw.recs = append(rw.recs, runRec{binary.BigEndian.Uint64(k8[:]), uint32(off), uint32(len(rw.arena)), uint32(idOff), uint32(idOff + int(idLen))})
	if len(rw.arena) >= runBytes {
		return rw.flush()
	}
	return nil
}

// flush sorts the entries in memory by id, equal ids in the order they came
// (their place in the arena), and writes them as the next run.
func (rw *runWriter) flush() error {
	if len(rw.recs) == 0 {
		return nil
	}
	a := rw.arena
	slices.SortFunc(rw.recs, func(x, y runRec) int {
		// The keys order as the ids' first 8 bytes (a shorter id padded
		// with zeros): equal keys fall back to the whole ids.
		if x.key != y.key {
			return cmp.Compare(x.key, y.key)
		}
		if c := bytes.Compare(a[x.idOff:x.idEnd], a[y.idOff:y.idEnd]); c != 0 {
			return c
		}
		return cmp.Compare(x.off, y.off)
	})
	start := rw.pos
	for _, r := range rw.recs {
		n, err := rw.w.Write(a[r.off:r.end])
		rw.pos += int64(n)
		if err != nil {
			return err
		}
	}
	rw.v.runs = append(rw.v.runs, &importRun{off: start, size: rw.pos - start})
	rw.arena, rw.recs = rw.arena[:0], rw.recs[:0]
	return nil
}

// The compact form of an entry: its text fields as a length (uvarint) and
// bytes, its day (Unix seconds) and its amount as varints. The id comes
// first: runs are sorted by it.
func appendEntry(b []byte, c *fairshare.Contribution) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(c.ID)
	str(c.Donor)
	str(c.Recipient)
	b = binary.AppendVarint(b, c.Date.Time().Unix())
	b = binary.AppendVarint(b, int64(c.Amount))
	str(c.Currency)
	str(string(c.Category))
	str(string(c.Status))
	str(c.Dataset)
	str(c.Description)
	str(c.Source.URL)
	str(c.Source.Title)
	str(c.Source.Publisher)
	str(c.Source.Date)
	return b
}

// Rewind implements sqlstore.ContributionSource: every run from its start.
func (v *ValidImport) Rewind() error {
	v.stop()
	if err := v.rewindRuns(); err != nil {
		return err
	}
	// The runs are merged and decoded ahead on another goroutine (another
	// core), in batches, while the store inserts the entries before them.
	p := &prefetch{ch: make(chan []fairshare.Contribution, 2), free: make(chan []fairshare.Contribution, 4),
		quit: make(chan struct{}), done: make(chan struct{})}
	v.pf = p
	go func() {
		defer close(p.done)
		defer close(p.ch)
		for {
			var b []fairshare.Contribution
			select {
			case b = <-p.free:
				b = b[:0]
			default:
				b = make([]fairshare.Contribution, 0, prefetchBatch)
			}
			for len(b) < prefetchBatch {
				b = append(b, fairshare.Contribution{})
				ok, err := v.next(&b[len(b)-1])
				if err != nil {
					p.err = err
					return
				}
				if !ok {
					b = b[:len(b)-1]
					break
				}
			}
			if len(b) == 0 {
				return
			}
			select {
			case p.ch <- b:
			case <-p.quit:
				return
			}
		}
	}()
	return nil
}

// prefetchBatch is how many entries the merging goroutine hands on at once.
const prefetchBatch = 256

// prefetch is the goroutine merging the runs ahead of Next: batches of
// entries on ch (closed at the end, after err is set), spent batches back
// on free.
type prefetch struct {
	ch, free   chan []fairshare.Contribution
	err        error
	quit, done chan struct{}
	batch      []fairshare.Contribution
	i          int
}

// stop ends the merging goroutine, if any, and waits for it.
func (v *ValidImport) stop() {
	if v.pf != nil {
		close(v.pf.quit)
		<-v.pf.done
		v.pf = nil
	}
}

// Next implements sqlstore.ContributionSource: the entries in id order.
func (v *ValidImport) Next(c *fairshare.Contribution) (bool, error) {
	if v.pf == nil {
		if err := v.Rewind(); err != nil {
			return false, err
		}
	}
	p := v.pf
	for p.i >= len(p.batch) {
		if p.batch != nil {
			select {
			case p.free <- p.batch:
			default:
			}
			p.batch = nil
		}
		b, ok := <-p.ch
		if !ok {
			return false, p.err
		}
		p.batch, p.i = b, 0
	}
	*c = p.batch[p.i]
	p.i++
	return true, nil
}

// rewindRuns starts every run again from its start.
func (v *ValidImport) rewindRuns() error {
	if v.intern == nil {
		v.intern = map[string]string{}
	}
	v.heap = v.heap[:0]
	for i, run := range v.runs {
		sr := io.NewSectionReader(v.f, run.off, run.size)
		if run.r == nil {
			// Small buffers when there are many runs: memory stays bounded.
			run.r = bufio.NewReaderSize(sr, max(16<<10, min(256<<10, (4<<20)/len(v.runs))))
		} else {
			run.r.Reset(sr)
		}
		ok, err := v.read(run.r, &run.head)
		if err != nil {
			return err
		}
		if ok {
			v.heap = append(v.heap, i)
		}
	}
	for i := len(v.heap)/2 - 1; i >= 0; i-- {
		v.down(i)
	}
	return nil
}

// next is the smallest head of the runs (by id, then by run: runs are in
// the order of the file).
func (v *ValidImport) next(c *fairshare.Contribution) (bool, error) {
	if len(v.heap) == 0 {
		return false, nil
	}
	run := v.runs[v.heap[0]]
	*c = run.head
	ok, err := v.read(run.r, &run.head)
	if err != nil {
		return false, err
	}
	if !ok {
		last := len(v.heap) - 1
		v.heap[0] = v.heap[last]
		v.heap = v.heap[:last]
	}
	v.down(0)
	return true, nil
}

// less orders the heap: by head id, then by run.
func (v *ValidImport) less(i, j int) bool {
	a, b := v.heap[i], v.heap[j]
	if x, y := v.runs[a].head.ID, v.runs[b].head.ID; x != y {
		return x < y
	}
	return a < b
}

func (v *ValidImport) down(i int) {
	h := v.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && v.less(r, l) {
			m = r
		}
		if !v.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// read decodes the next compact entry of r into c; false at the end.
func (v *decoder) read(r *bufio.Reader, c *fairshare.Contribution) (bool, error) {
	var err error
	bytes := func() []byte {
		if err != nil {
			return nil
		}
		var n uint64
		if n, err = binary.ReadUvarint(r); err != nil {
			return nil
		}
		if uint64(cap(v.buf)) < n {
			v.buf = make([]byte, n)
		}
		v.buf = v.buf[:n]
		_, err = io.ReadFull(r, v.buf)
		return v.buf
	}
	str := func() string { return string(bytes()) }
	// Columns with few distinct values share one string each.
	short := func() string {
		b := bytes()
		if s, ok := v.intern[string(b)]; ok {
			return s
		}
		s := string(b)
		if len(v.intern) < 4096 {
			v.intern[s] = s
		}
		return s
	}
	num := func() int64 {
		if err != nil {
			return 0
		}
		var x int64
		x, err = binary.ReadVarint(r)
		return x
	}
	if _, e := r.Peek(1); e == io.EOF {
		return false, nil
	}
	*c = fairshare.Contribution{}
	c.ID = str()
	c.Donor = short()
	c.Recipient = short()
	c.Date = fairshare.DateOf(time.Unix(num(), 0).UTC())
	c.Amount = fairshare.Amount(num())
	c.Currency = short()
	c.Category = fairshare.Category(short())
	c.Status = fairshare.Status(short())
	c.Dataset = short()
	c.Description = str()
	c.Source.URL = short()
	c.Source.Title = short()
	c.Source.Publisher = short()
	c.Source.Date = short()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return false, fmt.Errorf("import: read back: %w", err)
	}
	return true, nil
}
