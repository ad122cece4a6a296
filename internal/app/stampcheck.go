package app

import "time"

// bigLedger is the size from which a PostgreSQL stamp check (a COUNT(*))
// costs enough to be worth skipping; below it a slow check is load, not
// size, and skipping it would only make reports stale.
const bigLedger = 100_000

// skipStampCheck is the one rule of when the engine and the grouped ledger
// may trust their last look at the ledger's stamp instead of checking it
// again: only on PostgreSQL, only for a big ledger whose last check cost
// 1 ms or more, and for at most 100 times that cost, capped at 1 s (the
// bound on how stale such a server's report can be after another server's
// write). SQLite's stamp is two index probes and is always checked.
func skipStampCheck(driver string, versions int64, cost time.Duration, last time.Time) bool {
	return driver != "sqlite" && versions >= bigLedger && cost >= time.Millisecond &&
		time.Since(last) < min(100*cost, time.Second)
}
