package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

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
	if err := cli.store.PutTarget(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.store.AddRates(ctx, []fairshare.Rate{{Currency: "DKK", Period: "2024-06-14", Rate: "7.4605"}}); err != nil {
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

// TestSyncShipped: a new release of a shipped dataset adds its new entries,
// deletes (as a version) the ones it dropped, and leaves user corrections.
func TestSyncShipped(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, filepath.Join(t.TempDir(), "f.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	row := func(amount fairshare.Amount, desc string) fairshare.Contribution {
		return fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-03-01"), Amount: amount,
			Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Committed, Dataset: "ship", Description: desc,
			Source: fairshare.Source{URL: "https://example.org"}}
	}
	rel1, rel2 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	v1 := []fairshare.Contribution{row(100, "a"), row(200, "b"), row(300, "c")}
	if err := a.syncShipped(ctx, "ship", v1, rel1); err != nil {
		t.Fatal(err)
	}
	// A user corrects c; the next release drops b and c and fixes a's amount.
	c := v1[2]
	c.ID = c.NaturalID()
	c.Amount = 333
	if _, err := a.store.AmendContribution(ctx, c, fairshare.Change{Author: "anne", Reason: "per MoD"}); err != nil {
		t.Fatal(err)
	}
	v2 := []fairshare.Contribution{row(150, "a")}
	if err := a.syncShipped(ctx, "ship", v2, rel2); err != nil {
		t.Fatal(err)
	}
	cur, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: "ship"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]fairshare.Amount{}
	for _, x := range cur {
		got[x.Description] = x.Amount
	}
	if len(got) != 2 || got["a"] != 150 || got["c"] != 333 {
		t.Fatalf("after the second release: %v, want a=150 (new release) and c=333 (the user's correction)", got)
	}
	old, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: "ship", AsOf: rel2.Add(-time.Hour)})
	if err != nil || len(old) != 3 {
		t.Fatalf("as of before the second release: %d entries, %v; want the first release's 3", len(old), err)
	}
	after, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: "ship", AsOf: rel2.Add(time.Hour)})
	if err != nil || len(after) != 2 {
		t.Fatalf("as of just after the second release: %d entries, %v; want a (new) and c: never both releases' a", len(after), err)
	}
}
