package app

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestLedgerViewAdvances checks that the current grouped ledger, brought up
// to date from the versions recorded since (adds, amendments, deletions),
// equals the one a fresh grouped query gives, on both stores.
func TestLedgerViewAdvances(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testLedgerViewAdvances(t, openTest(t)) })
	t.Run("postgres", func(t *testing.T) {
		a, err := Open(context.Background(), storetest.PostgresDSN(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		testLedgerViewAdvances(t, a)
	})
}

func testLedgerViewAdvances(t *testing.T, a *App) {
	ctx := context.Background()
	sums := func(gs []fairshare.LedgerGroup) map[groupKey][2]int64 {
		out := map[groupKey][2]int64{}
		for i := range gs {
			if gs[i].Count != 0 {
				out[keyOf(&gs[i])] = [2]int64{int64(gs[i].Count), int64(gs[i].Sum)}
			}
		}
		return out
	}
	check := func(what string, wantAdvanced bool) *ledgerView {
		t.Helper()
		// The view is checked at most every 100 times a slow stamp check's
		// cost: make the next use check.
		a.views.mu.Lock()
		a.views.lastCheck = time.Time{}
		before := a.views.advanced
		a.views.mu.Unlock()
		v, err := a.view(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		gs, err := a.store.LedgerGroups(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var mine []fairshare.LedgerGroup
		for _, g := range v.groups {
			mine = append(mine, *g)
		}
		if got, want := sums(mine), sums(gs); !maps.Equal(got, want) {
			t.Errorf("%s: the view has %d groups, the query %d", what, len(got), len(want))
		}
		if adv := a.views.advanced > before; adv != wantAdvanced {
			t.Errorf("%s: advanced %v, want %v", what, adv, wantAdvanced)
		}
		return v
	}
	check("first", false)
	var cs []fairshare.Contribution
	for i := range 5 {
		cs = append(cs, fairshare.Contribution{Donor: "EST", Recipient: "UKR", Date: fairshare.MustDate(fmt.Sprintf("2024-03-0%d", i%3+1)),
			Amount: fairshare.Amount(100000 * (i + 1)), Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered,
			Dataset: "view-test", Source: fairshare.Source{URL: "https://example.org/v"}, Description: fmt.Sprint("entry ", i)})
	}
	if _, err := a.AddContributions(ctx, cs, fairshare.Change{Author: "t", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	v := check("after adding", true)
	if n := v.pairs[[2]string{"view-test", "EST"}]; n != 5 {
		t.Errorf("view-test has %d contributions for EST, want 5", n)
	}
	cur, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: "view-test"})
	if err != nil {
		t.Fatal(err)
	}
	c := cur[0]
	c.Amount, c.Status = 7, fairshare.Committed
	if _, err := a.AmendContribution(ctx, c, fairshare.Change{Author: "t", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	check("after amending", true)
	for _, c := range cur {
		if err := a.DeleteContribution(ctx, c.ID, fairshare.Change{Author: "t", Reason: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	check("after deleting", true)
	if cov, _ := a.Coverage(ctx, time.Time{}); cov["view-test"]["EST"] {
		t.Error("a dataset whose every entry is deleted still has data")
	}
	check("unchanged", false)
}
