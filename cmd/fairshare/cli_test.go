package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// binary is the real fairshare binary, built once for the command-line tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "fairshare-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "fairshare")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// fs runs the binary against db with args.
func fs(t *testing.T, db string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "FAIRSHARE_DB="+db, "USER=tester")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func mustFS(t *testing.T, db string, args ...string) string {
	t.Helper()
	r := fs(t, db, args...)
	if r.code != 0 {
		t.Fatalf("fairshare %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

type reportJSON struct {
	Target struct {
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	} `json:"target"`
	Currency string `json:"currency"`
	Rows     []struct {
		Donor     string  `json:"donor"`
		Weight    float64 `json:"weight"`
		FairShare string  `json:"fair_share"`
		Counted   string  `json:"counted"`
		NoData    bool    `json:"no_data"`
	} `json:"rows"`
	Totals struct {
		Target, Counted, Shortfall string
	} `json:"totals"`
	Dataset string   `json:"dataset"`
	LeftOut []string `json:"left_out"`
}

func report(t *testing.T, db string, args ...string) reportJSON {
	t.Helper()
	out := mustFS(t, db, append([]string{"report", "nato-2024", "--format", "json"}, args...)...)
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	return r
}

func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return r
}

func (r reportJSON) row(donor string) (w float64, fair, counted string) {
	for _, x := range r.Rows {
		if x.Donor == donor {
			return x.Weight, x.FairShare, x.Counted
		}
	}
	return 0, "", ""
}

func TestReportNATO2024(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	r := report(t, db)
	sum := new(big.Rat)
	for _, row := range r.Rows {
		sum.Add(sum, rat(t, row.FairShare))
	}
	if sum.FloatString(2) != "40000000000.00" || r.Totals.Target != "40000000000.00" {
		t.Fatalf("fair shares sum to %s (totals.target %s), want exactly 40000000000.00", sum.FloatString(2), r.Totals.Target)
	}
	if w, _, _ := r.row("USA"); w < 0.5 || w > 0.56 {
		t.Errorf("US weight %.4f, want about half", w)
	}
	_, fair, counted := r.row("DNK")
	if f := rat(t, fair); f.Cmp(big.NewRat(300e6, 1)) < 0 || f.Cmp(big.NewRat(350e6, 1)) > 0 {
		t.Errorf("Denmark fair share %s, want a bit over EUR 0.3 bn", fair)
	}
	if c := rat(t, counted); c.Cmp(big.NewRat(27e8, 1)) < 0 || c.Cmp(big.NewRat(29e8, 1)) > 0 {
		t.Errorf("Denmark counted %s, want about EUR 2.8 bn (Kiel R29 military allocations 2024)", counted)
	}
	if c := rat(t, r.Totals.Counted); c.Cmp(big.NewRat(40e9, 1)) < 0 || c.Cmp(big.NewRat(42e9, 1)) > 0 {
		t.Errorf("total counted %s, want about EUR 41 bn", r.Totals.Counted)
	}
	if _, _, c := r.row("HUN"); c != "" {
		t.Errorf("Hungary opted out and should be renormalised away")
	}
	for _, code := range []string{"ALB", "MKD", "MNE"} {
		for _, row := range r.Rows {
			if row.Donor == code && !row.NoData {
				t.Errorf("%s should be marked no_data", code)
			}
		}
	}

	dkk := report(t, db, "--currency", "DKK")
	tgt := rat(t, dkk.Totals.Target)
	if tgt.Cmp(big.NewRat(2983e8, 1)) < 0 || tgt.Cmp(big.NewRat(2985e8, 1)) > 0 {
		t.Errorf("DKK target %s, want about 298.4 bn (40 bn at the 2024 average 7.4589)", dkk.Totals.Target)
	}
	if dkk.Totals.Target != "298356000000.00" {
		t.Errorf("DKK target %s, want exactly 40e9 * 7.4589 = 298356000000.00", dkk.Totals.Target)
	}
}

const dkkRow = "donor,date,amount,currency,category,status,source_url,description\n" +
	"DNK,2024-06-14,1000000000,DKK,in-kind,delivered,https://example.org/dk-june,test delivery\n"

func TestImportAsOfAndIdempotence(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	before := report(t, db)
	_, _, oldCounted := before.row("DNK")
	time.Sleep(20 * time.Millisecond)
	mid := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)

	file := filepath.Join(dir, "dk.csv")
	os.WriteFile(file, []byte(dkkRow), 0o644)
	if out := mustFS(t, db, "contributions", "import", file); !strings.Contains(out, "1 added") {
		t.Fatalf("import: %s", out)
	}
	conv := mustFS(t, db, "fx", "convert", "1000000000", "DKK", "EUR", "--date", "2024-06-14")
	// "1000000000.00 DKK = 134063... EUR on 2024-06-14"
	eur := strings.Fields(conv)[3]
	// Asked for by name, kiel-r29+user adds the import to Kiel's figures.
	after := report(t, db, "--dataset", "kiel-r29+user")
	_, _, newCounted := after.row("DNK")
	diff := new(big.Rat).Sub(rat(t, newCounted), rat(t, oldCounted))
	if diff.Cmp(rat(t, eur)) != 0 {
		t.Fatalf("Denmark counted rose by %s, want %s (1 bn DKK at the rate of 2024-06-14)", diff.FloatString(2), eur)
	}
	if _, _, c := report(t, db, "--as-of", mid, "--dataset", "kiel-r29+user").row("DNK"); c != oldCounted {
		t.Fatalf("--as-of before the import shows %s, want the old %s", c, oldCounted)
	}
	if out := mustFS(t, db, "contributions", "import", file); !strings.Contains(out, "0 added, 1 already recorded") {
		t.Fatalf("re-import: %s", out)
	}
	if _, _, c := report(t, db, "--dataset", "kiel-r29+user").row("DNK"); c != newCounted {
		t.Fatalf("re-import changed Denmark's counted amount: %s -> %s", newCounted, c)
	}
	// The default counts the shipped dataset alone and names what it leaves out.
	def := report(t, db)
	if _, _, c := def.row("DNK"); c != oldCounted || strings.Join(def.LeftOut, ",") != "user" {
		t.Fatalf("default report: DNK %s (want %s), left out %v (want user)", c, oldCounted, def.LeftOut)
	}
}

func TestImportRefusesBadRows(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	exportBefore := mustFS(t, db, "contributions", "export")
	good := "DNK,2024-07-01,5,DKK,in-kind,delivered,https://example.org/a\n"
	tests := []struct {
		name, row, want string
	}{
		{"unknown currency", "DNK,2024-06-14,100,XXX,in-kind,delivered,https://example.org/x\n", ":3: currency: unknown currency"},
		{"bad date", "DNK,2024-13-40,100,DKK,in-kind,delivered,https://example.org/x\n", ":3: date:"},
		{"negative amount", "DNK,2024-06-14,-100,DKK,in-kind,delivered,https://example.org/x\n", ":3: amount:"},
		{"unknown donor", "XYZ,2024-06-14,100,DKK,in-kind,delivered,https://example.org/x\n", ":3: donor: unknown donor"},
		{"unknown category", "DNK,2024-06-14,100,DKK,tanks,delivered,https://example.org/x\n", ":3: category:"},
		{"missing source", "DNK,2024-06-14,100,DKK,in-kind,delivered,\n", ":3: source_url:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".csv")
			os.WriteFile(file, []byte("donor,date,amount,currency,category,status,source_url\n"+good+tt.row), 0o644)
			r := fs(t, db, "contributions", "import", file)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, file+tt.want) {
				t.Fatalf("stderr %q, want it to contain %q", r.stderr, file+tt.want)
			}
		})
	}
	if after := mustFS(t, db, "contributions", "export"); after != exportBefore {
		t.Fatal("a refused import changed the ledger")
	}
}

