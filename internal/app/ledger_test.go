package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

func openTest(t *testing.T) *App {
	t.Helper()
	a, err := Open(context.Background(), filepath.Join(t.TempDir(), "f.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

var userEntry = ledgerio.JSONContribution{Donor: "DNK", Date: "2024-06-14", Amount: "1000000000", Currency: "EUR",
	Category: "in-kind", Status: "delivered", Dataset: "user", SourceURL: "https://example.org/p", Description: "June"}

func counted(t *testing.T, a *App, donor string) fairshare.Amount {
	t.Helper()
	rep, err := a.Report(context.Background(), ReportRequest{Target: "nato-2024", Datasets: "user"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.Donor == donor {
			return r.Counted
		}
	}
	t.Fatalf("no row for %s", donor)
	return 0
}

func TestContributionPatchApply(t *testing.T) {
	a := openTest(t)
	ref, err := a.Reference(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cur, _, err := ledgerio.FromJSON(userEntry, ref, ledgerio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cur.ID = "the-id"
	for _, tt := range []struct {
		name  string
		patch ContributionPatch
		field string // the field refused; "" for accepted
		check func(c fairshare.Contribution) bool
	}{
		{"amount", ContributionPatch{"amount": "12.5"}, "", func(c fairshare.Contribution) bool {
			return c.Amount == 1250 && c.Description == "June" && c.ID == "the-id"
		}},
		{"clear description", ContributionPatch{"description": ""}, "", func(c fairshare.Contribution) bool { return c.Description == "" }},
		{"decimal comma", ContributionPatch{"amount": "12,5"}, "", func(c fairshare.Contribution) bool { return c.Amount == 1250 }},
		{"bad amount", ContributionPatch{"amount": "1,000.5"}, "amount", nil},
		{"negative amount", ContributionPatch{"amount": "-1"}, "amount", nil},
		{"unknown donor", ContributionPatch{"donor": "XXX"}, "donor", nil},
		{"unknown category", ContributionPatch{"category": "snacks"}, "category", nil},
		{"required source", ContributionPatch{"source_url": ""}, "source_url", nil},
		{"bad date", ContributionPatch{"date": "14/06/2024"}, "date", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.patch.Check(); err != nil {
				t.Fatal(err)
			}
			c, err := tt.patch.Apply(cur, ref)
			var fe *fairshare.Error
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.field == "" && !tt.check(c):
				t.Errorf("applied: %+v", c)
			case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field || fe.Code != fairshare.EINVALID):
				t.Errorf("error %v, want one on field %s", err, tt.field)
			}
		})
	}
	for _, bad := range []ContributionPatch{{}, {"id": "x"}, {"version": "3"}, {"recorded_at": "x"}} {
		if err := bad.Check(); fairshare.ErrorCode(err) != fairshare.EINVALID {
			t.Errorf("Check(%v) = %v", bad, err)
		}
	}
}

// TestEditContribution: edits are recorded against a base version, refused
// when it is stale, and every write reaches the report engine.
func TestEditContribution(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	before := counted(t, a, "DNK")
	c, err := a.AddContribution(ctx, userEntry, fairshare.Change{Author: "anne", Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 || c.Author != "anne" {
		t.Fatalf("added %+v", c)
	}
	if _, err := a.AddContribution(ctx, userEntry, fairshare.Change{Author: "anne", Reason: "again"}); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("adding the same entry again: %v", err)
	}
	if got := counted(t, a, "DNK"); got != before+100000000000 {
		t.Errorf("counted after add %d, want %d", got, before+100000000000)
	}
	v2, err := a.EditContribution(ctx, c.ID, 1, ContributionPatch{"amount": "2000000000"}, fairshare.Change{Author: "bo", Reason: "fix"})
	if err != nil || v2.Version != 2 || v2.Description != "June" {
		t.Fatalf("edit: %+v %v", v2, err)
	}
	if got := counted(t, a, "DNK"); got != before+200000000000 {
		t.Errorf("counted after edit %d: the engine missed the edit", got)
	}
	_, err = a.EditContribution(ctx, c.ID, 1, ContributionPatch{"description": "stale"}, fairshare.Change{Author: "cy", Reason: "late"})
	var vc *fairshare.VersionConflict
	if !errors.As(err, &vc) || vc.Current.Version != 2 || vc.Current.Author != "bo" {
		t.Fatalf("stale edit: %v", err)
	}
	if _, err := a.EditContribution(ctx, c.ID, 0, ContributionPatch{"amount": "-5"}, fairshare.Change{Reason: "x"}); fairshare.ErrorCode(err) != fairshare.EINVALID {
		t.Errorf("invalid edit: %v", err)
	}
	if _, err := a.RemoveContribution(ctx, c.ID, 1, fairshare.Change{Reason: "x"}); !errors.As(err, &vc) {
		t.Errorf("stale delete: %v", err)
	}
	del, err := a.RemoveContribution(ctx, c.ID, 2, fairshare.Change{Author: "bo", Reason: "duplicate"})
	if err != nil || !del.Deleted || del.Version != 3 {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if got := counted(t, a, "DNK"); got != before {
		t.Errorf("counted after delete %d, want %d", got, before)
	}
	if _, err := a.EditContribution(ctx, c.ID, 0, ContributionPatch{"amount": "1"}, fairshare.Change{Reason: "x"}); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("edit of a deleted entry: %v", err)
	}
	hs, err := a.ContributionHistory(ctx, c.ID)
	if err != nil || len(hs) != 3 {
		t.Fatalf("history: %d %v", len(hs), err)
	}
	// A deleted entry is still found by prefix (for its history).
	if id, err := a.ResolveContributionID(ctx, c.ID[:8]); err != nil || id != c.ID {
		t.Errorf("resolve %s: %s %v", c.ID[:8], id, err)
	}
	for _, bad := range []string{"abc", "zzzzzzzz", c.ID[:8] + "%"} {
		if _, err := a.ResolveContributionID(ctx, bad); err == nil {
			t.Errorf("resolve %q: no error", bad)
		}
	}
	if _, err := a.ResolveContributionID(ctx, "ffffffff"); fairshare.ErrorCode(err) != fairshare.ENOTFOUND {
		t.Errorf("resolve unknown: %v", err)
	}
}

func TestImportContributions(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	const csvFile = "donor,date,amount,currency,category,status,source_url\n" +
		"DNK,2024-06-14,1000,DKK,in-kind,delivered,https://example.org/a\n" +
		"NOR,2024-07-01,2000,NOK,training,delivered,https://example.org/b\n"
	const jsonFile = "\ufeff \n [{\"donor\":\"SWE\",\"date\":\"2024-02-01\",\"amount\":\"5\",\"currency\":\"SEK\",\"category\":\"in-kind\",\"status\":\"pledged\",\"source_url\":\"https://example.org/c\"}]"
	for _, tt := range []struct {
		name, body    string
		format        ImportFormat
		added, skiped int
	}{
		{"csv", csvFile, "", 2, 0},
		{"csv again adds nothing", csvFile, "", 0, 2},
		{"json sniffed past BOM and blanks", jsonFile, "", 1, 0},
		{"json named", jsonFile[4:], "json", 0, 1},
	} {
		res, err := a.ImportContributions(ctx, strings.NewReader(tt.body), tt.name, tt.format, ledgerio.Options{}, fairshare.Change{Author: "t", Reason: tt.name})
		if err != nil || res.Added != tt.added || res.Skipped != tt.skiped {
			t.Errorf("%s: %+v %v", tt.name, res, err)
		}
	}
	n := len(mustList(t, a))
	// A bad row refuses the whole file, naming file, line and field.
	bad := csvFile + "DNK,2024-06-15,1,000,DKK,in-kind,delivered,https://example.org/d\n"
	bad = strings.Replace(bad, "1000,DKK", "1001,DKK", 1)
	_, err := a.ImportContributions(ctx, strings.NewReader(bad), "bad.csv", "", ledgerio.Options{}, fairshare.Change{Reason: "x"})
	var ce *csvio.Error
	if fairshare.ErrorCode(err) != fairshare.EINVALID || !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "bad.csv:4:") {
		t.Errorf("bad file: %v", err)
	}
	if got := len(mustList(t, a)); got != n {
		t.Errorf("a refused import changed the ledger: %d entries, want %d", got, n)
	}
	if _, err := a.ImportContributions(ctx, strings.NewReader(csvFile), "x", "xml", ledgerio.Options{}, fairshare.Change{}); fairshare.ErrorCode(err) != fairshare.EINVALID {
		t.Errorf("unknown format: %v", err)
	}
}

func mustList(t *testing.T, a *App) []fairshare.Contribution {
	t.Helper()
	cs, err := a.ListContributions(context.Background(), fairshare.ContributionFilter{Dataset: "user", AsOf: time.Time{}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
