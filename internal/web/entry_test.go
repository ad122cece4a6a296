package web

import (
	"context"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// userEntry records a Danish entry in the dataset editors write to ("user":
// shipped datasets are not theirs to change) and returns it.
func userEntry(t *testing.T, a *app.App) fairshare.Contribution {
	t.Helper()
	ctx := context.Background()
	c := fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"), Amount: 100000000,
		Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Description: "test delivery", Source: fairshare.Source{URL: "https://example.org/web-test"}}
	c.ID = c.NaturalID()
	if _, err := a.AddContributions(ctx, []fairshare.Contribution{c}, fairshare.Change{Author: "setup", Reason: "test entry"}); err != nil {
		t.Fatal(err)
	}
	got, err := a.Contribution(ctx, c.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
