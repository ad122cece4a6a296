package app_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestSavedRateTable checks the rate table saved beside the engine: a new
// App (a new process) reads it while the reference stamp is the one it was
// saved at, and reads the rates again when another process added rates, or
// when the saved table is of another stamp or damaged.
func TestSavedRateTable(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSavedRateTable(t, filepath.Join(t.TempDir(), "f.db")) })
	t.Run("postgres", func(t *testing.T) { testSavedRateTable(t, storetest.PostgresDSN(t)) })
}

func testSavedRateTable(t *testing.T, dsn string) {
	ctx := context.Background()
	day := fairshare.MustDate("2024-03-05")
	// rate is the DKK rate a new App finds for day.
	rate := func(what string) string {
		t.Helper()
		ref, err := open(t, dsn).Reference(ctx)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ref.Rates.Lookup("DKK", day)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return q.Text + " " + string(q.Basis)
	}
	a := open(t, dsn)
	compare(t, a, "first App", []app.ReportRequest{{Target: "nato-2024", Currency: "DKK"}})
	stamp, err := app.TestSQLStore(a).ReferenceStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at, saved, found, err := app.TestSQLStore(a).ReadRateCache(ctx)
	if err != nil || !found || at != stamp {
		t.Fatalf("no rate table saved at the reference stamp %q: found %v at %q, %v", stamp, found, at, err)
	}
	monthly := rate("saved table")
	if monthly == "" || monthly[len(monthly)-5:] != "month" {
		t.Fatalf("before the daily rate: %s, want the month's average", monthly)
	}

	// Another process adds a daily rate: the saved table is of an older
	// stamp, and the next App reads the rates.
	if _, err := app.TestSQLStore(open(t, dsn)).AddRates(ctx, []fairshare.Rate{{Currency: "DKK", Period: day.String(), Rate: "9.9999"}}); err != nil {
		t.Fatal(err)
	}
	if got := rate("after another process added a rate"); got != "9.9999 day" {
		t.Fatalf("after another process added a rate: %s", got)
	}

	// A table saved at another stamp, or damaged bytes at this stamp, are
	// not used.
	stamp, _ = app.TestSQLStore(a).ReferenceStamp(ctx)
	for _, tt := range []struct {
		what, stamp string
		data        []byte
	}{
		{"a table of another stamp", "0123456789abcdef", saved},
		{"damaged bytes", stamp, saved[:len(saved)/2]},
		{"no stamp", "", saved},
	} {
		if err := app.TestSQLStore(a).WriteRateCache(ctx, tt.stamp, tt.data); err != nil {
			t.Fatal(err)
		}
		if got := rate(tt.what); got != "9.9999 day" {
			t.Fatalf("%s: %s", tt.what, got)
		}
	}
	compare(t, open(t, dsn), "rates read again", []app.ReportRequest{{Target: "nato-2024", Currency: "DKK"}})
}
