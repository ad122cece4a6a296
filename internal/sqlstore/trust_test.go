package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/storetest"
)

// eachStore runs fn on a fresh SQLite store and, when the server is there,
// a fresh PostgreSQL one.
func eachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openMigrated(t, filepath.Join(t.TempDir(), "f.db"))) })
	t.Run("postgres", func(t *testing.T) { fn(t, openMigrated(t, storetest.PostgresDSN(t))) })
}

func good(desc string) fairshare.Contribution {
	return fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"), Amount: 100000,
		Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user", Description: desc,
		Source: fairshare.Source{URL: "https://example.org/a"}}
}

// state is what a refused change must leave as it was.
func state(t *testing.T, s *sqlstore.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	err := s.AllVersions(ctx, func(c fairshare.Contribution) error {
		b.WriteString(c.ID + "/" + c.Description + "/" + c.Reason + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := s.Targets(ctx)
	us, _ := s.Users(ctx)
	for _, x := range ts {
		b.WriteString("target " + x.ID + " " + x.Amount.Format(x.Currency) + "\n")
	}
	for _, u := range us {
		b.WriteString("user " + u.Name + " " + u.TokenHash + "\n")
	}
	return b.String()
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var fe *fairshare.Error
	if !errors.As(err, &fe) || fe.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

// TestHostileWrites: a table of writes the store must refuse whatever door
// they came through, each leaving the store as it was.
func TestHostileWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ch := fairshare.Change{Author: "anne", Reason: "first import"}
		res, err := s.AddContributions(ctx, []fairshare.Contribution{good("ok")}, ch)
		if err != nil || res.Added != 1 {
			t.Fatal(res, err)
		}
		cur, _ := s.Contributions(ctx, fairshare.ContributionFilter{})
		id := cur[0].ID
		target := fairshare.Target{ID: "mine", Name: "Mine", AmountText: "1000000000", Currency: "EUR",
			Start: fairshare.MustDate("2024-01-01"), End: fairshare.MustDate("2024-12-31"), Source: fairshare.Source{URL: "https://example.org/t"}}
		if err := s.PutTargetBy(ctx, target, ch); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, fairshare.User{Name: "bob", Role: fairshare.Editor, TokenHash: "h1"}); err != nil {
			t.Fatal(err)
		}
		with := func(f func(*fairshare.Contribution)) fairshare.Contribution { c := good("x"); f(&c); return c }
		tests := []struct {
			name string
			do   func() error
		}{
			{"NUL in a description", func() error {
				_, err := s.AddContributions(ctx, []fairshare.Contribution{with(func(c *fairshare.Contribution) { c.Description = "a\x00b" })}, ch)
				return err
			}},
			{"invalid UTF-8 in a publisher", func() error {
				_, err := s.AddContributions(ctx, []fairshare.Contribution{with(func(c *fairshare.Contribution) { c.Source.Publisher = "\xff\xfe" })}, ch)
				return err
			}},
			{"NUL in a reason", func() error {
				_, err := s.AddContributions(ctx, []fairshare.Contribution{good("y")}, fairshare.Change{Author: "anne", Reason: "a\x00"})
				return err
			}},
			{"zero-width reason", func() error {
				_, err := s.AmendContribution(ctx, with(func(c *fairshare.Contribution) { c.ID = id }), fairshare.Change{Author: "anne", Reason: "\u200b"})
				return err
			}},
			{"NUL in an amendment", func() error {
				_, err := s.AmendContribution(ctx, with(func(c *fairshare.Contribution) { c.ID, c.Description = id, "\x00" }), ch)
				return err
			}},
			{"zero-width reason for a deletion", func() error {
				return s.DeleteContribution(ctx, id, fairshare.Change{Author: "anne", Reason: "\u200b\u200d"})
			}},
			{"target with a javascript: source", func() error {
				x := target
				x.Source.URL = "javascript:alert(1)"
				return s.PutTargetBy(ctx, x, ch)
			}},
			{"target with a NUL name", func() error {
				x := target
				x.Name = "M\x00"
				return s.PutTargetBy(ctx, x, ch)
			}},
			{"dataset with a data: link", func() error {
				return s.PutDatasetBy(ctx, fairshare.Dataset{ID: "mine", Name: "x", URL: "data:text/html,<b>"}, ch)
			}},
			{"user named cli", func() error { return s.AddUser(ctx, fairshare.User{Name: "cli", Role: fairshare.Admin}) }},
			{"user named fairshare", func() error { return s.AddUser(ctx, fairshare.User{Name: "Fairshare", Role: fairshare.Admin}) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := state(t, s)
				wantCode(t, tt.do(), fairshare.EINVALID)
				if after := state(t, s); after != before {
					t.Fatalf("the store changed:\n%s\nwant\n%s", after, before)
				}
			})
		}
	})
}

