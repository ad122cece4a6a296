package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
)

// setDescription is a change that sets the description only.
func setDescription(d string) func(fairshare.Contribution) (fairshare.Contribution, error) {
	return func(c fairshare.Contribution) (fairshare.Contribution, error) {
		c.Description = d
		return c, nil
	}
}

func testUpdate(t *testing.T, s fairshare.Store) {
	c := contrib("DNK", "user", "2024-05-01", 1)
	mustAdd(t, s, []fairshare.Contribution{c}, fairshare.Change{At: t0})
	c.ID = c.NaturalID()

	// Against the newest version: recorded as the next one.
	v2, err := s.UpdateContribution(ctx, c.ID, 1, fairshare.Change{Author: "anne", Reason: "typo", At: t1}, setDescription("fixed"))
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Description != "fixed" || v2.Amount != c.Amount || v2.Author != "anne" || !v2.RecordedAt.Equal(t1) {
		t.Errorf("update returned %s", show(v2))
	}
	if got, err := s.Contribution(ctx, c.ID, time.Time{}); err != nil || show(got) != show(v2) {
		t.Errorf("stored %s (%v), returned %s", show(got), err, show(v2))
	}

	// Against a stale version: refused, with the newest.
	_, err = s.UpdateContribution(ctx, c.ID, 1, fairshare.Change{At: t2}, setDescription("stale"))
	var vc *fairshare.VersionConflict
	if !errors.As(err, &vc) || fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Fatalf("stale base: %v, want a version conflict", err)
	}
	if vc.Base != 1 || vc.Current.Version != 2 || vc.Current.Description != "fixed" {
		t.Errorf("conflict carries base %d, current %s", vc.Base, show(vc.Current))
	}

	// Without a base: applied to the newest.
	v3, err := s.UpdateContribution(ctx, c.ID, 0, fairshare.Change{At: t2}, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		if cur.Version != 2 {
			t.Errorf("change saw version %d, want the newest (2)", cur.Version)
		}
		cur.Amount++
		return cur, nil
	})
	if err != nil || v3.Version != 3 || v3.Description != "fixed" || v3.Amount != c.Amount+1 {
		t.Fatalf("no base: %s, %v", show(v3), err)
	}

	// A refusing change records nothing; a missing id is ENOTFOUND.
	_, err = s.UpdateContribution(ctx, c.ID, 0, fairshare.Change{}, func(fairshare.Contribution) (fairshare.Contribution, error) {
		return fairshare.Contribution{}, fairshare.FieldError("amount", "no")
	})
	wantCode(t, "refused change", err, fairshare.EINVALID)
	_, err = s.UpdateContribution(ctx, "no-such-id", 0, fairshare.Change{}, setDescription("x"))
	wantCode(t, "update a missing entry", err, fairshare.ENOTFOUND)

	// A deletion through the same path; the change sees deleted entries.
	if _, err := s.UpdateContribution(ctx, c.ID, 3, fairshare.Change{At: t3}, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		cur.Deleted = true
		return cur, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateContribution(ctx, c.ID, 0, fairshare.Change{}, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		if !cur.Deleted {
			t.Errorf("change of a deleted entry saw it current")
		}
		return cur, fairshare.Errorf(fairshare.ECONFLICT, "deleted")
	}); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("change of a deleted entry: %v", err)
	}
	if h, err := s.History(ctx, c.ID); err != nil || len(h) != 4 {
		t.Errorf("%d versions (%v), want 4", len(h), err)
	}
	// As of t1, the first update is what the ledger said.
	if got, err := s.Contribution(ctx, c.ID, t1); err != nil || got.Version != 2 {
		t.Errorf("as of t1: version %d, %v", got.Version, err)
	}
}

// testConcurrentUpdate changes two fields of one entry from two writers at
// once, many times: with no base, both changes must be in the end result;
// with a base, each either lands or is refused, never lost.
func testConcurrentUpdate(t *testing.T, s fairshare.Store) {
	for _, withBase := range []bool{false, true} {
		t.Run(fmt.Sprint("base=", withBase), func(t *testing.T) {
			c := contrib("DNK", "user", "2024-05-01", 7)
			if withBase {
				c.Description = "based"
			}
			mustAdd(t, s, []fairshare.Contribution{c}, fairshare.Change{At: t0})
			c.ID = c.NaturalID()
			const pairs = 25
			for i := range pairs {
				cur, err := s.Contribution(ctx, c.ID, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				base := 0
				if withBase {
					base = cur.Version
				}
				amount, desc := fairshare.Amount(500000+i), fmt.Sprintf("pair %d", i)
				var errA, errD error
				var wg sync.WaitGroup
				wg.Go(func() {
					_, errA = s.UpdateContribution(ctx, c.ID, base, fairshare.Change{Author: "a"}, func(x fairshare.Contribution) (fairshare.Contribution, error) {
						x.Amount = amount
						return x, nil
					})
				})
				wg.Go(func() {
					_, errD = s.UpdateContribution(ctx, c.ID, base, fairshare.Change{Author: "d"}, setDescription(desc))
				})
				wg.Wait()
				got, err := s.Contribution(ctx, c.ID, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range []struct {
					err    error
					landed bool
				}{{errA, got.Amount == amount}, {errD, got.Description == desc}} {
					switch {
					case r.err == nil && !r.landed:
						t.Fatalf("pair %d: an acknowledged change was lost: %s", i, show(got))
					case r.err != nil && (!withBase || fairshare.ErrorCode(r.err) != fairshare.ECONFLICT):
						t.Fatalf("pair %d: %v", i, r.err)
					}
				}
				if errA != nil && errD != nil {
					t.Fatalf("pair %d: both refused", i)
				}
			}
		})
	}
}

func testContributionIDs(t *testing.T, s fairshare.Store) {
	cs := generate(20, 0)
	mustAdd(t, s, cs, fairshare.Change{At: t0})
	all := all(t, s, fairshare.ContributionFilter{})
	id := all[0].ID
	got, err := s.ContributionIDs(ctx, id[:8], 5)
	if err != nil || len(got) != 1 || got[0] != id {
		t.Errorf("ContributionIDs(%s) = %v, %v; want [%s]", id[:8], got, err, id)
	}
	if got, err := s.ContributionIDs(ctx, "", 3); err != nil || len(got) != 3 {
		t.Errorf("empty prefix, limit 3: %v, %v", got, err)
	}
	if got, err := s.ContributionIDs(ctx, "zzzzzz", 2); err != nil || len(got) != 0 {
		t.Errorf("no match: %v, %v", got, err)
	}
	// Deleted entries are still found (their history is asked for by id).
	if err := s.DeleteContribution(ctx, id, fairshare.Change{At: t1}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ContributionIDs(ctx, id[:10], 2); err != nil || len(got) != 1 {
		t.Errorf("deleted entry: %v, %v", got, err)
	}
}
