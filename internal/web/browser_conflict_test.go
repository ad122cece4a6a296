package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fairshare/fairshare"
)

// TestBrowserEditConflict: in Chromium, an editor changes a contribution's
// amount in the form while another change to the amount arrives through
// the API. Saving shows the form again with the newer value beside the
// editor's, and nothing is overwritten; saving once more is a decision
// made knowing both. Screenshots at 390 and 1400 px, in both languages.
func TestBrowserEditConflict(t *testing.T) {
	ctx, errs := browser(t)
	ts, a := newAuthServer(t, Options{}, false)
	tok := apiToken(t, a)
	cs, err := a.ListContributions(context.Background(), fairshare.ContributionFilter{Donor: "DNK"})
	if err != nil || len(cs) == 0 {
		t.Fatal("no DNK contribution", err)
	}
	id := userEntry(t, a).ID
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "erika"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#whoami")),
	); err != nil {
		t.Fatal(err)
	}
	amounts := map[string][2]string{"en": {"1234567", "7654321"}, "da": {"2345678", "8765432"}}
	for _, lang := range []string{"en", "da"} {
		mine, theirs := amounts[lang][0], amounts[lang][1]
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/contributions/"+id+"?lang="+lang),
			chromedp.WaitVisible(chromedp.CSS("#edit-form")),
			chromedp.SetValue(chromedp.CSS("#f-amount"), mine),
			chromedp.SetValue(chromedp.CSS("#f-description"), "edited in the browser ("+lang+")"),
			chromedp.SendKeys(chromedp.CSS("#f-reason"), "browser correction"),
		); err != nil {
			t.Fatal(err)
		}
		apiPatch(t, ts, tok, id, `{"amount":"`+theirs+`","reason":"API correction"}`)
		before, _ := a.Contribution(context.Background(), id, time.Time{})
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("#edit-submit")),
			chromedp.WaitVisible(chromedp.CSS("#conflict-note")),
		); err != nil {
			t.Fatal(err)
		}
		if got := text(t, ctx, "#newer-amount span"); !strings.Contains(got, theirs) {
			t.Errorf("%s: newer amount shown as %q, want %s", lang, got, theirs)
		}
		v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-amount")))
		if v != mine {
			t.Errorf("%s: the editor's amount in the form is %q, want %s", lang, v, mine)
		}
		if after, _ := a.Contribution(context.Background(), id, time.Time{}); after.Version != before.Version || after.Amount != before.Amount {
			t.Fatalf("%s: the stale form changed the ledger", lang)
		}
		for _, width := range []int64{390, 1400} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			screenshot(t, ctx, fmt.Sprintf("contribution-conflict-%s-%d", lang, width))
		}
		// Saving again, knowing both: the editor's amount wins, on purpose.
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("#edit-submit")),
			chromedp.WaitNotPresent(chromedp.CSS("#conflict-note")),
			chromedp.WaitVisible(chromedp.CSS("#history")),
		); err != nil {
			t.Fatal(err)
		}
		cur, _ := a.Contribution(context.Background(), id, time.Time{})
		if cur.Version != before.Version+1 || cur.Amount.Format(cur.Currency) != mine+".00" || !strings.HasPrefix(cur.Description, "edited in the browser") {
			t.Errorf("%s: after saving again: version %d, %s, %q", lang, cur.Version, cur.Amount.Format(cur.Currency), cur.Description)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	}
	noConsoleErrors(t, errs)
}
