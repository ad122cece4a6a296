package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/storetest"
)

// storeServer serves the API on a real loopback server from a fresh
// database (a SQLite file, or a PostgreSQL schema) with an editor.
func storeServer(t *testing.T, dsn string) (*httptest.Server, *app.App, string) {
	t.Helper()
	a, err := app.Open(context.Background(), dsn, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.TestStore(a).AddUser(context.Background(), fairshare.User{Name: "ed", Role: fairshare.Editor, TokenHash: hash}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(NewServer(a, Options{}))
	t.Cleanup(ts.Close)
	return ts, a, tok
}

// TestConcurrentChanges sends 100 pairs of simultaneous changes to one
// contribution, one to its amount (PUT) and one to its description
// (PATCH), on both stores: every change acknowledged with 2xx must be in
// the version after the pair, and with If-Match the only other answer is
// 409 carrying the newest version. Before edits were patches applied in
// the store's transaction, about half the pairs lost a change.
func TestConcurrentChanges(t *testing.T) {
	stores := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "fairshare.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ts, a, tok := storeServer(t, st.dsn(t))
			resp, b := send(t, ts, "POST", "/api/v1/contributions", tok, newContribution+`,"reason":"concurrency test"}`)
			if resp.StatusCode != 201 {
				t.Fatalf("add: %d %s", resp.StatusCode, b)
			}
			var c ledgerio.JSONContribution
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			path := "/api/v1/contributions/" + c.ID
			for _, ifMatch := range []bool{false, true} {
				t.Run(fmt.Sprint("if-match=", ifMatch), func(t *testing.T) {
					acked, refused := 0, 0
					for i := range 100 {
						var hdr []string
						if ifMatch {
							resp, _ := send(t, ts, "GET", path, "", "")
							hdr = []string{"If-Match", resp.Header.Get("ETag")}
						}
						amount := fmt.Sprintf("%d", 200000000+i)
						desc := fmt.Sprintf("pair %d (if-match %v)", i, ifMatch)
						type answer struct {
							status int
							body   []byte
						}
						var am, de answer
						var wg sync.WaitGroup
						wg.Go(func() {
							r, b := sendBody(t, ts, "PUT", path, tok, "application/json", `{"amount":"`+amount+`","reason":"amount"}`, hdr...)
							am = answer{r.StatusCode, b}
						})
						wg.Go(func() {
							r, b := sendBody(t, ts, "PATCH", path, tok, "application/merge-patch+json", `{"description":"`+desc+`","reason":"description"}`, hdr...)
							de = answer{r.StatusCode, b}
						})
						wg.Wait()
						cur, err := a.Contribution(context.Background(), c.ID, time.Time{})
						if err != nil {
							t.Fatal(err)
						}
						for _, x := range []struct {
							what   string
							ans    answer
							landed bool
						}{{"amount", am, cur.Amount.Format(cur.Currency) == amount+".00"}, {"description", de, cur.Description == desc}} {
							switch {
							case x.ans.status == 200 && x.landed:
								acked++
							case x.ans.status == 200:
								t.Fatalf("pair %d: the %s change was acknowledged and lost: now %s / %q", i, x.what, cur.Amount.Format(cur.Currency), cur.Description)
							case x.ans.status == 409 && ifMatch:
								refused++
								var e httpx.ErrorBody
								if err := json.Unmarshal(x.ans.body, &e); err != nil || e.Error.Code != fairshare.ECONFLICT || e.Error.Current == nil {
									t.Fatalf("pair %d: 409 without the current version: %s", i, x.ans.body)
								}
							default:
								t.Fatalf("pair %d: %s change answered %d: %s", i, x.what, x.ans.status, x.ans.body)
							}
						}
					}
					t.Logf("%d changes acknowledged, %d refused with 409", acked, refused)
					if ifMatch && acked < 100 {
						t.Errorf("only %d changes went through of 200 with If-Match; at least one of each pair should", acked)
					}
				})
			}
			hs, err := a.ContributionHistory(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(hs); i++ {
				if hs[i].Version != i+1 || !hs[i].RecordedAt.After(hs[i-1].RecordedAt) {
					t.Fatalf("history out of order at %d", i)
				}
			}
		})
	}
}

// sendBody is send with a Content-Type of choice.
func sendBody(t *testing.T, ts *httptest.Server, method, path, token, ctype, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return send(t, ts, method, path, token, body, append([]string{"Content-Type", ctype}, hdr...)...)
}

