package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/feeds"
)

// fileTestDrafts files two drafts read from articles, as news fetch and news read --apply
// do, and a third that repeats an entry the ledger holds (so the page lists it as a match).
func fileTestDrafts(t *testing.T, a *app.App) (dk, se, dup feeds.Draft) {
	t.Helper()
	ctx := context.Background()
	arts := []app.Article{
		{URL: "https://news.example.org/da/otte-milliarder", Title: "Danmark sender otte milliarder", Publisher: "Testavisen", Date: "2024-05-16",
			Text: "Danmark giver yderligere otte milliarder kroner til Ukraines luftforsvar, oplyser Forsvarsministeriet.\n\nPengene kommer fra Ukrainefonden."},
		{URL: "https://news.example.org/en/sweden", Title: "Sweden adds support", Publisher: "Test Wire", Date: "2024-05-16",
			Text: "Sweden will donate 13 billion Swedish crowns in military aid to Ukraine, the government said on Wednesday."},
	}
	var all []feeds.Draft
	for i, art := range arts {
		res, err := a.ReadArticle(ctx, []byte(art.Text), "auto", fairshare.MustDate(art.Date).Time())
		if err != nil {
			t.Fatal(err)
		}
		origin := []string{"feed", "read"}[i]
		ds := app.NewsDrafts(res, art, origin, art.URL, "in-kind")
		if len(ds) != 1 {
			t.Fatalf("%s: %d drafts, want 1", art.URL, len(ds))
		}
		all = append(all, ds[0])
	}
	cs, err := a.ListContributions(ctx, fairshare.ContributionFilter{Donor: "DEU"})
	if err != nil || len(cs) == 0 {
		t.Fatal("no DEU contribution", err)
	}
	c := cs[len(cs)-1]
	all = append(all, feeds.Draft{ID: feeds.DraftID("https://news.example.org/de", 0, 5), Origin: "feed",
		ArticleURL: "https://news.example.org/de", ArticleTitle: "Germany", ArticleText: "Germany gives " + c.Amount.Format(c.Currency) + " " + c.Currency + ".",
		AmountStart: 14, AmountEnd: 14 + len(c.Amount.Format(c.Currency)), Lang: "en", Donor: "DEU", Date: c.Date.String(),
		Amount: c.Amount.Format(c.Currency), Currency: c.Currency, CurrencyFrom: "stated", Status: string(c.Status), Category: string(c.Category)})
	if n, err := a.FileNewsDrafts(ctx, all); err != nil || n != 3 {
		t.Fatalf("filed %d drafts: %v", n, err)
	}
	if n, _ := a.FileNewsDrafts(ctx, all); n != 0 {
		t.Fatalf("the same drafts filed twice (%d)", n)
	}
	return all[0], all[1], all[2]
}

