package storetest

import (
	"testing"

	"github.com/fairshare/fairshare"
)

// testLedgerGroups checks the grouped ledger against the rows it sums:
// current versions only (amended, deleted), as of a time.
func testLedgerGroups(t *testing.T, s fairshare.Store) {
	cs := []fairshare.Contribution{
		contrib("DNK", "a", "2024-01-05", 1),
		contrib("DNK", "a", "2024-01-05", 2), // same group as 1
		contrib("DNK", "b", "2024-01-05", 3),
		contrib("DEU", "a", "2024-02-01", 4),
		contrib("DEU", "a", "2024-02-02", 5), // deleted later
	}
	cs[1].Status = fairshare.Delivered
	mustAdd(t, s, cs, fairshare.Change{Author: "t", Reason: "r", At: t0})
	cur := all(t, s, fairshare.ContributionFilter{})
	byDesc := map[string]fairshare.Contribution{}
	for _, c := range cur {
		byDesc[c.Description] = c
	}
	amended := byDesc["entry 4"]
	amended.Amount += 1000
	if _, err := s.AmendContribution(ctx, amended, fairshare.Change{Author: "t", Reason: "r", At: t1}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContribution(ctx, byDesc["entry 5"].ID, fairshare.Change{Author: "t", Reason: "r", At: t1}); err != nil {
		t.Fatal(err)
	}
	type key struct{ ds, donor, day string }
	sum := func(gs []fairshare.LedgerGroup) map[key][2]int64 {
		out := map[key][2]int64{}
		for _, g := range gs {
			k := key{g.Dataset, g.Donor, g.Day.String()}
			v := out[k]
			out[k] = [2]int64{v[0] + int64(g.Count), v[1] + int64(g.Sum)}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		at   fairshare.ContributionFilter
	}{{"now", fairshare.ContributionFilter{}}, {"before the changes", fairshare.ContributionFilter{AsOf: t0.Add(1)}}} {
		gs, err := s.LedgerGroups(ctx, tc.at.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		want := map[key][2]int64{}
		for _, c := range all(t, s, tc.at) {
			k := key{c.Dataset, c.Donor, c.Date.String()}
			v := want[k]
			want[k] = [2]int64{v[0] + 1, v[1] + int64(c.Amount)}
		}
		same(t, tc.name, sum(gs), want)
	}
	gs, _ := s.LedgerGroups(ctx, t0.Add(-1))
	if len(gs) != 0 {
		t.Errorf("before anything was recorded: %v", gs)
	}
}

// testAddTarget checks that a target and its audit entry are written
// together, and neither when the target is refused.
func testAddTarget(t *testing.T, s fairshare.Store) {
	a, _ := referenceSets()
	mustLoad(t, s, a)
	aud, ok := s.(fairshare.Auditor)
	if !ok {
		t.Skip("store keeps no audit log")
	}
	mine := target("mine", "500", false)
	e := fairshare.AuditEntry{User: "ada", Action: "target.add", Subject: "mine", Reason: "because", At: t0}
	if err := s.AddTarget(ctx, mine, e); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "built-in id", s.AddTarget(ctx, target("kept", "1", false),
		fairshare.AuditEntry{User: "ada", Action: "target.add", Subject: "kept", Reason: "refused", At: t1}), fairshare.ECONFLICT)
	es, err := aud.Audit(ctx, fairshare.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Subject != "mine" || es[0].User != "ada" || es[0].Reason != "because" {
		t.Errorf("audit log: %+v", es)
	}
	ts, err := s.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range ts {
		found = found || x.ID == "mine"
	}
	if !found {
		t.Errorf("target not stored: %v", ts)
	}
}
