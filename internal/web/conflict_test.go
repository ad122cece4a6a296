package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/storetest"
)

var (
	formInput    = regexp.MustCompile(`<input id="f-[a-z-]+" name="([a-z_]+)"[^>]*value="([^"]*)"`)
	formHidden   = regexp.MustCompile(`<input type="hidden" name="(base|csrf)" value="([^"]*)"`)
	formTextarea = regexp.MustCompile(`(?s)<textarea id="f-[a-z-]+" name="([a-z_]+)"[^>]*>(.*?)</textarea>`)
	formSelect   = regexp.MustCompile(`(?s)<select id="f-[a-z-]+" name="([a-z_]+)"[^>]*>(.*?)</select>`)
	selectedOpt  = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// editFormValues reads the edit form of a contribution page as a browser
// would submit it.
func editFormValues(t *testing.T, page string) url.Values {
	t.Helper()
	i := strings.Index(page, `id="edit-form"`)
	if i < 0 {
		t.Fatal("no edit form in the page")
	}
	form := page[i:]
	form = form[:strings.Index(form, "</form>")]
	v := url.Values{}
	for _, m := range formInput.FindAllStringSubmatch(form, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range formHidden.FindAllStringSubmatch(form, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range formTextarea.FindAllStringSubmatch(form, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range formSelect.FindAllStringSubmatch(form, -1) {
		if s := selectedOpt.FindStringSubmatch(m[2]); s != nil {
			v.Set(m[1], html.UnescapeString(s[1]))
		}
	}
	return v
}

// apiToken gives the editor erika an API token too.
func apiToken(t *testing.T, a *app.App) string {
	t.Helper()
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.TestStore(a).User(context.Background(), "erika")
	if err != nil {
		t.Fatal(err)
	}
	u.TokenHash = hash
	if err := app.TestStore(a).UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return tok
}

func apiPatch(t *testing.T, ts *httptest.Server, tok, id, body string) {
	t.Helper()
	req, _ := http.NewRequest("PATCH", ts.URL+"/api/v1/contributions/"+id, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/merge-patch+json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API PATCH: %d", resp.StatusCode)
	}
}

// TestFormAfterNewerAPIWrite: an editor opens a contribution's form,
// another change arrives through the API, and the form is submitted
// changing another field. The newer change must survive: the form comes
// back (409) with the newer values, and saving it again keeps both.
func TestFormAfterNewerAPIWrite(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testFormAfterNewerAPIWrite(t, filepath.Join(t.TempDir(), "fairshare.db"))
	})
	t.Run("postgres", func(t *testing.T) { testFormAfterNewerAPIWrite(t, storetest.PostgresDSN(t)) })
}

func testFormAfterNewerAPIWrite(t *testing.T, dsn string) {
	ts, a := newAuthServerOn(t, dsn, Options{}, false)
	tok := apiToken(t, a)
	cs, err := a.ListContributions(context.Background(), fairshare.ContributionFilter{Donor: "DNK"})
	if err != nil || len(cs) == 0 {
		t.Fatal("no DNK contribution", err)
	}
	c := userEntry(t, a)
	pageURL := ts.URL + "/contributions/" + c.ID + "?lang=en"
	br := client(t, ts)
	login(t, br, ts, "erika", testPassword)
	_, page := do(t, br, "GET", pageURL, nil)
	form := editFormValues(t, page)
	if form.Get("base") != "1" || form.Get("amount") == "" || form.Get("csrf") == "" {
		t.Fatalf("form values %v", form)
	}

	// Meanwhile, through the API: a new amount.
	apiPatch(t, ts, tok, c.ID, `{"amount":"4711","reason":"newer figure from the ministry"}`)

	// The form, made before, changes the description only.
	form.Set("description", "described in the form")
	form.Set("reason", "better description")
	resp, page := do(t, br, "POST", pageURL, form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="conflict-note"`) {
		t.Fatalf("stale form: %d, want 409 with the conflict note", resp.StatusCode)
	}
	cur, err := a.Contribution(context.Background(), c.ID, time.Time{})
	if err != nil || cur.Amount.Format(cur.Currency) != "4711.00" || cur.Version != 2 {
		t.Fatalf("the stale form changed the ledger: %+v %v", cur, err)
	}
	again := editFormValues(t, page)
	if again.Get("base") != "2" || again.Get("amount") != "4711.00" || again.Get("description") != "described in the form" || again.Get("reason") != "better description" {
		t.Errorf("form shown again with %v; want the newer amount, the user's description, base 2", again)
	}
	if strings.Contains(page, `id="newer-amount"`) {
		t.Error("the amount is marked as changed by both, but only the API changed it")
	}

	// Saving the form shown again keeps both changes.
	resp, _ = do(t, br, "POST", pageURL, again)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving again: %d", resp.StatusCode)
	}
	cur, _ = a.Contribution(context.Background(), c.ID, time.Time{})
	if cur.Amount.Format(cur.Currency) != "4711.00" || cur.Description != "described in the form" || cur.Version != 3 {
		t.Errorf("after saving again: %s %q version %d", cur.Amount.Format(cur.Currency), cur.Description, cur.Version)
	}

	// Both change the amount: the newer value is shown beside the user's.
	_, page = do(t, br, "GET", pageURL, nil)
	form = editFormValues(t, page)
	apiPatch(t, ts, tok, c.ID, `{"amount":"5000","reason":"API"}`)
	form.Set("amount", "6000")
	form.Set("reason", "form")
	resp, page = do(t, br, "POST", pageURL, form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="newer-amount"`) || !strings.Contains(page, "5000.00") {
		t.Fatalf("both changed the amount: %d, newer value shown: %v", resp.StatusCode, strings.Contains(page, `id="newer-amount"`))
	}
	if again := editFormValues(t, page); again.Get("amount") != "6000" {
		t.Errorf("the user's amount is not kept in the form: %q", again.Get("amount"))
	}
	if cur, _ := a.Contribution(context.Background(), c.ID, time.Time{}); cur.Amount.Format(cur.Currency) != "5000.00" {
		t.Errorf("the stale form overwrote the amount: %s", cur.Amount.Format(cur.Currency))
	}

	// A stale delete is refused too.
	_, page = do(t, br, "GET", pageURL, nil)
	base := regexp.MustCompile(`name="base" value="(\d+)"`).FindStringSubmatch(page[strings.Index(page, `id="delete-form"`):])
	apiPatch(t, ts, tok, c.ID, `{"description":"changed again","reason":"API"}`)
	resp, page = do(t, br, "POST", ts.URL+"/contributions/"+c.ID+"/delete?lang=en",
		url.Values{"csrf": {csrfOf(t, page)}, "base": {base[1]}, "reason": {"gone"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="conflict-note"`) {
		t.Errorf("stale delete: %d", resp.StatusCode)
	}
	if cur, _ := a.Contribution(context.Background(), c.ID, time.Time{}); cur.Deleted {
		t.Error("stale delete recorded")
	}
}
