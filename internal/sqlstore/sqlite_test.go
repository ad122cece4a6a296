package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/storetest"
)

// openMigrated opens dsn, migrates it and closes it when the test ends.
func openMigrated(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) fairshare.Store {
		return openMigrated(t, filepath.Join(t.TempDir(), "fairshare.db"))
	})
}

func TestSQLitePrefixedPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "f.db")
	s := openMigrated(t, "sqlite:"+path)
	if s.Driver() != "sqlite" {
		t.Fatalf("driver %q, want sqlite", s.Driver())
	}
	if err := s.SetMeta(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again := openMigrated(t, path) // the same file without the prefix
	if v, err := again.Meta(context.Background(), "k"); err != nil || v != "v" {
		t.Fatalf("Meta after reopening: %q, %v", v, err)
	}
}

// fill records a small history in s: an import, an edit, a deletion, a user
// target and dataset, rates, a meta value, a user and an audit entry.
func fill(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC)
	var cs []fairshare.Contribution
	for i := range 2500 { // more than one copy batch
		cs = append(cs, fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.NewDate(2024, 1+time.Month(i%12), 1+i%28),
			Amount: fairshare.Amount(1000 + i), Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered,
			Dataset: "user", Description: fmt.Sprintf("row %d", i), Source: fairshare.Source{URL: "https://example.org/" + fmt.Sprint(i)}})
	}
	if _, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "imp", Reason: "import", At: at}); err != nil {
		t.Fatal(err)
	}
	edit := cs[0]
	edit.ID, edit.Amount = cs[0].NaturalID(), 5
	if _, err := s.AmendContribution(ctx, edit, fairshare.Change{Author: "ed", Reason: "fix", At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContribution(ctx, cs[1].NaturalID(), fairshare.Change{Author: "ed", Reason: "dup", At: at.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tg := fairshare.Target{ID: "mine", Name: "Mine", AmountText: "100", Currency: "EUR", Start: fairshare.NewDate(2024, 1, 1),
		End: fairshare.NewDate(2024, 12, 31), Participants: []string{"DNK"}, Key: fairshare.KeyEqual}
	if err := s.PutTarget(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDataset(ctx, fairshare.Dataset{ID: "dk-mod", Name: "Danish MoD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRates(ctx, []fairshare.Rate{{Currency: "DKK", Period: "2024-01-02", Rate: "7.4551"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "note", "hello"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, fairshare.User{Name: "alice", Role: "editor", CreatedAt: at, TokenHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAudit(ctx, fairshare.AuditEntry{At: at, User: "alice", Action: "user.add", Subject: "alice", Detail: "role editor"}); err != nil {
		t.Fatal(err)
	}
}

// dump lists everything CopyTo copies, for comparison.
func dump(t *testing.T, s *sqlstore.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	if err := s.AllVersions(ctx, func(c fairshare.Contribution) error {
		fmt.Fprintf(&b, "%+v %d\n", c, c.RecordedAt.UnixMicro())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() (any, error){
		func() (any, error) { return s.Targets(ctx) },
		func() (any, error) { return s.Datasets(ctx) },
		func() (any, error) { return s.Rates(ctx) },
		func() (any, error) { return s.Meta(ctx, "note") },
		func() (any, error) { return s.Users(ctx) },
		// The audit log proper (the ledger's versions, which Audit merges
		// in, are compared above; ties in their times make its order loose).
		func() (any, error) { return s.Audit(ctx, fairshare.AuditFilter{User: "alice"}) },
	} {
		v, err := f()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v\n", v)
	}
	return b.String()
}

// copyAll copies src to dst twice: the second copy must add nothing.
func copyAll(t *testing.T, src, dst *sqlstore.Store) {
	t.Helper()
	for pass := range 2 {
		counts, err := src.CopyTo(context.Background(), dst)
		if err != nil {
			t.Fatalf("copy: %v", err)
		}
		for _, c := range counts {
			if want := c.Found; pass == 1 && c.Added != 0 || pass == 0 && c.Added != want {
				t.Errorf("pass %d: %s: found %d, added %d", pass, c.What, c.Found, c.Added)
			}
		}
	}
}

func TestCopySQLiteToSQLite(t *testing.T) {
	dir := t.TempDir()
	a := openMigrated(t, filepath.Join(dir, "a.db"))
	b := openMigrated(t, filepath.Join(dir, "b.db"))
	fill(t, a)
	copyAll(t, a, b)
	if da, db := dump(t, a), dump(t, b); da != db {
		t.Errorf("the copy differs from the original")
	}
}

// TestMigrateAgain: a migrated database migrates to nothing (by one read,
// without SQLite's write lock), and a migration recorded as missing is
// applied again.
func TestMigrateAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	s := openMigrated(t, path)
	// Another process holds the write lock: migrating must not wait for it.
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET applied_us = applied_us + 1`); err != nil {
		t.Fatal(err)
	}
	other, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if applied, err := other.Migrate(short); err != nil || len(applied) != 0 {
		t.Fatalf("migrated database, write lock held elsewhere: applied %v, %v", applied, err)
	}
	tx.Rollback()
	for _, stmt := range []string{`DELETE FROM schema_migrations WHERE name = '0007_donor_day.sql'`, `DROP INDEX contribution_versions_donor_day`} {
		if _, err := s.DB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if applied, err := other.Migrate(ctx); err != nil || len(applied) != 1 || applied[0] != "0007_donor_day.sql" {
		t.Fatalf("one migration missing: applied %v, %v", applied, err)
	}
}

// TestScanVersionsPacked checks ScanVersions on SQLite (the text columns
// joined into one) against the rows read column by column, for the whole
// ledger and since a time, also when a row's text holds the joining
// separator, which no valid entry does: the scan then goes on column by
// column from that row, missing and repeating none.
func TestScanVersionsPacked(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "f.db"))
	fill(t, s)
	line := func(id string, v int, rec int64, del bool, donor, day string, amt int64, cur, cat, st, ds string) string {
		return fmt.Sprintf("%s %d %d %v %s %s %d %s %s %s %s", id, v, rec, del, donor, day, amt, cur, cat, st, ds)
	}
	scan := func(since int64) []string {
		t.Helper()
		var out []string
		err := s.ScanVersions(ctx, since, func(c *fairshare.Contribution) error {
			out = append(out, line(c.ID, c.Version, c.RecordedAt.UnixMicro(), c.Deleted, c.Donor, c.Date.String(), int64(c.Amount),
				c.Currency, string(c.Category), string(c.Status), c.Dataset))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := func(since int64) []string {
		t.Helper()
		rows, err := s.DB().QueryContext(ctx, `SELECT id, version, recorded_us, deleted, donor, day, amount, currency, category, status, dataset
			FROM contribution_versions WHERE recorded_us >= $1`, since)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, donor, day, cur, cat, st, ds string
			var v int
			var rec, amt int64
			var del bool
			if err := rows.Scan(&id, &v, &rec, &del, &donor, &day, &amt, &cur, &cat, &st, &ds); err != nil {
				t.Fatal(err)
			}
			out = append(out, line(id, v, rec, del, donor, day, amt, cur, cat, st, ds))
		}
		return out
	}
	recorded := time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC).UnixMicro() // fill's import
	check := func(what string) {
		t.Helper()
		for _, since := range []int64{0, 1, recorded, recorded + 1} {
			got, w := scan(since), want(since)
			if since == recorded+1 && len(w) != 2 || since <= recorded && len(w) < 2500 {
				t.Fatalf("%s since %d: %d rows to compare", what, since, len(w))
			}
			slices.Sort(got)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Fatalf("%s since %d: %d rows scanned, want %d\n%v\n%v", what, since, len(got), len(w), first(got), first(w))
			}
		}
	}
	check("valid text")
	if _, err := s.DB().ExecContext(ctx, `UPDATE contribution_versions SET dataset = 'a' || char(31) || 'b'
		WHERE rowid IN (SELECT rowid FROM contribution_versions ORDER BY rowid LIMIT 2 OFFSET 1000)`); err != nil {
		t.Fatal(err)
	}
	check("a separator in the text")
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}