// TestReviewRoles: the queue is for editors; viewers are refused, visitors sent to log in,
// and a post without the form token changes nothing.
func TestReviewRoles(t *testing.T) {
	ts, a := newAuthServer(t, Options{}, false)
	dk, _, _ := fileTestDrafts(t, a)
	anon := client(t, ts)
	if resp, _ := do(t, anon, "GET", ts.URL+"/review", nil); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /review: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	vic := client(t, ts)
	login(t, vic, ts, "vic", testPassword)
	if resp, _ := do(t, vic, "GET", ts.URL+"/review", nil); resp.StatusCode != 403 {
		t.Errorf("viewer /review: %d", resp.StatusCode)
	}
	erika := client(t, ts)
	login(t, erika, ts, "erika", testPassword)
	resp, page := do(t, erika, "GET", ts.URL+"/review?lang=en", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "<mark>otte milliarder kroner</mark>") {
		t.Fatalf("editor /review: %d", resp.StatusCode)
	}
	resp, _ = do(t, erika, "POST", ts.URL+"/review/"+dk.ID+"/reject", url.Values{"reason": {"no token"}})
	if resp.StatusCode != 403 {
		t.Errorf("post without token: %d", resp.StatusCode)
	}
	// A reason is required.
	resp, body := do(t, erika, "POST", ts.URL+"/review/"+dk.ID+"/reject", url.Values{"csrf": {csrfOf(t, page)}, "reason": {"  "}})
	if resp.StatusCode != 400 || !strings.Contains(body, "reason") {
		t.Errorf("reject without reason: %d", resp.StatusCode)
	}
	if d, _, _ := a.Draft(context.Background(), dk.ID); d.State != "pending" {
		t.Errorf("draft is %s after refused posts", d.State)
	}
	// Approving into a shipped dataset is refused.
	resp, body = do(t, erika, "POST", ts.URL+"/review/"+dk.ID+"/approve", url.Values{"csrf": {csrfOf(t, page)}, "reason": {"x"}, "dataset": {"kiel-r29"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "kiel-r29 may not be written") {
		t.Errorf("approve into kiel-r29: %d", resp.StatusCode)
	}
}

// TestBrowserReview: an editor logs in, opens /review, approves one draft (edited) and
// rejects another with a reason; the approved one is in the ledger with the article as
// source, both decisions are in the audit log (what `fairshare audit` lists), and the
// approval can be reversed. Screenshots at 390 and 1400 px in both languages.
func TestBrowserReview(t *testing.T) {
	ctx, errs := browser(t)
	ts, a := newAuthServer(t, Options{}, false)
	dk, se, dup := fileTestDrafts(t, a)
	sel := func(d feeds.Draft, s string) string { return "#draft-" + d.ID + " " + s }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/review?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "erika"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#review-title")),
	); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "article.draft"); n != 3 {
		t.Fatalf("%d drafts listed, want 3", n)
	}
	if m := text(t, ctx, sel(dk, "blockquote mark")); m != "otte milliarder kroner" {
		t.Errorf("highlighted %q", m)
	}
	if s := text(t, ctx, sel(dk, ".said-by")); s != "Forsvarsministeriet" {
		t.Errorf("said by %q", s)
	}
	if e := text(t, ctx, sel(dk, ".eur-amount")); !strings.Contains(e, "EUR") {
		t.Errorf("conversion %q", e)
	}
	if n := count(t, ctx, sel(dup, "tr.match")); n != 1 {
		t.Errorf("%d ledger matches for the repeated entry, want 1", n)
	}
	if n := count(t, ctx, sel(dk, "tr.match")); n != 0 {
		t.Errorf("%d ledger matches for the Danish draft, want 0", n)
	}
	for _, w := range []int{390, 1400} {
		for _, lang := range []string{"en", "da"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), 900),
				chromedp.Navigate(ts.URL+"/review?lang="+lang), chromedp.WaitVisible(chromedp.CSS("#review-title"))); err != nil {
				t.Fatal(err)
			}
			if w == 390 {
				if over, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); over {
					t.Errorf("%s at 390 px scrolls sideways", lang)
				}
			}
			screenshot(t, ctx, "review-"+lang+"-"+map[int]string{390: "390", 1400: "1400"}[w])
		}
	}
	// Approve the Danish draft, edited: committed rather than pledged.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/review?lang=en"), chromedp.WaitVisible(chromedp.CSS("#review-title")),
		chromedp.SetValue(chromedp.CSS(sel(dk, "select[name=status]")), "committed"),
		chromedp.SendKeys(chromedp.CSS(sel(dk, ".approve-form input[name=reason]")), "confirmed by the ministry's press release"),
		chromedp.Click(chromedp.CSS(sel(dk, "button.approve"))),
		chromedp.WaitVisible(chromedp.CSS("#review-flash")),
	); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "article.draft"); n != 2 {
		t.Errorf("%d drafts left after approval, want 2", n)
	}
	// Reject the Swedish one with a reason.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/review?lang=en"), chromedp.WaitVisible(chromedp.CSS("#review-title")),
		chromedp.SendKeys(chromedp.CSS(sel(se, ".reject-form input[name=reason]")), "already counted in the Kiel release"),
		chromedp.Click(chromedp.CSS(sel(se, "button.reject"))),
		// The approval's flash is still shown: wait for the rejection's page.
		chromedp.WaitNotPresent(chromedp.CSS(sel(se, "button.reject"))),
		chromedp.WaitVisible(chromedp.CSS("#review-flash")),
	); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "article.draft"); n != 1 {
		t.Errorf("%d drafts left after rejection, want 1", n)
	}
	bg := context.Background()
	d, decs, err := a.Draft(bg, dk.ID)
	if err != nil || d.State != "approved" || d.Contribution == "" || len(decs) != 1 || decs[0].Action != "edit-approve" || decs[0].User != "erika" {
		t.Fatalf("approved draft %+v %+v %v", d, decs, err)
	}
	c, err := a.Contribution(bg, d.Contribution, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source.URL != dk.ArticleURL || c.Source.Title != dk.ArticleTitle || c.Dataset != "user" || c.Donor != "DNK" ||
		c.Currency != "DKK" || c.Amount.Format("DKK") != "8000000000.00" || c.Status != fairshare.Committed || c.Author != "erika" ||
		!strings.Contains(c.Reason, "confirmed by the ministry's press release") {
		t.Errorf("ledger entry %+v", c)
	}
	if s, _, _ := a.Draft(bg, se.ID); s.State != "rejected" {
		t.Errorf("Swedish draft is %s", s.State)
	}
	audit, err := a.Audit(bg, fairshare.AuditFilter{User: "erika"})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range audit {
		acts = append(acts, e.Action+" "+e.Subject+" "+e.Reason)
	}
	all := strings.Join(acts, "\n")
	for _, want := range []string{"news.edit-approve " + dk.ID + " confirmed by the ministry's press release",
		"news.reject " + se.ID + " already counted in the Kiel release"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit lacks %q:\n%s", want, all)
		}
	}
	// Reverse the approval from the decided tab: the entry is deleted, the draft waits again.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#tab-decided")), chromedp.WaitVisible(chromedp.CSS(sel(dk, ".reopen-form"))),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "review-en-decided")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/review?lang=en&state=decided"), chromedp.WaitVisible(chromedp.CSS(sel(dk, ".reopen-form"))),
		chromedp.SendKeys(chromedp.CSS(sel(dk, ".reopen-form input[name=reason]")), "wrong package: this was the March one"),
		chromedp.Click(chromedp.CSS(sel(dk, "button.reopen"))),
		chromedp.WaitVisible(chromedp.CSS("#review-flash")),
	); err != nil {
		t.Fatal(err)
	}
	if d, _, _ := a.Draft(bg, dk.ID); d.State != "pending" {
		t.Errorf("reopened draft is %s", d.State)
	}
	if c, _ := a.Contribution(bg, d.Contribution, time.Time{}); !c.Deleted {
		hs, _ := a.ContributionHistory(bg, d.Contribution)
		if len(hs) == 0 || !hs[len(hs)-1].Deleted {
			t.Errorf("reversed approval left the entry in the ledger: %+v", hs)
		}
	}
	noConsoleErrors(t, errs)
}
