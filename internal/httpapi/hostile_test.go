package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/storetest"
)

// The hostile-input suite of issue 12: every way a user could get a value
// stored as something other than what they meant, write where they may not,
// or change a record without history, tried through the API on SQLite and
// PostgreSQL. Each refused case checks its status and error and that
// nothing in the store changed.

// hostileServer opens a fresh store at dsn with a viewer, an editor and an
// admin, and serves the API.
func hostileServer(t *testing.T, dsn string) (*httptest.Server, *app.App, map[fairshare.Role]string) {
	t.Helper()
	a, err := app.Open(context.Background(), dsn, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	tokens := map[fairshare.Role]string{}
	for _, r := range []fairshare.Role{fairshare.Viewer, fairshare.Editor, fairshare.Admin} {
		tok, hash, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := app.TestStore(a).AddUser(context.Background(), fairshare.User{Name: "the-" + string(r), Role: r, TokenHash: hash}); err != nil {
			t.Fatal(err)
		}
		tokens[r] = tok
	}
	ts := httptest.NewServer(NewServer(a, Options{}))
	t.Cleanup(ts.Close)
	return ts, a, tokens
}

// fingerprint is everything a refused request must leave as it was: every
// version of every entry, the targets with their versions, the datasets and
// the users' tokens.
func fingerprint(t *testing.T, a *app.App) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	err := app.TestSQLStore(a).AllVersions(ctx, func(c fairshare.Contribution) error {
		fmt.Fprintf(&b, "%s/%d %s %d %s %q %v\n", c.ID, c.Version, c.Dataset, c.Amount, c.Currency, c.Description, c.Deleted)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := app.TestStore(a).Targets(ctx)
	for _, x := range ts {
		h, _ := app.TestStore(a).RefHistory(ctx, "target", x.ID)
		fmt.Fprintf(&b, "target %s %s v%d\n", x.ID, x.Amount.Format(x.Currency), len(h))
	}
	ds, _ := app.TestStore(a).Datasets(ctx)
	for _, d := range ds {
		fmt.Fprintf(&b, "dataset %s %v %v\n", d.ID, d.OpenToEditors, d.Editors)
	}
	us, _ := app.TestStore(a).Users(ctx)
	for _, u := range us {
		fmt.Fprintf(&b, "user %s %v %s\n", u.Name, u.Disabled, u.TokenHash)
	}
	return b.String()
}

const goodRow = `{"donor":"DNK","date":"2024-06-14","amount":"1000","currency":"DKK","category":"in-kind","status":"delivered","source_url":"https://example.org/a"`

func TestHostileInputs(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "fairshare.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) { hostileSuite(t, db.dsn(t)) })
	}
}

func hostileSuite(t *testing.T, dsn string) {
	ts, a, tok := hostileServer(t, dsn)
	ctx := context.Background()
	ed, admin := tok[fairshare.Editor], tok[fairshare.Admin]
	// A shipped entry (Kiel) and a user entry, deleted, to aim at.
	kiel, err := a.ListContributions(ctx, fairshare.ContributionFilter{Dataset: "kiel-r29", Donor: "DNK", Limit: 1})
	if err != nil || len(kiel) == 0 {
		t.Fatal("no kiel-r29 entry", err)
	}
	resp, b := send(t, ts, "POST", "/api/v1/contributions", ed, goodRow+`,"description":"to delete","reason":"setup"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("setup: %d %s", resp.StatusCode, b)
	}
	var mine struct{ ID string }
	json.Unmarshal(b, &mine)
	if resp, b := send(t, ts, "DELETE", "/api/v1/contributions/"+mine.ID+"?reason=setup", ed, ""); resp.StatusCode != 200 {
		t.Fatalf("setup delete: %d %s", resp.StatusCode, b)
	}
	resp, b = send(t, ts, "POST", "/api/v1/contributions", ed, goodRow+`,"description":"live","reason":"setup"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("setup: %d %s", resp.StatusCode, b)
	}
	var live struct{ ID string }
	json.Unmarshal(b, &live)
	target := `{"id":"mine","name":"Mine","amount":"1000000000","currency":"EUR","start":"2024-01-01","end":"2024-12-31"`
	if resp, b := send(t, ts, "POST", "/api/v1/targets", admin, target+`,"reason":"setup"}`); resp.StatusCode != 201 {
		t.Fatalf("setup target: %d %s", resp.StatusCode, b)
	}
	csvHead := "donor;date;amount;currency;category;status;source_url\n"

	tests := []struct {
		name, method, path, token, body string
		hdr                             []string
		status                          int
		want                            string // in the error body
	}{
		// Misreadings
		{"thousands point in CSV", "POST", "/api/v1/contributions/import?reason=r", ed,
			csvHead + "DNK;2024-06-14;1.000;DKK;in-kind;delivered;https://example.org/a\n", []string{"Content-Type", "text/csv"}, 400, `body:2: amount: \"1.000\" is ambiguous`},
		{"thousands comma in CSV", "POST", "/api/v1/contributions/import?reason=r", ed,
			"donor,date,amount,currency,category,status,source_url\nDNK,2024-06-14,\"1,000\",DKK,in-kind,delivered,https://example.org/a\n", []string{"Content-Type", "text/csv"}, 400, "ambiguous"},
		{"thousands in JSON", "POST", "/api/v1/contributions", ed, strings.Replace(goodRow, `"1000"`, `"1.000"`, 1) + `,"reason":"r"}`, nil, 400, "ambiguous"},
		{"thousands in a patch", "PATCH", "/api/v1/contributions/" + live.ID, ed, `{"amount":"2,500","reason":"r"}`, []string{"Content-Type", "application/merge-patch+json"}, 400, "ambiguous"},
		{"unknown decimal style", "POST", "/api/v1/contributions/import?reason=r&decimal=dot", ed,
			csvHead + "DNK;2024-06-14;1.000;DKK;in-kind;delivered;https://example.org/a\n", []string{"Content-Type", "text/csv"}, 400, "decimal"},
		// Bad bytes
		{"NUL in JSON", "POST", "/api/v1/contributions", ed, goodRow + `,"description":"a\u0000b","reason":"r"}`, nil, 400, "NUL"},
		{"NUL in CSV", "POST", "/api/v1/contributions/import?reason=r", ed,
			csvHead[:len(csvHead)-1] + ";description\nDNK;2024-06-14;5;DKK;in-kind;delivered;https://example.org/a;a\x00b\n", []string{"Content-Type", "text/csv"}, 400, "NUL"},
		{"invalid UTF-8 in CSV", "POST", "/api/v1/contributions/import?reason=r", ed,
			csvHead[:len(csvHead)-1] + ";description\nDNK;2024-06-14;5;DKK;in-kind;delivered;https://example.org/a;\xff\xfe\n", []string{"Content-Type", "text/csv"}, 400, "UTF-8"},
		{"NUL in a reason", "POST", "/api/v1/contributions", ed, goodRow + `,"description":"x","reason":"a\u0000"}`, nil, 400, "reason"},
		{"zero-width reason", "POST", "/api/v1/contributions", ed, goodRow + `,"description":"y","reason":"\u200b"}`, nil, 400, "reason"},
		{"zero-width reason to delete", "DELETE", "/api/v1/contributions/" + live.ID + "?reason=%E2%80%8B", ed, "", nil, 400, "reason"},
		{"space in the source host", "POST", "/api/v1/contributions", ed, strings.Replace(goodRow, "https://example.org/a", "https://exa mple.org/x", 1) + `,"reason":"r"}`, nil, 400, "source_url"},
		{"javascript: source", "POST", "/api/v1/contributions", ed, strings.Replace(goodRow, "https://example.org/a", "javascript:alert(1)", 1) + `,"reason":"r"}`, nil, 400, "source_url"},
		{"javascript: target source", "POST", "/api/v1/targets", admin, strings.Replace(target, `"mine"`, `"evil"`, 1) + `,"source":{"url":"javascript:alert(1)"},"reason":"r"}`, nil, 400, "url"},
		{"NUL in a target name", "POST", "/api/v1/targets", admin, strings.Replace(target, `"Mine"`, `"M\u0000"`, 1) + `,"reason":"r"}`, nil, 400, "NUL"},
		// Strict JSON
		{"unknown field in a JSON import", "POST", "/api/v1/contributions/import?reason=r", ed, "[" + goodRow + `,"bogus":1}]`, []string{"Content-Type", "application/json"}, 400, "bogus"},
		{"trailing data after a JSON import", "POST", "/api/v1/contributions/import?reason=r", ed, "[" + goodRow + "}] [1]", []string{"Content-Type", "application/json"}, 400, "after the array"},
		{"trailing data after a JSON body", "POST", "/api/v1/contributions", ed, goodRow + `,"reason":"r"} {}`, nil, 400, ""},
		// Permissions
		{"editor writes EUR 999 bn into kiel-r29", "POST", "/api/v1/contributions", ed, strings.Replace(strings.Replace(goodRow, `"donor"`, `"dataset":"kiel-r29","donor"`, 1), `"1000","currency":"DKK"`, `"999000000000","currency":"EUR"`, 1) + `,"reason":"r"}`, nil, 403, "shipped"},
		{"editor imports into kiel-r29", "POST", "/api/v1/contributions/import?reason=r&dataset=kiel-r29&force_dataset=true", ed,
			csvHead + "DNK;2024-06-14;5;DKK;in-kind;delivered;https://example.org/a\n", []string{"Content-Type", "text/csv"}, 403, "shipped"},
		{"editor creates a dataset by naming it", "POST", "/api/v1/contributions", ed, strings.Replace(goodRow, `"donor"`, `"dataset":"brand-new","donor"`, 1) + `,"reason":"r"}`, nil, 403, "datasets add"},
		{"admin creates a dataset by naming it", "POST", "/api/v1/contributions", admin, strings.Replace(goodRow, `"donor"`, `"dataset":"brand-new","donor"`, 1) + `,"reason":"r"}`, nil, 403, "datasets add"},
		{"editor corrects a Kiel figure", "PATCH", "/api/v1/contributions/" + kiel[0].ID, ed, `{"amount":"1","reason":"r"}`, []string{"Content-Type", "application/merge-patch+json"}, 403, "shipped"},
		{"editor moves an entry into kiel-r29", "PATCH", "/api/v1/contributions/" + live.ID, ed, `{"dataset":"kiel-r29","reason":"r"}`, []string{"Content-Type", "application/merge-patch+json"}, 403, "shipped"},
		{"editor deletes a Kiel figure", "DELETE", "/api/v1/contributions/" + kiel[0].ID + "?reason=r", ed, "", nil, 403, "shipped"},
		{"viewer restores", "POST", "/api/v1/contributions/" + mine.ID + "/restore?reason=r", tok[fairshare.Viewer], "", nil, 403, ""},
		{"editor adds a target", "POST", "/api/v1/targets", ed, strings.Replace(target, `"mine"`, `"other"`, 1) + `,"reason":"r"}`, nil, 403, ""},
		// History
		{"restore of a live entry", "POST", "/api/v1/contributions/" + live.ID + "/restore?reason=r", ed, "", nil, 409, "not deleted"},
		{"restore without a reason", "POST", "/api/v1/contributions/" + mine.ID + "/restore", ed, "", nil, 400, "reason"},
		{"restore of a stale version", "POST", "/api/v1/contributions/" + mine.ID + "/restore?reason=r", ed, "", []string{"If-Match", `"v1"`}, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fingerprint(t, a)
			resp, b := send(t, ts, tt.method, tt.path, tt.token, tt.body, tt.hdr...)
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, b, tt.status, tt.want)
			}
			if after := fingerprint(t, a); after != before {
				t.Fatalf("the store changed:\n%s\nwas\n%s", after, before)
			}
		})
	}

	// What the refused cases do right when stated or allowed.
	t.Run("decimal=comma records one thousand", func(t *testing.T) {
		resp, b := send(t, ts, "POST", "/api/v1/contributions/import?reason=r&decimal=comma", ed,
			csvHead+"DNK;2024-06-14;1.000;DKK;in-kind;delivered;https://example.org/thousand\n", "Content-Type", "text/csv")
		if resp.StatusCode != 201 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		cs, _ := a.ListContributions(ctx, fairshare.ContributionFilter{Dataset: "user"})
		found := false
		for _, c := range cs {
			found = found || c.Source.URL == "https://example.org/thousand" && c.Amount == 100000
		}
		if !found {
			t.Fatal("1.000 with decimal=comma is not 1000.00 DKK")
		}
	})
	t.Run("restore brings a deleted entry back with a reason", func(t *testing.T) {
		resp, b := send(t, ts, "POST", "/api/v1/contributions/"+mine.ID+"/restore", ed, `{"reason":"deleted by mistake"}`)
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"version": 3`) {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		_, h := get(t, ts, "GET", "/api/v1/contributions/"+mine.ID+"/history?format=csv")
		if !strings.Contains(string(h), ",version,recorded_at,deleted,author,reason") || !strings.Contains(string(h), ",true,the-editor,setup") ||
			!strings.Contains(string(h), ",false,the-editor,deleted by mistake") {
			t.Fatalf("history CSV:\n%s", h)
		}
	})
	t.Run("targets are versioned", func(t *testing.T) {
		between := time.Now().UTC()
		time.Sleep(5 * time.Millisecond)
		if resp, b := send(t, ts, "POST", "/api/v1/targets", admin, strings.Replace(target, `"1000000000"`, `"5"`, 1)+`,"reason":"typo"}`); resp.StatusCode != 201 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		_, now := get(t, ts, "GET", "/api/v1/reports/mine")
		_, then := get(t, ts, "GET", "/api/v1/reports/mine?as_of="+between.Format(time.RFC3339Nano))
		if !strings.Contains(string(now), `"amount": "5.00"`) || !strings.Contains(string(then), `"amount": "1000000000.00"`) {
			t.Fatalf("now:\n%.300s\nthen:\n%.300s", now, then)
		}
		h, _ := app.TestStore(a).RefHistory(ctx, "target", "mine")
		if len(h) != 2 || h[1].Author != "the-admin" || h[1].Reason != "typo" {
			t.Fatalf("history %+v", h)
		}
	})
	t.Run("bearer in lower case", func(t *testing.T) {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/contributions", strings.NewReader(goodRow+`,"description":"lower","reason":"r"}`))
		req.Header.Set("Authorization", "bearer "+ed)
		resp, err := ts.Client().Do(req)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("%v %v", resp.Status, err)
		}
		resp.Body.Close()
	})
	t.Run("a stale session cookie reads as anonymous", func(t *testing.T) {
		resp, _ := get(t, ts, "GET", "/api/v1/reports/nato-2024", "Cookie", "fairshare_session=stale")
		if resp.StatusCode != 200 {
			t.Fatalf("public read with a stale cookie: %d", resp.StatusCode)
		}
	})
	t.Run("disabling ends a token for good", func(t *testing.T) {
		u, _ := app.TestStore(a).User(ctx, "the-editor")
		u.Disabled = true
		if err := app.TestStore(a).UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		u.Disabled = false
		if err := app.TestStore(a).UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		before := fingerprint(t, a)
		resp, _ := send(t, ts, "POST", "/api/v1/contributions", ed, goodRow+`,"description":"revived","reason":"r"}`)
		if resp.StatusCode != 401 || fingerprint(t, a) != before {
			t.Fatalf("old token after disable and enable: %d", resp.StatusCode)
		}
	})
}
