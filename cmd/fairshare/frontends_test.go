package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// serveDB serves db (the API and the dashboard, as 'fairshare serve' does)
// on a loopback port.
func serveDB(t *testing.T, db string) (*app.App, *httptest.Server) {
	t.Helper()
	a, err := app.Open(context.Background(), db, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newHandler(a, nil, serveOptions{}))
	t.Cleanup(func() { ts.Close(); a.Close() })
	return a, ts
}

func httpGet(t *testing.T, ts *httptest.Server, path string) string {
	t.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
	}
	return string(b)
}

// TestFrontEndsAgree asks the CLI, the API and the dashboard the same two
// questions, the policies in force on a date and a comparison of two
// datasets, and wants the same answers: each front end only translates
// one App method.
func TestFrontEndsAgree(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	mustFS(t, db, "targets", "list") // creates the database
	_, ts := serveDB(t, db)

	for _, day := range []string{"2024-01-01", "2024-06-15", "2025-06-01"} {
		var cli []map[string]string
		if err := json.Unmarshal([]byte(mustFS(t, db, "policies", "list", "--as-of", day, "--format", "json")), &cli); err != nil {
			t.Fatal(err)
		}
		var api []app.PolicyState
		if err := json.Unmarshal([]byte(httpGet(t, ts, "/api/v1/policies?as_of="+day)), &api); err != nil {
			t.Fatal(err)
		}
		page := httpGet(t, ts, "/policies?as_of="+day)
		rows := regexp.MustCompile(`<tr data-donor="([A-Z]{3})" data-status="([a-z]+)">`).FindAllStringSubmatch(page, -1)
		if len(cli) == 0 || len(cli) != len(api) || len(cli) != len(rows) {
			t.Fatalf("%s: %d donors in the CLI, %d in the API, %d on the page", day, len(cli), len(api), len(rows))
		}
		for i := range cli {
			c, a, p := cli[i], api[i], rows[i]
			if c["donor"] != a.Donor || c["donor"] != p[1] || c["status"] != a.Status || c["status"] != p[2] ||
				c["since"] != a.Since || c["scope"] != a.Scope && !strings.HasSuffix(c["scope"], "…") {
				t.Errorf("%s: CLI %v, API %+v, page %v", day, c, a, p[1:])
			}
		}
	}

	const asOf = "2026-11-01T00:00:00Z"
	var cli app.Comparison
	if err := json.Unmarshal([]byte(mustFS(t, db, "compare", "nato-2024", "--datasets", "kiel-r29,dk-mod", "--as-of", asOf, "--format", "json")), &cli); err != nil {
		t.Fatal(err)
	}
	var api app.Comparison
	if err := json.Unmarshal([]byte(httpGet(t, ts, "/api/v1/compare/nato-2024?datasets=kiel-r29,dk-mod&as_of="+asOf)), &api); err != nil {
		t.Fatal(err)
	}
	page := httpGet(t, ts, "/compare/nato-2024?a=kiel-r29&b=dk-mod&as_of="+asOf)
	re := regexp.MustCompile(`<tr data-donor="([A-Z]{3})" data-a="([0-9.-]*)" data-b="([0-9.-]*)" data-counts-a="([^"]*)" data-counts-b="([^"]*)">`)
	rows := re.FindAllStringSubmatch(page, -1)
	if len(cli.Rows) == 0 || len(cli.Rows) != len(api.Rows) || len(cli.Rows) != len(rows) {
		t.Fatalf("compare: %d rows in the CLI, %d in the API, %d on the page", len(cli.Rows), len(api.Rows), len(rows))
	}
	shown := func(v string, has bool) string {
		if !has {
			return "" // the page says "not covered"
		}
		return v
	}
	for i, c := range cli.Rows {
		a, p := api.Rows[i], rows[i]
		if c.Donor != a.Donor || c.A != a.A || c.B != a.B || c.In != a.In || c.Note != a.Note ||
			strings.Join(c.StatusesA, ",") != strings.Join(a.StatusesA, ",") || strings.Join(c.StatusesB, ",") != strings.Join(a.StatusesB, ",") {
			t.Errorf("compare %s: CLI %+v, API %+v", c.Donor, c, a)
		}
		if p[1] != c.Donor || p[2] != shown(c.A, c.HasA) || p[3] != shown(c.B, c.HasB) ||
			p[4] != app.StatusesText(c.StatusesA) && c.HasA || p[5] != app.StatusesText(c.StatusesB) && c.HasB {
			t.Errorf("compare %s: CLI %+v, page %v", c.Donor, c, p[1:])
		}
	}
	// Denmark: Kiel counts deliveries, dk-mod commitments; every front end
	// says so beside the ratio.
	for _, r := range cli.Rows {
		if r.Donor != "DNK" {
			continue
		}
		if !slices.Contains(r.StatusesA, string(fairshare.Delivered)) || r.Note == "" || !strings.Contains(r.Note, "dk-mod counts") {
			t.Errorf("DNK: %+v", r)
		}
	}
	if !strings.Contains(page, `id="compare-notes"`) {
		t.Error("the compare page does not say that Denmark's two sides count different statuses")
	}
	text := mustFS(t, db, "compare", "nato-2024", "--datasets", "kiel-r29,dk-mod", "--as-of", asOf)
	if !strings.Contains(text, "Note, DNK: not like for like: kiel-r29 counts delivered") {
		t.Errorf("compare text lacks Denmark's note:\n%s", text)
	}
}

// TestTargetsAudited adds a target through the CLI and one through the API:
// both are in 'fairshare audit' with who and why.
func TestTargetsAudited(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	mustFS(t, db, "targets", "list")
	file := filepath.Join(dir, "t.json")
	writeFile(t, file, `{"id": "cli-target", "name": "Target from the CLI", "amount": "1000000", "start": "2025-01-01", "end": "2025-12-31"}`)
	mustFS(t, db, "targets", "add", file, "--reason", "testing the CLI")
	token := lastLine(mustFS(t, db, "users", "add", "ada", "--role", "admin", "--reason", "test admin"))

	_, ts := serveDB(t, db)
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/targets", strings.NewReader(
		`{"id": "api-target", "name": "Target from the API", "amount": "2000000", "start": "2025-01-01", "end": "2025-12-31", "reason": "testing the API"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/targets: %d %s", resp.StatusCode, b)
	}

	var es []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "audit", "--format", "json")), &es); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"cli-target": {"tester", "testing the CLI"}, "api-target": {"ada", "testing the API"}}
	for _, e := range es {
		if w, ok := want[e["subject"]]; ok && e["action"] == "target.add" && e["user"] == w[0] && e["reason"] == w[1] {
			delete(want, e["subject"])
		}
	}
	if len(want) > 0 {
		t.Errorf("not audited with author and reason: %v\n%v", want, es)
	}
	// A refused target leaves no audit entry either.
	writeFile(t, file, `{"id": "nato-2024", "name": "built in", "amount": "1", "start": "2025-01-01", "end": "2025-12-31"}`)
	if r := fs(t, db, "targets", "add", file, "--reason", "should fail"); r.code != 1 {
		t.Fatalf("replacing a built-in target: exit %d %s", r.code, r.stderr)
	}
	if out := mustFS(t, db, "audit"); strings.Contains(out, "should fail") {
		t.Errorf("a refused target is in the audit log:\n%s", out)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
