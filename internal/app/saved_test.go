package app_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/engine"
	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestSavedEngine checks the engine saved in the database: a new App (a new
// process) starts from it, brings it up to date with versions written
// without it, and refuses a saved engine that does not describe the ledger.
func TestSavedEngine(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSavedEngine(t, filepath.Join(t.TempDir(), "f.db")) })
	t.Run("postgres", func(t *testing.T) { testSavedEngine(t, storetest.PostgresDSN(t)) })
}

func testSavedEngine(t *testing.T, dsn string) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	var cs []fairshare.Contribution
	for i := 0; i < 400; i++ {
		cs = append(cs, randomContribution(r, i))
	}
	reqs := []app.ReportRequest{{Target: "nato-2024"}, {Target: "nato-2024", Datasets: "kiel-r29,user", Currency: "DKK"},
		{Target: "nato-fund-2025-2029", Datasets: "user+kiel-r29"}}
	// saved: is there a base, and how many segments follow it.
	saved := func(a *app.App) (bool, int) {
		t.Helper()
		found, err := app.TestSQLStore(a).ReadEngineBase(ctx, 0, 1, func(int64, sqlstore.LedgerStamp, func() ([]byte, error)) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if err := app.TestSQLStore(a).ReadEngineSegments(ctx, func([]byte) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return found, n
	}

	a := open(t, dsn)
	if _, err := a.AddContributions(ctx, cs[:200], fairshare.Change{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	compare(t, a, "first App", reqs)
	if base, _ := saved(a); !base {
		t.Fatal("no engine saved after the first report")
	}

	// Written around any engine (another program): the next App sees them.
	if _, err := app.TestStore(a).AddContributions(ctx, cs[200:300], fairshare.Change{Author: "o"}); err != nil {
		t.Fatal(err)
	}
	b := open(t, dsn)
	compare(t, b, "saved engine + versions since", reqs)
	if _, segs := saved(b); segs == 0 {
		t.Fatal("the versions read since the saved engine were not saved as a segment")
	}
	if _, err := b.AddContributions(ctx, cs[300:], fairshare.Change{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	compare(t, b, "after a write", reqs)
	// Two servers on one database: each sees the other's writes, and both
	// append to the saved engine.
	compare(t, a, "first App after the second's write", reqs)
	if err := a.DeleteContribution(ctx, firstID(t, a), fairshare.Change{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	compare(t, b, "second App after the first's deletion", reqs)
	compare(t, open(t, dsn), "saved engine + segments", reqs)

	// A saved engine of another ledger (a replaced database) is not trusted.
	foreign := engine.New()
	other := cs[:50]
	for i := range other {
		other[i].ID, other[i].Version, other[i].RecordedAt = other[i].NaturalID(), 1, other[i].RecordedAt.AddDate(-3, 0, 0)
	}
	foreign.Apply(other...)
	cols, ids, err := foreign.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.TestSQLStore(a).WriteEngineBase(ctx, sqlstore.LedgerStamp{Count: 1, MaxRecorded: 1}, cols, ids); err != nil {
		t.Fatal(err)
	}
	compare(t, open(t, dsn), "foreign saved engine", reqs)

	// Damaged bytes are rebuilt, not trusted.
	if err := app.TestSQLStore(a).WriteEngineBase(ctx, sqlstore.LedgerStamp{Count: 1, MaxRecorded: 1}, cols[:len(cols)/2], ids); err != nil {
		t.Fatal(err)
	}
	compare(t, open(t, dsn), "damaged saved engine", reqs)
}

func firstID(t *testing.T, a *app.App) string {
	t.Helper()
	cs, err := app.TestStore(a).Contributions(context.Background(), fairshare.ContributionFilter{Dataset: "user"})
	if err != nil || len(cs) == 0 {
		t.Fatalf("no contribution to delete (%v)", err)
	}
	return cs[0].ID
}

// TestSavedEngineBigGap checks a new process that finds a saved engine far
// behind the ledger (a big import since): it answers as the ledger says and
// saves a new base rather than a segment of everything it read.
func TestSavedEngineBigGap(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSavedEngineBigGap(t, filepath.Join(t.TempDir(), "f.db")) })
	t.Run("postgres", func(t *testing.T) { testSavedEngineBigGap(t, storetest.PostgresDSN(t)) })
}

func testSavedEngineBigGap(t *testing.T, dsn string) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 8))
	var cs []fairshare.Contribution
	for i := 0; i < 6000; i++ {
		cs = append(cs, randomContribution(r, i))
	}
	reqs := []app.ReportRequest{{Target: "nato-2024"}, {Target: "nato-2024", Datasets: "kiel-r29,user", Currency: "DKK"}}
	base := func(a *app.App) (seq int64, segs int) {
		t.Helper()
		_, err := app.TestSQLStore(a).ReadEngineBase(ctx, 0, 1, func(s int64, _ sqlstore.LedgerStamp, _ func() ([]byte, error)) error {
			seq = s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := app.TestSQLStore(a).ReadEngineSegments(ctx, func([]byte) error { segs++; return nil }); err != nil {
			t.Fatal(err)
		}
		return seq, segs
	}
	a := open(t, dsn)
	if _, err := a.AddContributions(ctx, cs[:100], fairshare.Change{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	compare(t, a, "first App", reqs)
	before, _ := base(a)
	if before == 0 {
		t.Fatal("no engine saved after the first report")
	}
	// More than 1 % of the ledger and 4096 versions: past what a segment holds.
	if _, err := app.TestStore(a).AddContributions(ctx, cs[100:], fairshare.Change{Author: "import"}); err != nil {
		t.Fatal(err)
	}
	b := open(t, dsn)
	compare(t, b, "saved engine far behind", reqs)
	after, segs := base(b)
	if after <= before || segs != 0 {
		t.Fatalf("saved: base %d -> %d with %d segments; want a new base and no segment", before, after, segs)
	}
	compare(t, open(t, dsn), "the new base", reqs)
}