func TestIfMatchAndPatch(t *testing.T) {
	ts, _, tok := writeServer(t, Options{})
	editor := tok[fairshare.Editor]
	resp, b := send(t, ts, "POST", "/api/v1/contributions", editor, newContribution+`,"reason":"test"}`)
	if resp.StatusCode != 201 || resp.Header.Get("ETag") != `"v1"` {
		t.Fatalf("add: %d %s, ETag %q", resp.StatusCode, b, resp.Header.Get("ETag"))
	}
	var c ledgerio.JSONContribution
	json.Unmarshal(b, &c)
	path := "/api/v1/contributions/" + c.ID
	resp, _ = send(t, ts, "GET", path, "", "")
	if resp.Header.Get("ETag") != `"v1"` {
		t.Fatalf("GET ETag %q", resp.Header.Get("ETag"))
	}
	if resp, _ := send(t, ts, "GET", path, "", "", "If-None-Match", `"v1"`); resp.StatusCode != 304 {
		t.Errorf("If-None-Match of the current version: %d", resp.StatusCode)
	}
	for _, tt := range []struct {
		name, method, body string
		hdr                []string
		status             int
		check              func(j ledgerio.JSONContribution) bool
	}{
		{"patch with current If-Match", "PATCH", `{"description":"first","reason":"r"}`, []string{"If-Match", `"v1"`}, 200,
			func(j ledgerio.JSONContribution) bool {
				return j.Version == 2 && j.Description == "first" && j.Amount == "125000000.00"
			}},
		{"stale If-Match", "PUT", `{"amount":"1","reason":"r"}`, []string{"If-Match", `"v1"`}, 409, nil},
		{"weak If-Match", "PATCH", `{"amount":"1","reason":"r"}`, []string{"If-Match", `W/"v2"`}, 400, nil},
		{"garbage If-Match", "PATCH", `{"amount":"1","reason":"r"}`, []string{"If-Match", `"abc"`}, 400, nil},
		{"null clears an optional field", "PATCH", `{"description":null,"reason":"r"}`, []string{"If-Match", `"v2"`}, 200,
			func(j ledgerio.JSONContribution) bool { return j.Version == 3 && j.Description == "" }},
		{"null refused on a required field", "PATCH", `{"source_url":null,"reason":"r"}`, nil, 400, nil},
		{"unknown field", "PATCH", `{"colour":"red","reason":"r"}`, nil, 400, nil},
		{"not a string", "PATCH", `{"amount":5,"reason":"r"}`, nil, 400, nil},
		{"no reason", "PATCH", `{"amount":"5"}`, nil, 400, nil},
		{"nothing to change", "PATCH", `{"reason":"r"}`, nil, 400, nil},
		{"wrong content type", "PATCH", `{"amount":"5","reason":"r"}`, []string{"Content-Type", "text/plain"}, 400, nil},
		{"no If-Match applies to the newest", "PUT", `{"amount":"7","reason":"r"}`, nil, 200,
			func(j ledgerio.JSONContribution) bool { return j.Version == 4 && j.Amount == "7.00" }},
		{"stale delete", "DELETE", `{"reason":"r"}`, []string{"If-Match", `"v3"`}, 409, nil},
		{"delete", "DELETE", `{"reason":"r"}`, []string{"If-Match", `"v4"`}, 200,
			func(j ledgerio.JSONContribution) bool { return j.Version == 5 && j.Deleted }},
		{"edit a deleted entry", "PATCH", `{"amount":"5","reason":"r"}`, nil, 409, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hdr := append([]string{"Content-Type", "application/merge-patch+json"}, tt.hdr...)
			resp, b := send(t, ts, tt.method, path, editor, tt.body, hdr...)
			if resp.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 409 && strings.Contains(tt.name, "stale") {
				var e httpx.ErrorBody
				if err := json.Unmarshal(b, &e); err != nil || e.Error.Current == nil || resp.Header.Get("ETag") == "" {
					t.Errorf("409 without the current version: %s", b)
				}
			}
			if tt.check != nil {
				var j ledgerio.JSONContribution
				if err := json.Unmarshal(b, &j); err != nil || !tt.check(j) || resp.Header.Get("ETag") != fmt.Sprintf(`"v%d"`, j.Version) {
					t.Errorf("answer %s, ETag %q", b, resp.Header.Get("ETag"))
				}
			}
		})
	}
}
