package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
)

// TestBulkReindex covers a large first import into SQLite, which rebuilds
// the ledger's indexes inside its transaction: the indexes are back after
// it, after a re-import (nothing added) and after a failed import (nothing
// added, nothing lost).
func TestBulkReindex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	indexes := func() string {
		t.Helper()
		var got string
		if err := s.db.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = 'contribution_versions' AND sql IS NOT NULL ORDER BY name)`).Scan(&got); err != nil {
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
	cs := gen(sqliteReindexMin+100, 0)
	res, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "t"})
	if err != nil || res.Added != len(cs) {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after the import:\n%s\nwant\n%s", got, want)
	}
	if res, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "t"}); err != nil || res.Added != 0 {
		t.Fatalf("re-import: %+v, %v", res, err)
	}
	// A bigger import that fails part-way (a cancelled context) changes
	// nothing: neither rows nor indexes.
	cctx, cancel := context.WithCancel(ctx)
	more := gen(3*sqliteReindexMin, 1000000)
	_, err = s.AddContributions(cctx, more, fairshare.Change{Author: "t", Progress: func(done int) {
		if done > sqliteReindexMin {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("cancelled import: no error")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contribution_versions`).Scan(&n); err != nil || n != len(cs) {
		t.Fatalf("after the failed import: %d rows (%v), want %d", n, err, len(cs))
	}
	if got := indexes(); got != want {
		t.Fatalf("indexes after the failed import:\n%s\nwant\n%s", got, want)
	}
}
