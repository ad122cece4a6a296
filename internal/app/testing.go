package app

import (
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
