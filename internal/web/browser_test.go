package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fairshare/fairshare"
)

// The browser tests drive Debian's Chromium. CI installs it (.ci/run); on
// a workstation: apt-get install chromium.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for one test, bounded to 30 s, and
// records exceptions and console errors, which the test fails on.
func browser(t *testing.T) (ctx context.Context, consoleErrors func() []string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need Chromium at %s: apt-get install -y chromium (CI installs it)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	var mu sync.Mutex
	var errs []string
	err := chromedp.Listen(bctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			mu.Lock()
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			errs = append(errs, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
			mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				mu.Lock()
				errs = append(errs, "console."+string(e.Type)+": "+strings.Join(parts, " "))
				mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// screenshot writes the whole page to testdata/screenshots/NAME.png, a test
// artifact (gitignored) for people to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func noConsoleErrors(t *testing.T, errs func() []string) {
	t.Helper()
	for _, e := range errs() {
		t.Errorf("browser console: %s", e)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func TestBrowserOverview(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#ratio-chart svg")),
	); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "#ratio-chart svg rect"); n < 20 {
		t.Errorf("ratio chart has %d rects, want a bar per ally", n)
	}
	if n := count(t, ctx, "#progress .chart-wide svg"); n != 1 {
		t.Errorf("%d progress charts", n)
	}
	if n := count(t, ctx, "table.report tbody tr"); n < 30 {
		t.Errorf("table has %d rows, want one per ally", n)
	}
	if c := text(t, ctx, "table.report caption"); !strings.Contains(c, "EUR m") {
		t.Errorf("caption %q", c)
	}
	// The script made the headers sortable; sorting must not break the page.
	if n := count(t, ctx, "table.report thead button.sort"); n == 0 {
		t.Error("no sort buttons: app.js did not run")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("table.report thead th:nth-child(6) button"))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "overview-en")
	noConsoleErrors(t, errs)
}

func TestBrowserLanguageSwitch(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/targets/nato-2024?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#lang-switch")),
		chromedp.Click(chromedp.CSS("#lang-switch")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="da"] #ratio-chart svg`)),
	); err != nil {
		t.Fatal(err)
	}
	body := text(t, ctx, "main")
	for _, want := range []string{"mia.", "kr.", "Rimelig andel", "Danmark"} {
		if !strings.Contains(body, want) {
			t.Errorf("Danish page lacks %q", want)
		}
	}
	// Danish number format: a decimal comma and points between thousands.
	if cell := text(t, ctx, "table.report tbody tr:first-child td:nth-child(4)"); !strings.Contains(cell, ",") || !strings.Contains(cell, ".") {
		t.Errorf("fair share cell %q is not in Danish format (1.234,5)", cell)
	}
	// Links keep the language.
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a[href*="/donors/DNK"]`), "href"))
	if err != nil || !strings.Contains(href.Value, "lang=da") {
		t.Errorf("donor link %q does not keep the language (%v)", href.Value, err)
	}
	screenshot(t, ctx, "overview-da")
	noConsoleErrors(t, errs)
}

func TestBrowserDonorLink(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/targets/nato-2024?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/donors/DNK"]`)),
		chromedp.Click(chromedp.CSS(`a[href*="/donors/DNK"]`)),
		chromedp.WaitVisible(chromedp.CSS("#donor-name")),
	); err != nil {
		t.Fatal(err)
	}
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Denmark") {
		t.Errorf("heading %q", h)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/donors/DNK") {
		t.Errorf("at %s", loc)
	}
	if n := count(t, ctx, "#monthly svg rect"); n < 10 {
		t.Errorf("monthly chart has %d rects", n)
	}
	if n := count(t, ctx, "#contributions tbody a[href^='http']"); n == 0 {
		t.Error("no source links")
	}
	if n := count(t, ctx, "#policies li"); n == 0 {
		t.Error("no weapon-use rules")
	}
	screenshot(t, ctx, "donor-dnk")
	noConsoleErrors(t, errs)
}

