package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/storetest"
)

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
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
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
