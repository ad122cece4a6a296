package app

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// bigLedger is the size from which a PostgreSQL stamp check (a COUNT(*))
// costs enough to be worth skipping; below it a slow check is load, not
// size, and skipping it would only make reports stale.
const bigLedger = 100_000

// skipStampCheck is the one rule of when the engine and the grouped ledger
// may trust their last look at the ledger's stamp instead of checking it
// again: only on PostgreSQL, only for a big ledger whose last check cost
// 1 ms or more, and for at most 100 times that cost, capped at 1 s (the
// bound on how stale such a server's report can be after another server's
// write). SQLite's stamp is always checked, but see dataMark.
func skipStampCheck(driver string, versions int64, cost time.Duration, last time.Time) bool {
	return driver != "sqlite" && versions >= bigLedger && cost >= time.Millisecond &&
		time.Since(last) < min(100*cost, time.Second)
}

// dataMark is SQLite's data_version (sqlstore.DataVersion) read just before
// a full check of a stamp (the ledger's or the reference data's). When the
// number read now is the same, nothing was committed to the file since, by
// this process or any other, so the stamp is what that check found and
// need not be read again: exact, and a fraction of the cost of the stamp
// queries on the store's one connection. ok is false where there is no
// such number (PostgreSQL): there every check is made (or skipped by
// skipStampCheck).
type dataMark struct {
	v  int64
	ok bool
}

// markReader shares reads of the mark among concurrent callers: a caller
// may take a mark whose read began after the caller arrived (so it shows
// every commit made before), rather than make its own.
type markReader struct {
	mu      sync.Mutex
	started atomic.Uint64 // reads begun
	done    uint64        // sequence number of the last completed read
	mark    dataMark
}

// freshMark returns a mark read after this call began.
func (a *App) freshMark(ctx context.Context) dataMark {
	r := &a.marks
	arrival := r.started.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done > arrival {
		return r.mark
	}
	seq := r.started.Add(1)
	v, ok := a.sql.DataVersion(ctx)
	r.mark, r.done = dataMark{v, ok}, seq
	return r.mark
}

// unchanged tells whether nothing was committed between marks m and now.
func (m dataMark) unchanged(now dataMark) bool { return m.ok && now.ok && m.v == now.v }
