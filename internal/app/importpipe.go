package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// An import into PostgreSQL records while it reads: the file is parsed and
// validated (on every core, as readImport does) and each valid entry
// appended to a temporary file in its compact form, in the order of the
// file, while COPY sends what is already written to the server (at 10^6
// rows the parse is seconds of CPU that the server would otherwise wait
// for; PostgreSQL orders nothing by id on the way in, so the sorted runs
// SQLite takes are not needed). The import stays all or nothing: a bad row
// fails the read, the failed read fails COPY, and the transaction is
// rolled back. A second pass (a retried transaction, or the staging path
// after a conflict) reads the file again from its start, waiting where the
// parse has not yet got to.

// growing is the temporary file of an import still being read: what the
// reader has flushed (size bytes, n entries), and how the read ended.
type growing struct {
	f     *os.File
	named bool // see tempFile
	mu    sync.Mutex
	cond  sync.Cond
	size  int64
	n     int
	done  bool  // the read has ended, with err
	err   error // the read's error, nil when the file was valid
	quit  bool  // the import has ended: the reader stops at its next flush
}

// errImportEnded stops a read whose import has already failed.
var errImportEnded = errors.New("import ended")

func (g *growing) publish(size int64, n int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.size, g.n = size, n
	g.cond.Broadcast()
	return !g.quit
}

func (g *growing) finish(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done, g.err = true, err
	g.cond.Broadcast()
}

// stop tells the reader to stop and waits until it has.
func (g *growing) stop() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.quit = true
	for !g.done {
		g.cond.Wait()
	}
	return g.err
}

// count waits until at least k entries are written or the read has ended
// and returns how many are written and whether that is all of them.
func (g *growing) count(k int) (int, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.n < k && !g.done {
		g.cond.Wait()
	}
	return g.n, g.done, g.err
}

// tailReader reads the growing file from off, waiting for what the parse
// has not yet written; at its end it returns io.EOF if the file was valid
// and the read's error if not.
type tailReader struct {
	g   *growing
	off int64
}

func (t *tailReader) Read(p []byte) (int, error) {
	g := t.g
	g.mu.Lock()
	for t.off >= g.size && !g.done {
		g.cond.Wait()
	}
	size, done, err := g.size, g.done, g.err
	g.mu.Unlock()
	if t.off >= size && done {
		if err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), size-t.off))
	m, rerr := g.f.ReadAt(p[:k], t.off)
	t.off += int64(m)
	if rerr == io.EOF && m == k {
		rerr = nil
	}
	return m, rerr
}

// growingImport is an import still being read, as a
// sqlstore.GrowingSource: its entries in the order of the file, each read
// back as soon as the parse has written it.
type growingImport struct {
	g *growing
	r *bufio.Reader
	decoder
}

// Count implements sqlstore.GrowingSource.
func (v *growingImport) Count(k int) (int, bool, error) { return v.g.count(k) }

// Rewind implements sqlstore.ContributionSource: from the first entry.
func (v *growingImport) Rewind() error {
	t := &tailReader{g: v.g}
	if v.r == nil {
		v.r = bufio.NewReaderSize(t, 256<<10)
		v.intern = map[string]string{}
	} else {
		v.r.Reset(t)
	}
	return nil
}

// Next implements sqlstore.ContributionSource.
func (v *growingImport) Next(c *fairshare.Contribution) (bool, error) {
	if v.r == nil {
		v.Rewind()
	}
	return v.read(v.r, c)
}

// Close stops the parse and removes the temporary file.
func (v *growingImport) Close() error {
	v.g.stop()
	return closeTemp(v.g.f, v.g.named)
}

// startImport starts reading an import in the background and returns its
// entries as they are validated. check, if not nil, is asked once for each
// dataset the file writes to; a refusal ends the read with its error.
func startImport(r io.Reader, name string, format ImportFormat, chk ledgerio.Checker, opt ledgerio.Options, check func(dataset string) error) (*growingImport, error) {
	each := eachEntry(format)
	tmp, named, err := tempFile()
	if err != nil {
		return nil, err
	}
	g := &growing{f: tmp, named: named}
	g.cond.L = &g.mu
	go func() {
		const flushAt = 256 << 10
		var buf []byte
		var size int64
		n, pending := 0, 0
		seen := map[string]bool{}
		flush := func() error {
			if _, err := tmp.Write(buf); err != nil {
				return fmt.Errorf("import: %w", err)
			}
			size += int64(len(buf))
			n += pending
			buf, pending = buf[:0], 0
			if !g.publish(size, n) {
				return errImportEnded
			}
			return nil
		}
		err := each(r, name, chk, opt, func(c fairshare.Contribution) error {
			if !seen[c.Dataset] {
				if check != nil {
					if err := check(c.Dataset); err != nil {
						return &refused{err}
					}
				}
				seen[c.Dataset] = true
			}
			buf = appendEntry(buf, &c)
			pending++
			if len(buf) >= flushAt {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		g.finish(err)
	}()
	return &growingImport{g: g}, nil
}

// refused is a dataset the importing user may not write to: not a bad
// file, so not EINVALID.
type refused struct{ err error }

func (e *refused) Error() string { return e.err.Error() }
func (e *refused) Unwrap() error { return e.err }

// readError is how an import's failed read is reported: a refusal as it
// is, a bad file as EINVALID naming file, line and field.
func readError(err error) error {
	var rf *refused
	if errors.As(err, &rf) {
		return rf.err
	}
	fe := &fairshare.Error{Code: fairshare.EINVALID, Message: err.Error()}
	var ce *csvio.Error
	if errors.As(err, &ce) {
		fe.Field = ce.Field
	}
	return &inputError{coded: fe, err: err}
}

// importStreaming is ImportContributions on a store that records while
// the file is read (PostgreSQL).
func (a *App) importStreaming(ctx context.Context, br *bufio.Reader, name string, format ImportFormat, opt ledgerio.Options, ch fairshare.Change) (fairshare.ImportResult, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.ImportResult{}, err
	}
	var check func(string) error
	if ch.Role != "" {
		check = func(ds string) error { return canWrite(ref, ch, ds) }
	}
	v, err := startImport(br, name, format, ref, opt, check)
	if err != nil {
		return fairshare.ImportResult{}, err
	}
	defer v.Close()
	res, err := a.sql.AddContributionsFrom(ctx, -1, v, ch)
	// A failed read is the reason the store failed, if it did: report it
	// as the read of ReadContributions would.
	if rerr := v.g.stop(); rerr != nil && !errors.Is(rerr, errImportEnded) {
		return fairshare.ImportResult{}, readError(rerr)
	}
	if err == nil {
		_, err = a.freshEngine(ctx, true, nil)
	}
	return res, err
}