func TestEditDeleteHistory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	id := strings.TrimSpace(mustFS(t, db, "contributions", "add", "--donor", "DNK", "--date", "2024-03-01", "--amount", "100",
		"--currency", "EUR", "--category", "training", "--status", "committed", "--source-url", "https://example.org/t"))
	mustFS(t, db, "contributions", "edit", id, "--amount", "150", "--reason", "corrected per source")
	// An edit against a version that is no longer the newest changes nothing.
	if r := fs(t, db, "contributions", "edit", id[:8], "--base", "1", "--description", "late", "--reason", "stale"); r.code != 1 ||
		!strings.Contains(r.stderr, "changed since version 1: it is at version 2") {
		t.Fatalf("stale edit: %+v", r)
	}
	for _, args := range [][]string{
		{"contributions", "edit", id, "--reason", "nothing"},                    // no field
		{"contributions", "edit", id, "--amount", "1,000.5", "--reason", "bad"}, // ambiguous amount
		{"contributions", "edit", "abc", "--amount", "1", "--reason", "short"},  // id too short
	} {
		if r := fs(t, db, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	mustFS(t, db, "contributions", "delete", id[:8], "--reason", "duplicate")
	hist := mustFS(t, db, "contributions", "history", id, "--format", "json")
	var vs []struct {
		Version int    `json:"version"`
		Amount  string `json:"amount"`
		Deleted bool   `json:"deleted"`
		Reason  string `json:"reason"`
		Author  string `json:"author"`
	}
	if err := json.Unmarshal([]byte(hist), &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0].Amount != "100.00" || vs[1].Amount != "150.00" || !vs[2].Deleted ||
		vs[1].Reason != "corrected per source" || vs[1].Author != "tester" {
		t.Fatalf("history = %+v", vs)
	}
	if r := fs(t, db, "contributions", "show", id); r.code != 1 || !strings.Contains(r.stderr, "no contribution") {
		t.Fatalf("show of a deleted entry: %+v", r)
	}
}

func TestFXConvertAndImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	out := mustFS(t, db, "fx", "convert", "100000000000", "EUR", "DKK", "--date", "2024-05-31")
	if !strings.Contains(out, "EUR = 746060000000.00 DKK") || !strings.Contains(out, "monthly average 2024-05") {
		t.Fatalf("convert without daily rates: %s", out)
	}
	ecb := "Date,USD,JPY,DKK,ALL,\n2024-05-31,1.0852,170.6,7.4613,N/A,\n2024-05-30,1.0818,169.9,7.4609,N/A,\n"
	file := filepath.Join(dir, "eurofxref-hist.csv")
	os.WriteFile(file, []byte(ecb), 0o644)
	if out := mustFS(t, db, "fx", "import", file); !strings.Contains(out, "6 new") {
		t.Fatalf("fx import: %s", out)
	}
	out = mustFS(t, db, "fx", "convert", "100000000000", "EUR", "DKK", "--date", "2024-06-01")
	if !strings.Contains(out, "= 746130000000.00 DKK") || !strings.Contains(out, "last ECB reference rate before the date, of 2024-05-31") {
		t.Fatalf("convert on a Saturday: %s", out)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Date,USD,DKK,\n2024-06-03,1.0867,7.4596,\n"))
	}))
	defer srv.Close()
	if out := mustFS(t, db, "fx", "update", "--url", srv.URL+"/eurofxref-hist.csv"); !strings.Contains(out, "2 new") {
		t.Fatalf("fx update: %s", out)
	}
	if out := mustFS(t, db, "fx", "update", "--url", srv.URL+"/eurofxref-hist.csv"); !strings.Contains(out, "0 new") {
		t.Fatalf("fx update again: %s", out)
	}
}

func TestUsageAndErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Usage: fairshare <noun> <verb>"},
		{[]string{"report", "--help"}, 0, "largest"},
		{[]string{"contributions", "--help"}, 0, "contributions import"},
		{[]string{"nonsense"}, 2, "unknown command"},
		{[]string{"report"}, 2, "want one TARGET"},
		{[]string{"report", "nato-2024", "--format", "xml"}, 2, "want table, csv, json or md"},
		{[]string{"report", "no-such-target"}, 1, "no target"},
		{[]string{"report", "nato-2024", "--currency", "XXX"}, 1, "unknown currency"},
		{[]string{"fx", "convert", "1", "EUR"}, 2, "AMOUNT FROM TO"},
	}
	for _, tt := range tests {
		r := fs(t, db, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
			t.Errorf("fairshare %v: exit %d, want %d; output %q, want %q", tt.args, r.code, tt.code, r.stdout+r.stderr, tt.want)
		}
	}
}

// TestReportGolden pins every report format. The ledger is fixed by --as-of
// (after the shipped datasets' release dates); refresh with -update when the
// shipped data change on purpose.
func TestReportGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	for _, tc := range []struct{ name, target, format, currency string }{
		{"nato-2024.table", "nato-2024", "table", "EUR"},
		{"nato-2024.csv", "nato-2024", "csv", "EUR"},
		{"nato-2024.json", "nato-2024", "json", "EUR"},
		{"nato-2024.md", "nato-2024", "md", "EUR"},
		{"nato-2024-dkk.table", "nato-2024", "table", "DKK"},
		{"nato-fund.table", "nato-fund-2025-2029", "table", "EUR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustFS(t, db, "report", tc.target, "--format", tc.format, "--currency", tc.currency, "--as-of", "2026-11-01")
			path := filepath.Join("testdata", "golden", tc.name+".golden")
			if *update {
				os.WriteFile(path, []byte(got), 0o644)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run go test -update if intended):\n%s", tc.name, path, got)
			}
		})
	}
}
