package app

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// ValidImport is an import file read and validated in full, not yet
// recorded: its entries wait in a temporary file in a compact form, so that
// neither a bad file nor a large one costs memory in proportion to its size,
// and recording it reads them back without parsing and validating again.
// Close removes the file.
type ValidImport struct {
	f        *os.File
	n        int
	datasets []string // in the order of their first entry, as permissions are checked
	seen     map[string]bool
	r        *bufio.Reader
	buf      []byte
	intern   map[string]string
	growing  *growing // an import still being read (importpipe.go), or nil
}

// Len is how many entries the file holds.
func (v *ValidImport) Len() int { return v.n }

// Count is how many entries the file holds: with an import still being
// read, once it holds at least k or is complete, and whether it is.
func (v *ValidImport) Count(k int) (int, bool, error) {
	if v.growing != nil {
		return v.growing.count(k)
	}
	return v.n, true, nil
}

// Close removes the temporary file.
func (v *ValidImport) Close() error {
	if v == nil || v.f == nil {
		return nil
	}
	if v.growing != nil {
		v.growing.stop()
	}
	v.f.Close()
	err := os.Remove(v.f.Name())
	v.f = nil
	return err
}

// readImport validates every entry of r and writes it to a ValidImport.
func readImport(r io.Reader, name string, format ImportFormat, chk ledgerio.Checker, opt ledgerio.Options) (*ValidImport, error) {
	each := ledgerio.EachCSV
	if format == "json" {
		each = ledgerio.EachJSON
	}
	tmp, err := os.CreateTemp("", "fairshare-import-*")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	v := &ValidImport{f: tmp, seen: map[string]bool{}}
	w := bufio.NewWriterSize(tmp, 256<<10)
	var buf []byte
	err = each(r, name, chk, opt, func(c fairshare.Contribution) error {
		v.n++
		if !v.seen[c.Dataset] {
			v.seen[c.Dataset] = true
			v.datasets = append(v.datasets, c.Dataset)
		}
		buf = appendEntry(buf[:0], &c)
		_, err := w.Write(buf)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// The compact form of an entry: its text fields as a length (uvarint) and
// bytes, its day (Unix seconds) and its amount as varints.
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

// Rewind implements sqlstore.ContributionSource.
func (v *ValidImport) Rewind() error {
	if v.growing != nil {
		t := &tailReader{g: v.growing}
		if v.r == nil {
			v.r = bufio.NewReaderSize(t, 256<<10)
			v.intern = map[string]string{}
		} else {
			v.r.Reset(t)
		}
		return nil
	}
	if _, err := v.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if v.r == nil {
		v.r = bufio.NewReaderSize(v.f, 256<<10)
		v.intern = map[string]string{}
	} else {
		v.r.Reset(v.f)
	}
	return nil
}

// Next implements sqlstore.ContributionSource.
func (v *ValidImport) Next(c *fairshare.Contribution) (bool, error) {
	if v.r == nil {
		if err := v.Rewind(); err != nil {
			return false, err
		}
	}
	var err error
	bytes := func() []byte {
		if err != nil {
			return nil
		}
		var n uint64
		if n, err = binary.ReadUvarint(v.r); err != nil {
			return nil
		}
		if uint64(cap(v.buf)) < n {
			v.buf = make([]byte, n)
		}
		v.buf = v.buf[:n]
		_, err = io.ReadFull(v.r, v.buf)
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
		x, err = binary.ReadVarint(v.r)
		return x
	}
	if _, e := v.r.Peek(1); e == io.EOF {
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