// TestBrowserPages opens the other pages, on a phone-sized window too, and
// keeps a screenshot of each.
func TestBrowserPages(t *testing.T) {
	ctx, errs := browser(t)
	ts := newTestServer(t)
	tests := []struct {
		name, path, wait string
		phone            bool
	}{
		{"compare-en", "/compare/nato-2024?lang=en", "#datasets table", false},
		{"fx-da", "/fx?lang=da&amount=100000000000&from=EUR&to=DKK&date=2024-05-31", "#fx-result", false},
		{"chart-da", "/charts/nato-2024.svg?lang=da&currency=DKK", "svg", false},
		{"overview-phone-da", "/targets/nato-2024?lang=da", "#ratio-chart", true},
		{"donor-phone-en", "/donors/DNK?lang=en", "#monthly", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h := int64(1280), int64(900)
			if tt.phone {
				w, h = 390, 844
			}
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(w, h),
				chromedp.Navigate(ts.URL+tt.path),
				chromedp.WaitVisible(chromedp.CSS(tt.wait)),
			); err != nil {
				t.Fatal(err)
			}
			if tt.phone {
				// Usable on a phone: the page itself does not scroll sideways
				// (wide tables scroll inside their own box).
				over, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
				if err != nil || over {
					t.Errorf("page wider than the phone's screen (%v)", err)
				}
			}
			screenshot(t, ctx, tt.name)
		})
	}
	noConsoleErrors(t, errs)
}

// TestBrowserEditContribution logs in as an editor, corrects a
// contribution's amount with a reason, and finds the new version in the
// history with the editor's name and reason; a form without its CSRF token
// is refused.
func TestBrowserEditContribution(t *testing.T) {
	ctx, errs := browser(t)
	ts, a := newAuthServer(t, Options{}, false)
	cs, err := a.ListContributions(context.Background(), fairshare.ContributionFilter{Donor: "DNK"})
	if err != nil || len(cs) == 0 {
		t.Fatal("no DNK contribution", err)
	}
	id := userEntry(t, a).ID
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/donors/DNK?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#login-link")),
		chromedp.Click(chromedp.CSS("#login-link")),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "erika"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#whoami")),
	); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/donors/DNK") {
		t.Errorf("after login at %s, want back on the donor page", loc)
	}
	if who := text(t, ctx, "#whoami"); who != "erika" {
		t.Errorf("logged in as %q", who)
	}
	if n := count(t, ctx, "#add-contribution"); n != 1 {
		t.Error("no add link for the editor")
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/contributions/"+id+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#edit-form")),
		chromedp.SetValue(chromedp.CSS("#f-amount"), "777000000"),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "corrected per MoD statement of 3 March"),
		chromedp.Click(chromedp.CSS("#edit-submit")),
		chromedp.WaitVisible(chromedp.CSS("#history tbody tr:nth-child(2)")),
	); err != nil {
		t.Fatal(err)
	}
	row := text(t, ctx, "#history tbody tr:first-child")
	for _, want := range []string{"erika", "corrected per MoD statement of 3 March", "777"} {
		if !strings.Contains(row, want) {
			t.Errorf("newest history row %q lacks %q", row, want)
		}
	}
	if amt := text(t, ctx, "#current-amount"); !strings.Contains(amt, "777") {
		t.Errorf("current amount %q", amt)
	}
	screenshot(t, ctx, "contribution-edited")
	hs, _ := a.ContributionHistory(context.Background(), id)
	if last := hs[len(hs)-1]; last.Author != "erika" || last.Reason != "corrected per MoD statement of 3 March" {
		t.Errorf("stored version %+v", last)
	}

	// A form without its token is refused and records nothing.
	n := len(hs)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#edit-form input[name=csrf]').remove(), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "forged"),
		chromedp.Click(chromedp.CSS("#edit-submit")),
		chromedp.WaitVisible(chromedp.CSS("p.error")),
	); err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, "p.error"); !strings.Contains(msg, "did not come from this site") {
		t.Errorf("refusal %q", msg)
	}
	if hs, _ := a.ContributionHistory(context.Background(), id); len(hs) != n {
		t.Error("a post without CSRF token was recorded")
	}

	// Log out: back to the read-only banner.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/donors/DNK?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitVisible(chromedp.CSS("#login-link")),
	); err != nil {
		t.Fatal(err)
	}
	// Markup in an entry shows as text: nothing injected runs or renders.
	if n := count(t, ctx, "img[src='x'], #contributions script"); n != 0 {
		t.Errorf("%d injected elements", n)
	}
	noConsoleErrors(t, errs)
}
