package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "USER" {
			return "tester"
		}
		return ""
	}
	if code := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("fairshare %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

func countedByDonor(t *testing.T, out string) map[string]string {
	t.Helper()
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, row := range r.Rows {
		m[row.Donor] = row.Counted
	}
	return m
}

// TestGenAndFromCSV generates a synthetic directory twice (same bytes), and
// checks that 'report --from-csv' counts what the database path counts after
// 'fx import' and 'contributions import' of the same files.
func TestGenAndFromCSV(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	runCLI(t, "gen", "--contributions", "3000", "--seed", "7", "--out", a)
	runCLI(t, "gen", "--contributions", "3000", "--seed", "7", "--out", b)
	for _, f := range []string{"contributions.csv", "eurofxref-hist.csv", "gdp.csv", "README.txt"} {
		if x, y := readFile(t, filepath.Join(a, f)), readFile(t, filepath.Join(b, f)); x != y {
			t.Fatalf("gen is not deterministic: %s differs", f)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(a, "README.txt")), "SYNTHETIC") {
		t.Fatal("README.txt does not say the data are synthetic")
	}
	fromCSV := countedByDonor(t, runCLI(t, "report", "nato-2024", "--from-csv", a, "--format", "json", "--currency", "DKK"))

	db := filepath.Join(dir, "f.db")
	runCLI(t, "fx", "import", filepath.Join(a, "eurofxref-hist.csv"), "--db", db)
	runCLI(t, "contributions", "import", filepath.Join(a, "contributions.csv"), "--dataset", "user", "--force-dataset", "--db", db)
	fromDB := countedByDonor(t, runCLI(t, "report", "nato-2024", "--dataset", "user", "--format", "json", "--currency", "DKK", "--db", db))
	if len(fromCSV) == 0 || len(fromCSV) != len(fromDB) {
		t.Fatalf("rows: from CSV %d, from the database %d", len(fromCSV), len(fromDB))
	}
	nonzero := 0
	for d, v := range fromDB {
		if fromCSV[d] != v {
			t.Errorf("%s: counted %s from CSV, %s from the database", d, fromCSV[d], v)
		}
		if v != "0.00" {
			nonzero++
		}
	}
	if nonzero < 10 {
		t.Fatalf("only %d donors counted anything", nonzero)
	}
	// The same file as a single path, and a usage error for --as-of.
	one := countedByDonor(t, runCLI(t, "report", "nato-2024", "--from-csv", filepath.Join(a, "contributions.csv"), "--format", "json", "--currency", "DKK"))
	if one["DNK"] != fromCSV["DNK"] {
		t.Fatalf("file path: DNK %s, directory: %s", one["DNK"], fromCSV["DNK"])
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "nato-2024", "--from-csv", a, "--as-of", "2024-01-01"}, func(string) string { return "" }, nil, &out, &errb); code != 2 {
		t.Fatalf("--as-of with --from-csv: exit %d, want 2 (%s)", code, errb.String())
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
