package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestEngineGroups checks the grouped ledger the pages start from, made
// from the engine's columns, against the store's grouped query: now and as
// of earlier times, through amendments and deletions, in a new
// process that restored the saved engine, and on both stores.
func TestEngineGroups(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testEngineGroups(t, filepath.Join(t.TempDir(), "f.db")) })
	t.Run("postgres", func(t *testing.T) { testEngineGroups(t, storetest.PostgresDSN(t)) })
}

func testEngineGroups(t *testing.T, dsn string) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, 12))
	var cs []fairshare.Contribution
	for i := 0; i < 600; i++ {
		cs = append(cs, randomContribution(r, i))
	}
	a := open(t, dsn)
	var times []time.Time
	check := func(what string, a *app.App) {
		t.Helper()
		for _, at := range append([]time.Time{{}}, times...) {
			got, stamp, ok := app.TestEngineGroups(a, ctx, at)
			if !ok {
				t.Fatalf("%s, as of %v: the engine gave no groups", what, at)
			}
			want, err := app.TestStore(a).LedgerGroups(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := groupLines(got), groupLines(want); !slices.Equal(g, w) {
				t.Fatalf("%s, as of %v: %d groups from the engine, %d from the store; first engine %v, store %v",
					what, at, len(g), len(w), first(g), first(w))
			}
			if at.IsZero() {
				if st, err := app.TestSQLStore(a).LedgerStamp(ctx); err != nil || st != stamp {
					t.Fatalf("%s: engine groups stamped %+v, ledger %+v (%v)", what, stamp, st, err)
				}
			}
		}
	}
	mark := func() {
		time.Sleep(2 * time.Millisecond)
		times = append(times, time.Now())
		time.Sleep(2 * time.Millisecond)
	}
	ch := fairshare.Change{Author: "t", Reason: "test"}
	if _, err := a.AddContributions(ctx, cs[:300], ch); err != nil {
		t.Fatal(err)
	}
	mark()
	check("after the first import", a)
	ids := currentIDs(t, a)
	for i, id := range ids[:40] {
		c, err := app.TestStore(a).Contribution(ctx, id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 0:
			c.Amount += 100
			c.Status = fairshare.Delivered
			_, err = a.AmendContribution(ctx, c, ch)
		case 1:
			c.Donor, c.Date = "NOR", c.Date.AddDays(1)
			_, err = a.AmendContribution(ctx, c, ch)
		default:
			err = a.DeleteContribution(ctx, id, ch)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	mark()
	check("after amendments and deletions", a)
	// Written around a's engine (another process), then seen by a and by a
	// new process that starts from the saved engine.
	if _, err := app.TestStore(a).AddContributions(ctx, cs[300:], ch); err != nil {
		t.Fatal(err)
	}
	check("after a write by another process", a)
	check("in a new process", open(t, dsn))
	check("in another new process", open(t, dsn))
}

func currentIDs(t *testing.T, a *app.App) []string {
	t.Helper()
	cs, err := app.TestStore(a).Contributions(context.Background(), fairshare.ContributionFilter{Dataset: "user"})
	if err != nil || len(cs) < 40 {
		t.Fatalf("want 40 contributions, have %d (%v)", len(cs), err)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func groupLines(gs []fairshare.LedgerGroup) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = fmt.Sprintf("%s %s %s %s %s %s %d %d", g.Dataset, g.Donor, g.Currency, g.Day, g.Status, g.Category, g.Count, g.Sum)
	}
	slices.Sort(out)
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}