// TestTargetHistory: a target defined twice keeps both definitions; a report
// as of a time between them uses the first.
func TestTargetHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		t2 := t1.Add(24 * time.Hour)
		mine := fairshare.Target{ID: "mine", Name: "Mine", AmountText: "1000000000", Currency: "EUR",
			Start: fairshare.MustDate("2024-01-01"), End: fairshare.MustDate("2024-12-31")}
		if err := s.PutTargetBy(ctx, mine, fairshare.Change{Author: "anne", Reason: "EUR 1 bn", At: t1}); err != nil {
			t.Fatal(err)
		}
		mine.AmountText = "5"
		if err := s.PutTargetBy(ctx, mine, fairshare.Change{Author: "bob", Reason: "EUR 5", At: t2}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at   time.Time
			want string
		}{{t1.Add(time.Hour), "1000000000.00"}, {t2.Add(time.Hour), "5.00"}, {time.Time{}, "5.00"}} {
			got, err := s.TargetAsOf(ctx, "mine", tc.at)
			if err != nil || got.Amount.Format("EUR") != tc.want {
				t.Errorf("as of %v: %v %v, want %s", tc.at, got.Amount.Format("EUR"), err, tc.want)
			}
		}
		if _, err := s.TargetAsOf(ctx, "mine", t1.Add(-time.Hour)); err == nil {
			t.Error("target found before it was defined")
		}
		// The parsed history a server keeps answers as TargetAsOf does.
		th, err := s.TargetHistory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"mine", "nato-2024", "nosuch"} {
			for _, at := range []time.Time{{}, t1.Add(-time.Hour), t1, t1.Add(time.Hour), t2, t2.Add(time.Microsecond), time.Now()} {
				want, werr := s.TargetAsOf(ctx, id, at)
				got, gerr := th.Target(id, at)
				if fmt.Sprintf("%+v %v", got, gerr) != fmt.Sprintf("%+v %v", want, werr) {
					t.Errorf("%s as of %v: history gives %+v %v, TargetAsOf %+v %v", id, at, got, gerr, want, werr)
				}
			}
		}
		h, err := s.RefHistory(ctx, "target", "mine")
		if err != nil || len(h) != 2 || h[0].Author != "anne" || h[1].Reason != "EUR 5" || !h[1].RecordedAt.Equal(t2) {
			t.Fatalf("history %+v %v", h, err)
		}
		// The same definition again records nothing.
		if err := s.PutTargetBy(ctx, mine, fairshare.Change{Author: "bob", Reason: "again"}); err != nil {
			t.Fatal(err)
		}
		if h, _ := s.RefHistory(ctx, "target", "mine"); len(h) != 2 {
			t.Fatalf("unchanged definition recorded: %d versions", len(h))
		}
	})
}

// TestDisableRevokesToken: a disabled user's token and sessions end for good;
// enabling the user does not bring them back.
func TestDisableRevokesToken(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.AddUser(ctx, fairshare.User{Name: "anne", Role: fairshare.Editor, TokenHash: "old"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSession(ctx, "sess", "anne", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		u, _ := s.User(ctx, "anne")
		stale := u // read before the disabling, still holding the token
		u.Disabled = true
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByTokenHash(ctx, "old"); err == nil {
			t.Fatal("token works while disabled")
		}
		if _, err := s.Session(ctx, "sess"); err == nil {
			t.Fatal("session works while disabled")
		}
		stale.Disabled = false
		if err := s.UpdateUser(ctx, stale); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByTokenHash(ctx, "old"); err == nil {
			t.Fatal("enabling revived the old token")
		}
		if _, err := s.Session(ctx, "sess"); err == nil {
			t.Fatal("enabling revived the session")
		}
		u, _ = s.User(ctx, "anne")
		u.TokenHash = "new"
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got, err := s.UserByTokenHash(ctx, "new"); err != nil || got.Name != "anne" {
			t.Fatalf("new token: %v %v", got, err)
		}
	})
}

// TestCopyReportsBadRowsAndRepair: a SQLite file holding a NUL byte and
// invalid UTF-8 in an old version (stored before they were refused) copies
// to PostgreSQL completely, naming the rows; data repair fixes the current
// versions with a new version and a reason.
func TestCopyReportsBadRowsAndRepair(t *testing.T) {
	ctx := context.Background()
	src := openMigrated(t, filepath.Join(t.TempDir(), "old.db"))
	ch := fairshare.Change{Author: "anne", Reason: "import", At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := src.AddContributions(ctx, []fairshare.Contribution{good("one"), good("two")}, ch); err != nil {
		t.Fatal(err)
	}
	// As an old version would hold them: written around the checks.
	if _, err := src.DB().ExecContext(ctx, `UPDATE contribution_versions SET description = 'a' || char(0) || 'b' WHERE description = 'one'`); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DB().ExecContext(ctx, `UPDATE contribution_versions SET publisher = CAST(X'FFFE' AS TEXT) WHERE description = 'two'`); err != nil {
		t.Fatal(err)
	}
	dst := openMigrated(t, storetest.PostgresDSN(t))
	counts, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatalf("copy stopped: %v", err)
	}
	if counts[0].Added != 2 || len(counts[0].Cleaned) != 2 {
		t.Fatalf("copy: %+v", counts[0])
	}
	joined := strings.Join(counts[0].Cleaned, "\n")
	if !strings.Contains(joined, "version 1: description") || !strings.Contains(joined, "version 1: publisher") {
		t.Fatalf("cleaned rows not named: %s", joined)
	}
	rep, err := src.RepairTexts(ctx, fairshare.Change{Author: "anne", Reason: "bad bytes from an old import"})
	if err != nil || len(rep) != 2 || rep[0].Version != 2 {
		t.Fatalf("repair: %+v %v", rep, err)
	}
	cur, _ := src.Contributions(ctx, fairshare.ContributionFilter{})
	for _, c := range cur {
		if c.CheckBytes() != nil || c.Version != 2 || c.Reason != "bad bytes from an old import" {
			t.Fatalf("after repair: %+v", c)
		}
	}
	// History kept: version 1 still holds what it held.
	h, _ := src.History(ctx, cur[0].ID)
	if len(h) != 2 || h[0].CheckBytes() == nil {
		t.Fatalf("history rewritten: %+v", h)
	}
	if again, _ := src.RepairTexts(ctx, fairshare.Change{Author: "anne", Reason: "again"}); len(again) != 0 {
		t.Fatalf("second repair changed %v", again)
	}
	counts, err = src.CopyTo(ctx, dst)
	if err != nil || counts[0].Added != 2 {
		t.Fatalf("second copy: %+v %v", counts, err)
	}
}
