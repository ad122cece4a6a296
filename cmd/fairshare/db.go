package main

import (
	"fmt"
	"strings"

	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

func init() {
	register("migrate", "apply the embedded schema migrations and load the reference data", runMigrate)
	register("db copy", "copy a whole ledger with its history between SQLite and PostgreSQL", runDBCopy)
}

func runMigrate(e *env, args []string) error {
	f := newFlags(e, "migrate", "", `Applies the embedded schema migrations not yet applied to the database
(each in its own transaction, recorded in schema_migrations), prints their
names, then loads the embedded reference data if the database holds another
version. A SQLite file is also migrated whenever it is opened; on PostgreSQL
run this once per release before starting servers. Safe to run again, and
safe to run from several processes at once.`, false)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	dsn := f.dsn()
	if dsn == "" {
		dsn = app.DefaultDSN()
	}
	st, err := sqlstore.Open(e.ctx, dsn)
	if err != nil {
		return err
	}
	applied, err := st.Migrate(e.ctx)
	st.Close()
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "schema up to date")
	}
	a, err := app.Open(e.ctx, dsn, app.Options{NoMigrate: true})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "reference data %s\n", refdata.Version())
	return nil
}

func runDBCopy(e *env, args []string) error {
	f := newFlags(e, "db copy", "--from DB --to DB", `Copies a whole ledger from one database to another: every version of every
contribution (ids, version numbers, recorded times, authors and reasons kept,
so --as-of and history read the same), rates, your own targets and datasets,
meta values, users and the audit log. The target is migrated and gets the
embedded reference data. Nothing already in the target is overwritten, so
the copy can be repeated or resumed; web sessions are not copied.

DB is a SQLite file (sqlite:PATH or a path) or a postgres:// URL, e.g.
  fairshare db copy --from sqlite:fairshare.db --to postgres://user@host/db
  fairshare db copy --from postgres://user@host/db --to sqlite:backup.db`, false)
	from := f.String("from", "", "source database: sqlite:PATH or postgres:// URL (required)")
	to := f.String("to", "", "target database: sqlite:PATH or postgres:// URL (required)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usagef("give both --from and --to")
	}
	if strings.TrimPrefix(*from, "sqlite:") == strings.TrimPrefix(*to, "sqlite:") {
		return usagef("--from and --to name the same database")
	}
	counts, err := app.CopyDatabase(e.ctx, *from, *to)
	for _, c := range counts {
		fmt.Fprintf(e.stdout, "%-22s %7d copied, %7d already there\n", c.What+":", c.Added, c.Found-c.Added)
	}
	cleaned := 0
	for _, c := range counts {
		for _, row := range c.Cleaned {
			fmt.Fprintf(e.stdout, "not copied as it was: %s (not valid UTF-8 or a NUL byte; copied with U+FFFD in its place)\n", row)
			cleaned++
		}
	}
	if cleaned > 0 {
		fmt.Fprintf(e.stdout, "%d rows held text the destination refuses; run 'fairshare data repair' on the source to fix the current versions\n", cleaned)
	}
	if err != nil {
		return fmt.Errorf("copy stopped (run it again to resume): %w", err)
	}
	return nil
}
