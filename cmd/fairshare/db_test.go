package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/storetest"
)

// These tests run the real binary against PostgreSQL (set
// FAIRSHARE_TEST_POSTGRES); each gets its own schema.

// genRows writes a CSV of generated contributions numbered from..to-1, in the
// given order, and returns its path.
func genRows(t *testing.T, dir, name string, nums []int) string {
	t.Helper()
	donors := []string{"DEU", "FRA", "NLD", "BEL", "ITA", "ESP", "FIN", "AUT"}
	var b strings.Builder
	b.WriteString("donor,date,amount,currency,category,status,source_url,description\n")
	for _, n := range nums {
		fmt.Fprintf(&b, "%s,2024-%02d-%02d,%d.%02d,EUR,training,delivered,https://example.org/gen/%d,gen-%05d\n",
			donors[n%len(donors)], 1+n%12, 1+n%28, 1000+n, n%100, n, n)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func span(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

var importedRE = regexp.MustCompile(`(\d+) added, (\d+) already recorded`)

// importAtOnce starts one 'contributions import' per file at the same moment
// and returns how many rows they added and skipped in all.
func importAtOnce(t *testing.T, db string, files ...string) (added, skipped int) {
	t.Helper()
	type out struct {
		stdout, stderr bytes.Buffer
		err            error
	}
	outs := make([]out, len(files))
	cmds := make([]*exec.Cmd, len(files))
	for i, f := range files {
		cmds[i] = exec.Command(binary, "contributions", "import", f, "--db", db)
		cmds[i].Env = append(os.Environ(), "USER=proc"+fmt.Sprint(i), "FAIRSHARE_DB=")
		cmds[i].Stdout, cmds[i].Stderr = &outs[i].stdout, &outs[i].stderr
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range cmds {
		wg.Go(func() {
			<-start
			outs[i].err = cmds[i].Run()
		})
	}
	close(start)
	wg.Wait()
	for i := range outs {
		if outs[i].err != nil {
			t.Fatalf("import %s: %v\n%s%s", files[i], outs[i].err, outs[i].stdout.String(), outs[i].stderr.String())
		}
		m := importedRE.FindStringSubmatch(outs[i].stdout.String())
		if m == nil {
			t.Fatalf("import %s: unexpected output %q", files[i], outs[i].stdout.String())
		}
		var a, s int
		fmt.Sscan(m[1], &a)
		fmt.Sscan(m[2], &s)
		added, skipped = added+a, skipped+s
	}
	return added, skipped
}

// TestPostgresTwoProcessImport starts two processes importing overlapping
// files into one PostgreSQL database at the same moment: afterwards the
// ledger holds exactly the union, nothing lost, nothing twice. On a fresh
// database the two also migrate it and load the reference data at once.
func TestPostgresTwoProcessImport(t *testing.T) {
	dir := t.TempDir()
	// 2,000 rows each, 1,000 shared; the shared rows in opposite orders.
	shared := span(1000, 2000)
	revShared := slices.Clone(shared)
	slices.Reverse(revShared)
	fileA := genRows(t, dir, "a.csv", append(span(0, 1000), shared...))
	fileB := genRows(t, dir, "b.csv", append(revShared, span(2000, 3000)...))

	for _, tc := range []struct {
		name         string
		migrateFirst bool
	}{{"fresh database", false}, {"migrated database", true}} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			db := storetest.PostgresDSN(t)
			if tc.migrateFirst {
				mustFS(t, db, "migrate")
			}
			added, skipped := importAtOnce(t, db, fileA, fileB)
			if added != 3000 || skipped != 1000 {
				t.Errorf("the two imports added %d and skipped %d, want 3000 and 1000", added, skipped)
			}
			checkUnion(t, db, 3000)

			// Both again at once: nothing to add.
			added, skipped = importAtOnce(t, db, fileA, fileB)
			if added != 0 || skipped != 4000 {
				t.Errorf("importing both again added %d and skipped %d, want 0 and 4000", added, skipped)
			}
			checkUnion(t, db, 3000)
		})
	}
}

// checkUnion checks that the user dataset holds gen-00000..gen-(n-1) once each.
func checkUnion(t *testing.T, db string, n int) {
	t.Helper()
	out := mustFS(t, db, "contributions", "export", "--dataset", "user", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	col := slices.Index(recs[0], "description")
	seen := map[string]int{}
	for _, r := range recs[1:] {
		seen[r[col]]++
	}
	if len(recs)-1 != n {
		t.Errorf("%d rows in the ledger, want %d", len(recs)-1, n)
	}
	for i := range n {
		if d := fmt.Sprintf("gen-%05d", i); seen[d] != 1 {
			t.Errorf("%s recorded %d times, want once", d, seen[d])
		}
	}
}

// TestDBCopyRoundTrip copies a SQLite ledger with edits and a deletion to
// PostgreSQL and back to a new SQLite file: reports (now, and as of before
// the edits), exports and histories read the same on all three.
func TestDBCopyRoundTrip(t *testing.T) {
	pg := storetest.PostgresDSN(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	back := filepath.Join(dir, "back.db")

	file := filepath.Join(dir, "dk.csv")
	os.WriteFile(file, []byte("donor,date,amount,currency,category,status,source_url,description\n"+
		"DNK,2024-06-14,1000000000,DKK,in-kind,delivered,https://example.org/dk-june,June package\n"+
		"DNK,2024-09-01,250000000,DKK,training,committed,https://example.org/dk-sept,September training\n"+
		"DEU,2024-03-01,400000000,EUR,equipment-purchase,delivered,https://example.org/de-mar,March purchase\n"), 0o644)
	mustFS(t, src, "contributions", "import", file)
	var all []struct {
		ID          string `json:"id"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(mustFS(t, src, "contributions", "list", "--dataset", "user", "--format", "json")), &all); err != nil {
		t.Fatal(err)
	}
	byDesc := map[string]string{}
	for _, c := range all {
		byDesc[c.Description] = c.ID
	}
	edited, deleted := byDesc["June package"], byDesc["March purchase"]
	if edited == "" || deleted == "" {
		t.Fatalf("imported entries not found: %v", byDesc)
	}
	time.Sleep(5 * time.Millisecond)
	beforeEdit := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(5 * time.Millisecond)
	mustFS(t, src, "contributions", "edit", edited, "--amount", "1500000000", "--reason", "second tranche")
	mustFS(t, src, "contributions", "delete", deleted, "--reason", "counted twice")
	mustFS(t, src, "users", "add", "editor1", "--role", "editor")
	time.Sleep(5 * time.Millisecond)
	afterAll := time.Now().UTC().Format(time.RFC3339Nano)

	copyOut := mustFS(t, src, "db", "copy", "--from", "sqlite:"+src, "--to", pg)
	if !strings.Contains(copyOut, "contribution versions:") {
		t.Fatalf("db copy output: %s", copyOut)
	}
	mustFS(t, src, "db", "copy", "--from", pg, "--to", "sqlite:"+back)
	// Copying again adds nothing.
	again := mustFS(t, src, "db", "copy", "--from", "sqlite:"+src, "--to", pg)
	if m := regexp.MustCompile(`contribution versions:\s+(\d+) copied`).FindStringSubmatch(again); m == nil || m[1] != "0" {
		t.Errorf("second copy: %s", again)
	}

	views := []struct {
		name string
		args []string
	}{
		{"report now", []string{"report", "nato-2024", "--format", "json", "--dataset", "user,kiel-r29", "--as-of", afterAll}},
		{"report before the edit", []string{"report", "nato-2024", "--format", "json", "--dataset", "user,kiel-r29", "--as-of", beforeEdit}},
		{"report in DKK", []string{"report", "nato-2024", "--format", "csv", "--currency", "DKK", "--as-of", afterAll}},
		{"export now", []string{"contributions", "export", "--format", "json"}},
		{"export before the edit", []string{"contributions", "export", "--format", "json", "--as-of", beforeEdit}},
		{"history of the edited entry", []string{"contributions", "history", edited, "--format", "json"}},
		{"history of the deleted entry", []string{"contributions", "history", deleted, "--format", "json"}},
		{"users", []string{"users", "list", "--format", "csv"}},
	}
	for _, v := range views {
		want := mustFS(t, src, v.args...)
		for _, db := range []string{pg, back} {
			if got := mustFS(t, db, v.args...); got != want {
				t.Errorf("%s differs on %s:\n%s\nwant\n%s", v.name, redactDSN(db), got, want)
			}
		}
	}
	if mustFS(t, src, views[0].args...) == mustFS(t, src, views[1].args...) {
		t.Errorf("the edit and the deletion did not change the report; the test proves nothing")
	}
	var hist []struct {
		Version int    `json:"version"`
		Deleted bool   `json:"deleted"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(mustFS(t, back, "contributions", "history", deleted, "--format", "json")), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || !hist[1].Deleted || hist[1].Reason != "counted twice" {
		t.Errorf("history of the deleted entry after the round trip: %+v", hist)
	}

	if r := fs(t, src, "db", "copy", "--from", filepath.Join(dir, "missing.db"), "--to", back); r.code == 0 {
		t.Errorf("db copy from a missing file succeeded")
	}
	if r := fs(t, src, "db", "copy", "--from", src); r.code != 2 {
		t.Errorf("db copy without --to: exit %d, want 2", r.code)
	}
}

func redactDSN(s string) string {
	if i := strings.Index(s, "?"); strings.HasPrefix(s, "postgres") && i > 0 {
		return s[:i] + "?…"
	}
	return s
}

// TestMigrateCommand applies the schema explicitly, then finds nothing to do.
func TestMigrateCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "m.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db(t)
			first := mustFS(t, db, "migrate")
			if !strings.Contains(first, "applied 0001_init.sql") || !strings.Contains(first, "reference data ") {
				t.Errorf("first migrate: %s", first)
			}
			second := mustFS(t, db, "migrate", "--db", db)
			if strings.Contains(second, "applied") || !strings.Contains(second, "schema up to date") {
				t.Errorf("second migrate: %s", second)
			}
			if r := report(t, db); len(r.Rows) == 0 {
				t.Errorf("no report rows after migrate")
			}
		})
	}
}
