package app_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/render"
)

func open(t *testing.T, dsn string) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), dsn, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func rendered(t *testing.T, rep *fairshare.Report, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error()
	}
	var b bytes.Buffer
	for _, f := range render.Formats {
		if err := render.Report(&b, rep, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// compare checks that the engine path and the reference path print the
// same report for each request.
func compare(t *testing.T, a *app.App, what string, reqs []app.ReportRequest) {
	t.Helper()
	ctx := context.Background()
	for _, req := range reqs {
		if req.AsOf.IsZero() {
			// Both paths stamp "now" into the report; pin it.
			req.AsOf = time.Now().UTC().Add(time.Minute)
		}
		fast, ferr := a.Report(ctx, req)
		slow, serr := a.ReportSlow(ctx, req)
		if f, s := rendered(t, fast, ferr), rendered(t, slow, serr); f != s {
			t.Fatalf("%s: %+v: engine and reference differ\nengine:\n%s\nreference:\n%s", what, req, f, s)
		}
	}
}

func randomContribution(r *rand.Rand, i int) fairshare.Contribution {
	donors := []string{"DNK", "DEU", "USA", "GBR", "SWE", "NOR", "POL", "FRA", "JPN", "HUN"}
	curs := []string{"EUR", "DKK", "USD", "GBP", "SEK", "NOK", "PLN", "JPY"}
	return fairshare.Contribution{
		Donor: donors[r.IntN(len(donors))], Recipient: "UKR",
		Date:     fairshare.MustDate("2023-11-01").AddDays(r.IntN(800)),
		Amount:   fairshare.Amount(1 + r.Int64N(1e11)),
		Currency: curs[r.IntN(len(curs))], Category: fairshare.Categories[r.IntN(len(fairshare.Categories))],
		Status: fairshare.Statuses[r.IntN(3)], Dataset: []string{"user", "user", "kiel-r29"}[r.IntN(3)],
		Description: fmt.Sprint("test ", i), Source: fairshare.Source{URL: "https://example.org/t"},
	}
}

// TestEngineMatchesReference writes through the App, directly to the store
// and through a second App on the same file (another process), and checks
// after each step that the engine's reports equal the reference path's.
func TestEngineMatchesReference(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "f.db")
	a := open(t, dsn)
	other := open(t, dsn)
	r := rand.New(rand.NewPCG(3, 4))
	reqs := func() []app.ReportRequest {
		return []app.ReportRequest{
			{Target: "nato-2024"},
			{Target: "nato-2024", Datasets: "user,kiel-r29"},
			{Target: "nato-2024", Datasets: "kiel-r29,user", Currency: "dkk"},
			{Target: "nato-2024", Key: "population", KeyYear: 2023},
			{Target: "nato-fund-2025-2029", Datasets: "user+kiel-r29", Currency: "USD"},
			{Target: "nato-2024", Datasets: "dk-mod,kiel-r29"},
			{Target: "nato-2024", Datasets: "nosuch"},
			{Target: "nosuch"},
			{Target: "nato-2024", Currency: "XYZ"},
		}
	}
	compare(t, a, "shipped data", reqs())

	var cs []fairshare.Contribution
	for i := 0; i < 300; i++ {
		cs = append(cs, randomContribution(r, i))
	}
	if _, err := a.AddContributions(ctx, cs[:200], fairshare.Change{Author: "t"}); err != nil {
		t.Fatal(err)
	}
	compare(t, a, "after App.AddContributions", reqs())
	afterAdd := time.Now().UTC()

	// Another process writes: the engine must notice.
	if _, err := app.TestStore(other).AddContributions(ctx, cs[200:], fairshare.Change{Author: "other"}); err != nil {
		t.Fatal(err)
	}
	compare(t, a, "after another process's import", reqs())

	all, err := app.TestStore(a).Contributions(ctx, fairshare.ContributionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 40; k++ {
		c := all[r.IntN(len(all))]
		switch k % 4 {
		case 0:
			if err := a.DeleteContribution(ctx, c.ID, fairshare.Change{Author: "t"}); err != nil && fairshare.ErrorCode(err) != fairshare.ECONFLICT {
				t.Fatal(err)
			}
		case 1:
			if err := app.TestStore(other).DeleteContribution(ctx, c.ID, fairshare.Change{Author: "o"}); err != nil && fairshare.ErrorCode(err) != fairshare.ECONFLICT {
				t.Fatal(err)
			}
		default:
			n := randomContribution(r, 1000+k)
			n.ID = c.ID
			w := a
			if k%4 == 3 {
				w = other
			}
			if _, err := w.AmendContribution(ctx, n, fairshare.Change{Author: "t"}); err != nil && fairshare.ErrorCode(err) != fairshare.ECONFLICT {
				t.Fatal(err)
			}
		}
	}
	compare(t, a, "after corrections and deletions", reqs())
	past := reqs()
	for i := range past {
		past[i].AsOf = afterAdd
	}
	compare(t, a, "as of before the corrections", past)
	old := reqs()
	for i := range old {
		old[i].AsOf = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	compare(t, a, "as of 2024-01-01", old)
}

// TestEngineCacheInvalidation checks that a cached current report changes
// after a write by another App.
func TestEngineCacheInvalidation(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "f.db")
	a := open(t, dsn)
	other := open(t, dsn)
	counted := func() fairshare.Amount { t.Helper(); return userCountedDNK(t, a) }
	if got := counted(); got != 0 {
		t.Fatalf("DNK counted %d before any write", got)
	}
	c := fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-03-04"), Amount: 12345,
		Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Source: fairshare.Source{URL: "https://example.org"}}
	if _, err := app.TestStore(other).AddContributions(ctx, []fairshare.Contribution{c}, fairshare.Change{}); err != nil {
		t.Fatal(err)
	}
	if got := counted(); got != 12345 {
		t.Fatalf("DNK counted %d after another App's write, want 12345", got)
	}
	if got := counted(); got != 12345 { // cached
		t.Fatalf("DNK counted %d from the cache, want 12345", got)
	}
}

// userCountedDNK is Denmark's counted sum in the nato-2024 report from
// dataset user alone (-1 when Denmark has no row).
func userCountedDNK(t *testing.T, a *app.App) fairshare.Amount {
	t.Helper()
	rep, err := a.Report(context.Background(), app.ReportRequest{Target: "nato-2024", Datasets: "user"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.Donor == "DNK" {
			return r.Counted
		}
	}
	return -1
}
