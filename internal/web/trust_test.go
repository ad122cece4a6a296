package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
)

// TestLeftOutWarning: the overview counts the shipped dataset alone and
// warns, in both languages, naming the dataset it leaves out; the chart's
// source line names every dataset a chosen selection counts.
func TestLeftOutWarning(t *testing.T) {
	ts, a := newAuthServer(t, Options{}, false)
	c := client(t, ts)
	_, page := do(t, c, "GET", ts.URL+"/targets/nato-2024?lang=en", nil)
	if strings.Contains(page, `class="warning"`) {
		t.Fatal("a warning before anything was left out")
	}
	userEntry(t, a)
	for lang, want := range map[string]string{"en": "Not counted: user holds entries", "da": "Ikke medregnet: user har poster"} {
		_, page := do(t, c, "GET", ts.URL+"/targets/nato-2024?lang="+lang, nil)
		if !strings.Contains(page, `class="warning"`) || !strings.Contains(page, want) {
			t.Errorf("%s: no warning naming user", lang)
		}
	}
	_, svg := do(t, c, "GET", ts.URL+"/charts/nato-2024.svg?dataset=user,kiel-r29", nil)
	if !strings.Contains(svg, "user, ") || !strings.Contains(svg, "(kiel-r29)") {
		t.Errorf("chart source line does not name both datasets counted")
	}
}

// TestFormAmountStyleAndRestore: a form reads amounts in its page's
// language ("1.000" is a thousand on a Danish page, one on an English
// one), and a deleted entry is restored from its page with a reason.
func TestFormAmountStyleAndRestore(t *testing.T) {
	ts, a := newAuthServer(t, Options{}, false)
	c := client(t, ts)
	login(t, c, ts, "erika", testPassword)
	for lang, want := range map[string]fairshare.Amount{"da": 100000, "en": 100} {
		_, page := do(t, c, "GET", ts.URL+"/contributions/new?lang="+lang, nil)
		form := url.Values{"csrf": {csrfOf(t, page)}, "donor": {"DNK"}, "date": {"2024-06-14"}, "amount": {"1.000"}, "currency": {"DKK"},
			"category": {"in-kind"}, "status": {"delivered"}, "dataset": {"user"}, "description": {"form " + lang},
			"source_url": {"https://example.org/form-" + lang}, "reason": {"typed in the form"}}
		resp, _ := do(t, c, "POST", ts.URL+"/contributions?lang="+lang, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: add: %d", lang, resp.StatusCode)
		}
		cs, _ := a.ListContributions(context.Background(), fairshare.ContributionFilter{Dataset: "user"})
		found := false
		for _, x := range cs {
			found = found || x.Description == "form "+lang && x.Amount == want
		}
		if !found {
			t.Errorf("%s: 1.000 not read as %d minor units", lang, want)
		}
	}
	e := userEntry(t, a)
	if _, err := a.RemoveContribution(context.Background(), e.ID, 0, fairshare.Change{Author: "erika", Reason: "mistake"}); err != nil {
		t.Fatal(err)
	}
	pageURL := ts.URL + "/contributions/" + e.ID + "?lang=da"
	_, page := do(t, c, "GET", pageURL, nil)
	if !strings.Contains(page, `id="restore-form"`) || !strings.Contains(page, "Gendan") {
		t.Fatal("a deleted entry's page has no restore form")
	}
	form := url.Values{"csrf": {csrfOf(t, page)}, "base": {"2"}, "reason": {"\u200b"}}
	if resp, _ := do(t, c, "POST", ts.URL+"/contributions/"+e.ID+"/restore?lang=da", form); resp.StatusCode != 400 {
		t.Fatalf("restore with an invisible reason: %d", resp.StatusCode)
	}
	form.Set("reason", "slettet ved en fejl")
	if resp, _ := do(t, c, "POST", ts.URL+"/contributions/"+e.ID+"/restore?lang=da", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", resp.StatusCode)
	}
	got, err := a.Contribution(context.Background(), e.ID, time.Time{})
	if err != nil || got.Deleted || got.Version != 3 || got.Reason != "slettet ved en fejl" || got.Author != "erika" {
		t.Fatalf("after restore: %+v %v", got, err)
	}
}
