package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// writeServer serves the API from a fresh SQLite file with a viewer, an
// editor and an admin, and returns their tokens.
func writeServer(t *testing.T, opts Options) (*httptest.Server, *app.App, map[fairshare.Role]string) {
	t.Helper()
	a, err := app.Open(context.Background(), filepath.Join(t.TempDir(), "fairshare.db"), app.Options{})
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
	ts := httptest.NewServer(NewServer(a, opts))
	t.Cleanup(ts.Close)
	return ts, a, tokens
}

func send(t *testing.T, ts *httptest.Server, method, path, token, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

const newContribution = `{"donor":"DNK","date":"2024-03-01","amount":"125000000","currency":"DKK","category":"in-kind",
	"status":"delivered","source_url":"https://example.org/fmn","description":"API test entry"`

func versionCount(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := app.TestSQLStore(a).DB().QueryRow(`SELECT COUNT(*) FROM contribution_versions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWriteAccess(t *testing.T) {
	ts, a, tok := writeServer(t, Options{})
	body := newContribution + `,"reason":"recorded per MoD statement of 1 March"}`
	before := versionCount(t, a)
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code, field                     string
	}{
		{"anonymous", "POST", "/api/v1/contributions", "", body, 401, "unauthorized", ""},
		{"bad token", "POST", "/api/v1/contributions", "fs_not-a-token", body, 401, "unauthorized", ""},
		{"not bearer", "POST", "/api/v1/contributions", "", body, 401, "unauthorized", ""},
		{"viewer", "POST", "/api/v1/contributions", tok[fairshare.Viewer], body, 403, "forbidden", ""},
		{"missing reason", "POST", "/api/v1/contributions", tok[fairshare.Editor], newContribution + "}", 400, "invalid", "reason"},
		{"blank reason", "POST", "/api/v1/contributions", tok[fairshare.Editor], newContribution + `,"reason":"   "}`, 400, "invalid", "reason"},
		{"unknown field", "POST", "/api/v1/contributions", tok[fairshare.Editor], newContribution + `,"reason":"x","colour":"red"}`, 400, "invalid", "colour"},
		{"author set", "POST", "/api/v1/contributions", tok[fairshare.Editor], newContribution + `,"reason":"x","author":"someone-else"}`, 400, "invalid", "author"},
		{"wrong type", "POST", "/api/v1/contributions", tok[fairshare.Editor], newContribution + `,"reason":7}`, 400, "invalid", "reason"},
		{"malformed", "POST", "/api/v1/contributions", tok[fairshare.Editor], `{"donor":`, 400, "invalid", ""},
		{"two values", "POST", "/api/v1/contributions", tok[fairshare.Editor], body + body, 400, "invalid", ""},
		{"oversized", "POST", "/api/v1/contributions", tok[fairshare.Editor], `{"description":"` + strings.Repeat("x", MaxJSONBody) + `"}`, 413, ETOOLARGE, ""},
		{"oversized import", "POST", "/api/v1/contributions/import?reason=x", tok[fairshare.Editor], "[" + strings.Repeat(" ", MaxImportBody) + "]", 413, ETOOLARGE, ""},
		{"editor adds a target", "POST", "/api/v1/targets", tok[fairshare.Editor], `{"id":"t","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1000","reason":"x"}`, 403, "forbidden", ""},
		{"viewer reads audit", "GET", "/api/v1/audit", tok[fairshare.Viewer], "", 403, "forbidden", ""},
		{"delete without reason", "DELETE", "/api/v1/contributions/x", tok[fairshare.Editor], "", 400, "invalid", "reason"},
		{"import without reason", "POST", "/api/v1/contributions/import", tok[fairshare.Editor], "[]", 400, "invalid", "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			var hdr []string
			if tt.name == "not bearer" {
				hdr = []string{"Authorization", "Basic dXNlcjpwdw=="}
			}
			resp, b := send(t, ts, tt.method, tt.path, token, tt.body, hdr...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			var e httpx.ErrorBody
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatalf("not a JSON error: %s", b)
			}
			if e.Error.Code != tt.code || e.Error.Field != tt.field {
				t.Errorf("error %+v, want code %s field %q", e.Error, tt.code, tt.field)
			}
			if tt.status == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	if n := versionCount(t, a); n != before {
		t.Fatalf("refused writes changed the ledger: %d versions, had %d", n, before)
	}

	// The editor's write succeeds and is audited with name and reason.
	resp, b := send(t, ts, "POST", "/api/v1/contributions", tok[fairshare.Editor], body)
	if resp.StatusCode != 201 {
		t.Fatalf("editor POST: %d %s", resp.StatusCode, b)
	}
	var c ledgerio.JSONContribution
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" || c.Version != 1 || c.Author != "the-editor" {
		t.Fatalf("created %+v (%v)", c, err)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/v1/contributions/"+c.ID {
		t.Errorf("Location %q", loc)
	}
	resp, _ = send(t, ts, "POST", "/api/v1/contributions", tok[fairshare.Editor], body)
	if resp.StatusCode != 409 {
		t.Errorf("same entry again: %d, want 409", resp.StatusCode)
	}

	// Correct it: the fields given replace, the rest stay.
	resp, b = send(t, ts, "PUT", "/api/v1/contributions/"+c.ID, tok[fairshare.Editor], `{"amount":"150000000","reason":"corrected per MoD statement of 3 March"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, b)
	}
	var c2 ledgerio.JSONContribution
	json.Unmarshal(b, &c2)
	if c2.Version != 2 || c2.Amount != "150000000.00" || c2.Description != "API test entry" {
		t.Errorf("corrected %+v", c2)
	}
	for _, bad := range []struct{ body, field string }{
		{`{"amount":"-5","reason":"x"}`, "amount"},
		{`{"amount":"NaN","reason":"x"}`, "amount"},
		{`{"amount":"1e400","reason":"x"}`, "amount"},
		{`{"amount":"99999999999999999999999999","reason":"x"}`, "amount"},
		{`{"date":"2024-02-30","reason":"x"}`, "date"},
		{`{"donor":"'; DROP TABLE contribution_versions; --","reason":"x"}`, "donor"},
		{`{"source_url":"javascript:alert(1)","reason":"x"}`, "source_url"},
		{`{"description":"` + strings.Repeat("é", 3000) + `","reason":"x"}`, "description"},
		{`{"id":"other","reason":"x"}`, "id"},
		{`{"reason":"nothing else"}`, ""},
	} {
		resp, b := send(t, ts, "PUT", "/api/v1/contributions/"+c.ID, tok[fairshare.Editor], bad.body)
		var e httpx.ErrorBody
		json.Unmarshal(b, &e)
		if resp.StatusCode != 400 || e.Error.Field != bad.field {
			t.Errorf("PUT %.60s: %d %s, want 400 on %q", bad.body, resp.StatusCode, b, bad.field)
		}
	}
	resp, b = send(t, ts, "DELETE", "/api/v1/contributions/"+c.ID+"?reason=duplicate+of+the+Kiel+entry", tok[fairshare.Editor], "")
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"deleted": true`) {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, b)
	}
	resp, _ = send(t, ts, "GET", "/api/v1/contributions/"+c.ID, "", "")
	if resp.StatusCode != 404 {
		t.Errorf("deleted entry still current: %d", resp.StatusCode)
	}

	// The history keeps every version with who and why.
	resp, b = send(t, ts, "GET", "/api/v1/contributions/"+c.ID+"/history", "", "")
	var hs []ledgerio.JSONContribution
	if err := json.Unmarshal(b, &hs); err != nil || resp.StatusCode != 200 || len(hs) != 3 {
		t.Fatalf("history %d: %s", resp.StatusCode, b)
	}
	for i, want := range []string{"recorded per MoD statement of 1 March", "corrected per MoD statement of 3 March", "duplicate of the Kiel entry"} {
		if hs[i].Author != "the-editor" || hs[i].Reason != want || hs[i].Version != i+1 {
			t.Errorf("version %d: %+v", i+1, hs[i])
		}
	}

	// The audit names the editor and the reason.
	resp, b = send(t, ts, "GET", "/api/v1/audit?user=the-editor&since="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), tok[fairshare.Editor], "")
	var es []fairshare.AuditEntry
	if err := json.Unmarshal(b, &es); err != nil || resp.StatusCode != 200 {
		t.Fatalf("audit %d: %s", resp.StatusCode, b)
	}
	actions := map[string]string{}
	for _, e := range es {
		if e.User != "the-editor" || e.Subject != c.ID {
			t.Errorf("audit entry %+v", e)
		}
		actions[e.Action] = e.Reason
	}
	if actions["contribution.add"] != "recorded per MoD statement of 1 March" || actions["contribution.edit"] != "corrected per MoD statement of 3 March" ||
		actions["contribution.delete"] != "duplicate of the Kiel entry" {
		t.Errorf("audit actions %v", actions)
	}
	resp, b = send(t, ts, "GET", "/api/v1/audit?since=tomorrow", tok[fairshare.Admin], "")
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"since"`) {
		t.Errorf("bad since: %d %s", resp.StatusCode, b)
	}

	// The admin adds a target; it is audited.
	resp, b = send(t, ts, "POST", "/api/v1/targets", tok[fairshare.Admin], `{"id":"nordic-2025","name":"Nordic pledge","start":"2025-01-01","end":"2025-12-31","amount":"1000000000","participants":["DNK","NOR","SWE","FIN","ISL"],"reason":"agreed in Oslo"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("admin POST target: %d %s", resp.StatusCode, b)
	}
	resp, _ = send(t, ts, "GET", "/api/v1/reports/nordic-2025", "", "")
	if resp.StatusCode != 200 {
		t.Errorf("report of the new target: %d", resp.StatusCode)
	}
	resp, b = send(t, ts, "GET", "/api/v1/audit?user=the-admin", tok[fairshare.Admin], "")
	if !strings.Contains(string(b), `"target.add"`) || !strings.Contains(string(b), "agreed in Oslo") {
		t.Errorf("target not audited: %d %s", resp.StatusCode, b)
	}
	for _, bad := range []string{
		`{"id":"x y","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1","reason":"r"}`,
		`{"id":"nato-2024","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1","reason":"r"}`,
		`{"id":"t2","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1","participants":["XXX"],"reason":"r"}`,
		`{"id":"t3","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1","built_in":true,"reason":"r"}`,
		`{"id":"t4","name":"T","start":"2025-01-01","end":"2025-12-31","amount":"1"}`,
	} {
		if resp, b := send(t, ts, "POST", "/api/v1/targets", tok[fairshare.Admin], bad); resp.StatusCode/100 != 4 {
			t.Errorf("target %s: %d %s", bad, resp.StatusCode, b)
		}
	}
}

func TestImportAPI(t *testing.T) {
	ts, a, tok := writeServer(t, Options{})
	csv := "donor,date,amount,currency,category,status,source_url,description\n" +
		"NOR,2024-05-01,1000,NOK,training,delivered,https://example.org/a,first\n" +
		"SWE,2024-05-02,2000,SEK,in-kind,committed,https://example.org/b,\"=HYPERLINK(\"\"http://evil\"\")\"\n"
	// Naming a dataset does not create it: an admin does, and opens it.
	resp, b := send(t, ts, "POST", "/api/v1/contributions/import?reason=batch+from+MoD&dataset=mod-2024", tok[fairshare.Editor], csv, "Content-Type", "text/csv")
	if resp.StatusCode != 403 {
		t.Fatalf("import into a dataset nobody created: %d %s", resp.StatusCode, b)
	}
	if err := a.AddDataset(context.Background(), fairshare.Dataset{ID: "mod-2024", Name: "MoD figures", OpenToEditors: true},
		fairshare.Change{Author: "admin", Reason: "open to editors"}); err != nil {
		t.Fatal(err)
	}
	resp, b = send(t, ts, "POST", "/api/v1/contributions/import?reason=batch+from+MoD&dataset=mod-2024", tok[fairshare.Editor], csv, "Content-Type", "text/csv")
	if resp.StatusCode != 201 || !strings.Contains(string(b), `"added": 2`) {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}
	resp, b = send(t, ts, "POST", "/api/v1/contributions/import?reason=again&dataset=mod-2024", tok[fairshare.Editor], csv, "Content-Type", "text/csv")
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"skipped": 2`) {
		t.Errorf("import again: %d %s", resp.StatusCode, b)
	}
	// A bad row refuses the whole file.
	before := versionCount(t, a)
	bad := csv + "DNK,2024-05-03,-1,DKK,in-kind,delivered,https://example.org/c,bad\n"
	bad = strings.Replace(bad, "first", "first changed", 1)
	resp, b = send(t, ts, "POST", "/api/v1/contributions/import?reason=x", tok[fairshare.Editor], bad, "Content-Type", "text/csv")
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"field":"amount"`) {
		t.Errorf("bad import: %d %s", resp.StatusCode, b)
	}
	resp, _ = send(t, ts, "POST", "/api/v1/contributions/import?reason=x", tok[fairshare.Editor], `[{"donor":"NOR"}]`)
	if resp.StatusCode != 400 {
		t.Errorf("bad JSON import: %d", resp.StatusCode)
	}
	if n := versionCount(t, a); n != before {
		t.Errorf("refused import changed the ledger")
	}
	// Exports defuse the formula.
	_, b = send(t, ts, "GET", "/api/v1/contributions?dataset=mod-2024&format=csv", "", "")
	if strings.Contains(string(b), ",=HYPERLINK") || strings.Contains(string(b), "\"=HYPERLINK") {
		t.Errorf("formula reaches the CSV export:\n%s", b)
	}
}

func TestNoAnonymous(t *testing.T) {
	ts, _, tok := writeServer(t, Options{NoAnonymous: true})
	resp, b := send(t, ts, "GET", "/api/v1/targets", "", "")
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("anonymous read: %d %s", resp.StatusCode, b)
	}
	if resp, b := send(t, ts, "GET", "/api/v1/targets", tok[fairshare.Viewer], ""); resp.StatusCode != 200 {
		t.Errorf("viewer read: %d %s", resp.StatusCode, b)
	}
	if resp, _ := send(t, ts, "GET", "/api/v1/targets", "fs_wrong", ""); resp.StatusCode != 401 {
		t.Errorf("bad token read: %d", resp.StatusCode)
	}
	// Open server: anonymous reads work, a session cookie alone cannot write.
	ts2, a2, _ := writeServer(t, Options{})
	if resp, _ := send(t, ts2, "GET", "/api/v1/targets", "", ""); resp.StatusCode != 200 {
		t.Errorf("anonymous read on an open server: %d", resp.StatusCode)
	}
	sid := "session-id-for-the-test-0123456789"
	if err := app.TestStore(a2).AddSession(context.Background(), auth.HashToken(sid), "the-editor", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	resp, b = send(t, ts2, "POST", "/api/v1/contributions", "", newContribution+`,"reason":"x"}`, "Cookie", "fairshare_session="+sid)
	if resp.StatusCode != 401 {
		t.Errorf("cookie-only write: %d %s", resp.StatusCode, b)
	}
	if resp, b := send(t, ts2, "GET", "/api/v1/audit", "", "", "Cookie", "fairshare_session="+sid); resp.StatusCode != 200 {
		t.Errorf("editor session reads the audit: %d %s", resp.StatusCode, b)
	}
}
