package app

import (
	"context"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// TestStore gives tests of the front ends the store behind a, to seed and
// inspect what no use case writes or reads as such (a user with a password
// hash, a session, a write by "another process" around a's engine). Only
// tests call it.
func TestStore(a *App) fairshare.Store { return a.store }

// TestSQLStore gives tests the SQL store behind a: the report engine's
// saved columns, row counts. Only tests call it.
func TestSQLStore(a *App) *sqlstore.Store { return a.sql }

// TestStampReads counts the ledger stamp reads a's engine has made (those
// its data_version check did not spare). Only tests call it.
func TestStampReads(a *App) int {
	st := a.engineState()
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reads
}

// TestEngineGroups is the grouped ledger as the report engine gives it
// (engineGroups), for tests that compare it with the store's grouped
// query. Only tests call it.
func TestEngineGroups(a *App, ctx context.Context, asOf time.Time) ([]fairshare.LedgerGroup, sqlstore.LedgerStamp, bool) {
	return a.engineGroups(ctx, asOf)
}
