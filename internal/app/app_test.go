package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
)

// TestReferenceSeesOtherWriters: a process caching reference data (a server)
// sees a target and rates another process (the CLI) added.
func TestReferenceSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "f.db")
	server, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	cli, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := server.Reference(ctx); err != nil {
		t.Fatal(err)
	}
	tg := fairshare.Target{ID: "mine", Name: "Mine", AmountText: "10.00", Currency: "EUR",
		Start: fairshare.MustDate("2024-01-01"), End: fairshare.MustDate("2024-12-31")}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := cli.Store.PutTarget(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Store.AddRates(ctx, []fairshare.Rate{{Currency: "DKK", Period: "2024-06-14", Rate: "7.4605"}}); err != nil {
		t.Fatal(err)
	}
	ref, err := server.Reference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ref.Target("mine"); err != nil {
		t.Fatalf("the server does not see the new target: %v", err)
	}
	if q, err := ref.Rates.Lookup("DKK", fairshare.MustDate("2024-06-14")); err != nil || q.Basis != fairshare.BasisDay {
		t.Fatalf("the server does not see the new daily rate: %+v %v", q, err)
	}
}
