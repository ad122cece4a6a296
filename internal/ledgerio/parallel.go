package ledgerio

import (
	"io"
	"sync"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

// EachCSVParallel is EachCSV with the work spread over goroutines, for a
// large import on several cores: one reads the CSV in batches of rows,
// workers build and check each batch and pass every entry through prep
// (which may only change the entry it is given), and fn gets the entries
// on the caller's goroutine in the order of the file. It stops at the same
// row with the same error as EachCSV: a batch is handed on only when every
// earlier one was, and stops at its first bad row. Memory is bounded: a
// few batches are in flight.
func EachCSVParallel(r io.Reader, name string, chk Checker, opt Options, workers int, prep func(*fairshare.Contribution), fn func(fairshare.Contribution) error) error {
	rd, err := csvio.NewReader(r, name, Required...)
	if err != nil {
		return err
	}
	workers = max(workers, 1)
	jobs := make(chan *csvBatch, workers)
	order := make(chan *csvBatch, 2*workers)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1 + workers)
	go func() { // the reader: batches in order, to the workers and to fn
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for {
			b := &csvBatch{done: make(chan struct{})}
			var err error
			for len(b.recs) < csvBatchRows {
				var rec csvio.Record
				if rec, err = rd.Next(); err != nil {
					break
				}
				b.recs = append(b.recs, rec)
			}
			if err != io.EOF {
				b.readErr = err
			}
			select {
			case order <- b:
			case <-quit:
				return
			}
			select {
			case jobs <- b:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for range workers {
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.check(name, chk, opt, prep)
			}
		}()
	}
	defer func() {
		close(quit)
		for range jobs { // batches taken by no worker
		}
		wg.Wait()
	}()
	for b := range order {
		<-b.done
		for _, c := range b.out {
			if err := fn(c); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
		if b.readErr != nil {
			return b.readErr
		}
	}
	return nil
}

// csvBatchRows is how many rows a batch holds: enough to make handing it
// on cheap, few enough to keep memory small.
const csvBatchRows = 512

// csvBatch is a run of rows of the file, and what checking them gave: the
// entries up to the first bad row and that row's error; readErr is the
// reader's error after the last row (the end of the batches).
type csvBatch struct {
	recs    []csvio.Record
	out     []fairshare.Contribution
	err     error
	readErr error
	done    chan struct{}
}

func (b *csvBatch) check(name string, chk Checker, opt Options, prep func(*fairshare.Contribution)) {
	defer close(b.done)
	b.out = make([]fairshare.Contribution, 0, len(b.recs))
	for _, rec := range b.recs {
		var f cells
		for i, col := range cellCols {
			f[i] = csvio.UndoSafeCell(rec.Get(col))
		}
		c, field, err := fromCells(&f, chk, opt)
		if err != nil {
			b.err = csvio.FieldErr(name, rec, field, err)
			return
		}
		if prep != nil {
			prep(&c)
		}
		b.out = append(b.out, c)
	}
	b.recs = nil
}
