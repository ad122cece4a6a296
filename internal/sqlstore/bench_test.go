package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
)

// BenchmarkAddContributionsSQLite measures the import path's store half:
// one transaction of 10,000 new rows into a SQLite file.
func BenchmarkAddContributionsSQLite(b *testing.B) {
	ctx := context.Background()
	s := newMigrated(b, filepath.Join(b.TempDir(), "b.db"))
	const rows = 10000
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cs := make([]fairshare.Contribution, rows)
		for k := range cs {
			cs[k] = fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"),
				Amount: fairshare.Amount(k + 1), Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered,
				Dataset: "bench", Description: fmt.Sprintf("row %d.%d", i, k), Source: fairshare.Source{URL: "https://example.org"}}
		}
		if _, err := s.AddContributions(ctx, cs, fairshare.Change{Author: "b"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSmallWritesSQLite measures one-entry transactions (an editor's
// add or correction) under synchronous=NORMAL and FULL: FULL syncs the WAL
// at every commit, which is what makes an acknowledged write survive a power
// loss.
func BenchmarkSmallWritesSQLite(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run(mode, func(b *testing.B) {
			old := sqliteSynchronous
			sqliteSynchronous = mode
			defer func() { sqliteSynchronous = old }()
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			for i := 0; b.Loop(); i++ {
				c := fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"),
					Amount: fairshare.Amount(i + 1), Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered,
					Dataset: "bench", Description: fmt.Sprintf("row %d", i), Source: fairshare.Source{URL: "https://example.org"}}
				if _, err := s.AddContributions(ctx, []fairshare.Contribution{c}, fairshare.Change{Author: "b", Reason: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}
