package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/storetest"
)

// newMigrated opens the store at dsn, migrated, closed at the end of
// the test.
func newMigrated(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBulkReindex covers a large first import, which rebuilds the ledger's
// secondary indexes inside its transaction (SQLite and PostgreSQL): the
// indexes are back after it, after a re-import (nothing added, by the
// fallback from a plain INSERT to ON CONFLICT DO NOTHING on PostgreSQL) and
// after a failed import (nothing added, nothing lost).
func TestBulkReindex(t *testing.T) {
	for _, dup := range []bool{false, true} {
		// A file holding an entry twice cannot be copied straight into an
		// empty PostgreSQL ledger: it goes again through the staging table.
		name := map[bool]string{false: "", true: "-twice"}[dup]
		t.Run("sqlite"+name, func(t *testing.T) { testBulkReindex(t, filepath.Join(t.TempDir(), "b.db"), dup) })
		t.Run("postgres"+name, func(t *testing.T) { testBulkReindex(t, storetest.PostgresDSN(t), dup) })
	}
}

func testBulkReindex(t *testing.T, dsn string, dup bool) {
	ctx := context.Background()
	s := newMigrated(t, dsn)
	indexes := func() string {
		t.Helper()
		q := `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = 'contribution_versions' AND sql IS NOT NULL ORDER BY name)`
		if s.driver == "pgx" {
			q = `SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes
				WHERE schemaname = current_schema() AND tablename = 'contribution_versions'`
		}
		var got string
		if err := s.db.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := indexes()
	gen := func(n, from int) []fairshare.Contribution {
		cs := make([]fairshare.Contribution, n)
		for k := range cs {
			cs[k] = fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"),
				Amount: fairshare.Amount(k + 1), Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered,
				Dataset: "bench", Description: fmt.Sprintf("row %d", from+k), Source: fairshare.Source{URL: "https://example.org"}}
		}
		return cs
	}
	cs := gen(max(sqliteReindexMin, pgReindexMin)+100, 0)
	twice := 0
	if dup {
		// Twice in the file: added once.
		cs = append(cs, cs[7])
		twice = 1
	}
	res, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "t"})
	if err != nil || res.Added != len(cs)-twice || res.Skipped != twice {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after the import:\n%s\nwant\n%s", got, want)
	}
	if res, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "t"}); err != nil || res.Added != 0 || res.Skipped != len(cs) {
		t.Fatalf("re-import: %+v, %v", res, err)
	}
	// A file of new rows and rows already recorded adds the new ones.
	mixed := append(gen(50, 500000), cs[:600]...)
	if res, err := s.AddContributions(ctx, mixed, fairshare.Change{Author: "t"}); err != nil || res.Added != 50 || res.Skipped != 600 {
		t.Fatalf("mixed import: %+v, %v", res, err)
	}
	cs = append(cs, mixed[:50]...)
	// A bigger import that fails part-way (a cancelled context) changes
	// nothing: neither rows nor indexes.
	cctx, cancel := context.WithCancel(ctx)
	more := gen(3*max(sqliteReindexMin, pgReindexMin), 1000000)
	_, err = s.AddContributions(cctx, more, fairshare.Change{Author: "t", Progress: func(done int) {
		if done > sqliteReindexMin {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("cancelled import: no error")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contribution_versions`).Scan(&n); err != nil || n != len(cs)-twice {
		t.Fatalf("after the failed import: %d rows (%v), want %d", n, err, len(cs)-twice)
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after the failed import:\n%s\nwant\n%s", got, want)
	}
}

// sortedSource is a SortedSource over entries in memory that can fail
// after failAt entries (0: never).
type sortedSource struct {
	SliceSource
	failAt int
}

func (s *sortedSource) SortedByID() bool { return true }

func (s *sortedSource) Next(c *fairshare.Contribution) (bool, error) {
	if s.failAt > 0 && s.i == s.failAt {
		return false, errors.New("the disk went away")
	}
	return s.SliceSource.Next(c)
}

// TestSortedImportPlan: for a sorted source SQLite takes the rows in the
// order they come; for any other it sorts them itself.
func TestSortedImportPlan(t *testing.T) {
	ctx := context.Background()
	s := newMigrated(t, filepath.Join(t.TempDir(), "p.db"))
	for _, tt := range []struct {
		src      ContributionSource
		wantSort bool
	}{
		{&sortedSource{}, false},
		{NewSliceSource(nil), true},
	} {
		f := &importFeed{ctx: ctx, src: tt.src, sorted: sortedByID(tt.src)}
		feeds.Lock()
		feeds.m["plan"] = f
		feeds.Unlock()
		table := `temp."fairshare_import_plan"`
		if _, err := s.db.ExecContext(ctx, `CREATE VIRTUAL TABLE `+table+` USING `+importModule+`(plan)`); err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+importInsertSQL(table), 1, "a", "r")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if _, err := s.db.ExecContext(ctx, `DROP TABLE `+table); err != nil {
			t.Fatal(err)
		}
		feeds.Lock()
		delete(feeds.m, "plan")
		feeds.Unlock()
		if got := strings.Contains(strings.Join(plan, "; "), "USE TEMP B-TREE FOR ORDER BY"); got != tt.wantSort {
			t.Errorf("sorted %v: plan %q", f.sorted, plan)
		}
	}
}

// TestSortedImport: a sorted source is recorded as it comes, the first of
// equal ids winning and ids already recorded skipped; a source that fails
// part-way, or is out of order, records nothing and leaves the indexes as
// they were (a large import rebuilds them).
func TestSortedImport(t *testing.T) {
	ctx := context.Background()
	s := newMigrated(t, filepath.Join(t.TempDir(), "s.db"))
	indexes := func() string {
		t.Helper()
		var got string
		if err := s.db.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = 'contribution_versions' AND sql IS NOT NULL ORDER BY name)`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	count := func() int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contribution_versions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	wantIdx := indexes()
	// Sorted entries: every tenth id twice (the second with other content).
	gen := func(n int, prefix string) []fairshare.Contribution {
		var cs []fairshare.Contribution
		for k := 0; k < n; k++ {
			c := fairshare.Contribution{ID: fmt.Sprintf("%s-%06d", prefix, k), Donor: "DNK", Recipient: "UKR",
				Date: fairshare.MustDate("2024-06-14"), Amount: fairshare.Amount(k + 1), Currency: "DKK",
				Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "bench",
				Description: "first", Source: fairshare.Source{URL: "https://example.org"}}
			cs = append(cs, c)
			if k%10 == 0 {
				c.Description = "second"
				cs = append(cs, c)
			}
		}
		return cs
	}
	small := gen(1000, "b")
	res, err := s.AddContributionsFrom(ctx, len(small), &sortedSource{SliceSource: *NewSliceSource(small)}, fairshare.Change{Author: "t"})
	if err != nil || res.Added != 1000 || res.Skipped != 100 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	var seconds int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contribution_versions WHERE description <> 'first'`).Scan(&seconds); err != nil || seconds != 0 {
		t.Fatalf("%d entries hold the second of their id (%v)", seconds, err)
	}
	// Large imports (the indexes dropped and rebuilt): ids already recorded
	// are skipped; new ones are added.
	big := append(gen(sqliteReindexMin+500, "a"), small...)
	res, err = s.AddContributionsFrom(ctx, len(big), &sortedSource{SliceSource: *NewSliceSource(big)}, fairshare.Change{Author: "t"})
	if err != nil || res.Added != sqliteReindexMin+500 || res.Skipped != len(big)-res.Added {
		t.Fatalf("second import: %+v %v", res, err)
	}
	n := count()
	if got := indexes(); got != wantIdx {
		t.Fatalf("indexes after the import:\n%s\nwant\n%s", got, wantIdx)
	}
	more := gen(sqliteReindexMin+500, "c")
	bad := append(append([]fairshare.Contribution{}, more[:100]...), more[99:]...)
	bad[100].ID = "c-000000" // back before the one it follows
	for name, src := range map[string]ContributionSource{
		"fails part-way": &sortedSource{SliceSource: *NewSliceSource(more), failAt: sqliteReindexMin},
		"out of order":   &sortedSource{SliceSource: *NewSliceSource(bad)},
	} {
		if _, err := s.AddContributionsFrom(ctx, len(more), src, fairshare.Change{Author: "t"}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if got := count(); got != n {
			t.Errorf("%s: %d entries, want %d", name, got, n)
		}
		if got := indexes(); got != wantIdx {
			t.Errorf("%s: indexes\n%s\nwant\n%s", name, got, wantIdx)
		}
	}
}

// TestPageSize: a new SQLite file gets sqlitePageSize; an existing file
// keeps its own and is migrated and written as before.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA page_size=4096; CREATE TABLE before_us (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tt := range []struct {
		path string
		want int
	}{
		{filepath.Join(dir, "new.db"), sqlitePageSize},
		{old, 4096},
	} {
		s, err := Open(ctx, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddContributions(ctx, []fairshare.Contribution{{Donor: "DNK", Recipient: "UKR",
			Date: fairshare.MustDate("2024-06-14"), Amount: 1, Currency: "DKK", Category: fairshare.InKind,
			Status: fairshare.Delivered, Dataset: "bench", Source: fairshare.Source{URL: "https://example.org"}}}, fairshare.Change{Author: "t"}); err != nil {
			t.Fatal(err)
		}
		var got int
		if err := s.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&got); err != nil || got != tt.want {
			t.Errorf("%s: page size %d (%v), want %d", filepath.Base(tt.path), got, err, tt.want)
		}
		s.Close()
	}
}
