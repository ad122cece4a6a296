package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// TestStampMarkSeesEveryWrite: on SQLite a report reads the ledger's and
// the reference data's stamps only when the file's data_version changed
// (stampcheck.go). It must still see every write: through the App, to its
// store directly, and by another process (a second App) on the same file,
// ledger and reference data alike; and with nothing written, it must not
// read the stamp again.
func TestStampMarkSeesEveryWrite(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "f.db")
	a := open(t, dsn)
	other := open(t, dsn)
	counted := func() fairshare.Amount { t.Helper(); return userCountedDNK(t, a) }
	entry := func(amount fairshare.Amount) []fairshare.Contribution {
		return []fairshare.Contribution{{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-03-04"), Amount: amount,
			Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
			Source: fairshare.Source{URL: "https://example.org"}}}
	}
	writers := []struct {
		name  string
		write func(i int) error
	}{
		{"App.AddContributions", func(i int) error {
			_, err := a.AddContributions(ctx, entry(fairshare.Amount(i)), fairshare.Change{Author: "a"})
			return err
		}},
		{"the App's store directly", func(i int) error {
			_, err := app.TestStore(a).AddContributions(ctx, entry(fairshare.Amount(i)), fairshare.Change{Author: "a"})
			return err
		}},
		{"another process", func(i int) error {
			_, err := app.TestStore(other).AddContributions(ctx, entry(fairshare.Amount(i)), fairshare.Change{Author: "o"})
			return err
		}},
		{"another process's target", func(i int) error {
			tg := fairshare.Target{ID: fmt.Sprint("t", i), Name: "T", AmountText: "10.00", Currency: "EUR",
				Start: fairshare.MustDate("2024-01-01"), End: fairshare.MustDate("2024-12-31")}
			return app.TestStore(other).PutTarget(ctx, tg)
		}},
	}
	var want fairshare.Amount
	for i := 1; i <= 3*len(writers); i++ {
		// An as-of report first reads the targets' history (report.go).
		if _, err := a.Report(ctx, app.ReportRequest{Target: "nato-2024", AsOf: time.Now()}); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if got := counted(); got != want {
				t.Fatalf("step %d: DNK counted %d, want %d", i, got, want)
			}
		}
		before := app.TestStampReads(a)
		if got := counted(); got != want {
			t.Fatalf("step %d: DNK counted %d, want %d", i, got, want)
		}
		if after := app.TestStampReads(a); after != before {
			t.Errorf("step %d: with nothing written the stamp was read again (%d reads, then %d)", i, before, after)
		}
		w := writers[i%len(writers)]
		if err := w.write(i); err != nil {
			t.Fatal(err)
		}
		if w.name == "another process's target" {
			for _, at := range []time.Time{{}, time.Now().Add(time.Second)} {
				if _, err := a.Report(ctx, app.ReportRequest{Target: fmt.Sprint("t", i), AsOf: at}); err != nil {
					t.Fatalf("step %d: the target added by another process is not seen as of %v: %v", i, at, err)
				}
			}
			continue
		}
		want += fairshare.Amount(i)
		if got := counted(); got != want {
			t.Fatalf("step %d, after a write by %s: DNK counted %d, want %d", i, w.name, got, want)
		}
	}
}
