package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestDatasetsListAndShow(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustFS(t, db, "datasets", "list")
	for _, want := range []string{"kiel-r29", "dk-mod", "nato-reported", "Kiel Ukraine Support Tracker, Release 29", "2026-08-04"} {
		if !strings.Contains(out, want) {
			t.Errorf("datasets list lacks %q:\n%s", want, out)
		}
	}
	var list []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "datasets", "list", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, d := range list {
		got[d["id"]] = d
	}
	if k := got["kiel-r29"]; k == nil || k["months"] != "2022-01 to 2026-04" || k["contributions"] == "0" {
		t.Errorf("kiel-r29 in the list: %v", k)
	}
	if d := got["dk-mod"]; d == nil || d["donors"] != "1" {
		t.Errorf("dk-mod in the list: %v", d)
	}

	show := mustFS(t, db, "datasets", "show", "kiel-r29")
	var noData string
	for _, l := range strings.Split(show, "\n") {
		if strings.HasPrefix(l, "no data:") {
			noData = l
		}
	}
	for _, c := range []string{"ALB", "MKD", "MNE"} {
		if !strings.Contains(noData, c) {
			t.Errorf("datasets show kiel-r29: no-data line %q lacks %s", noData, c)
		}
	}
	for _, want := range []string{"licence / terms:", "coverage:", "Published totals:", "DNK    Denmark"} {
		if !strings.Contains(show, want) {
			t.Errorf("datasets show kiel-r29 lacks %q", want)
		}
	}
	var j struct {
		NoData []string `json:"no_data"`
		Donors []struct {
			Donor string `json:"donor"`
		} `json:"donors"`
	}
	if err := json.Unmarshal([]byte(mustFS(t, db, "datasets", "show", "kiel-r29", "--format", "json")), &j); err != nil {
		t.Fatal(err)
	}
	if strings.Join(j.NoData, ",") != "ALB,MNE,MKD" || len(j.Donors) != 34 {
		t.Errorf("show JSON: no_data %v, %d donors", j.NoData, len(j.Donors))
	}
	if r := fs(t, db, "datasets", "show", "nope"); r.code != 1 || !strings.Contains(r.stderr, `no dataset "nope"`) {
		t.Errorf("show nope: %+v", r)
	}
}

func TestCompareDenmark(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustFS(t, db, "compare", "nato-2024", "--datasets", "kiel-r29,dk-mod", "--format", "json")
	var j struct {
		A, B string
		Rows []struct {
			Donor      string   `json:"donor"`
			A          string   `json:"a"`
			B          string   `json:"b"`
			HasA       bool     `json:"has_a"`
			HasB       bool     `json:"has_b"`
			Difference *string  `json:"difference"`
			Ratio      *float64 `json:"ratio"`
			In         string   `json:"in"`
		} `json:"rows"`
		OnlyA []string `json:"only_a"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if j.A != "kiel-r29" || j.B != "dk-mod" {
		t.Errorf("datasets %s, %s", j.A, j.B)
	}
	found := false
	for _, r := range j.Rows {
		if r.Donor != "DNK" {
			continue
		}
		found = true
		if !r.HasA || !r.HasB || r.In != "both" || r.Difference == nil || r.Ratio == nil {
			t.Fatalf("Denmark: %+v", r)
		}
		a, b := rat(t, r.A), rat(t, r.B)
		if a.Sign() <= 0 || b.Sign() <= 0 {
			t.Errorf("Denmark: kiel-r29 %s, dk-mod %s; want both positive", r.A, r.B)
		}
		if d := rat(t, *r.Difference); d.Cmp(b.Sub(b, a)) != 0 {
			t.Errorf("Denmark: difference %s, want B - A", *r.Difference)
		}
	}
	if !found {
		t.Fatal("no Denmark row")
	}
	if len(j.OnlyA) < 20 {
		t.Errorf("only in kiel-r29: %v, want most allies", j.OnlyA)
	}
	text := mustFS(t, db, "compare", "nato-2024", "--datasets", "kiel-r29,dk-mod")
	if !strings.Contains(text, "DNK") || !strings.Contains(text, "both") || !strings.Contains(text, "Only in dk-mod: none.") {
		t.Errorf("compare text:\n%s", text)
	}
	if r := fs(t, db, "compare", "nato-2024", "--datasets", "kiel-r29"); r.code != 2 || !strings.Contains(r.stderr, "want two datasets") {
		t.Errorf("one dataset: %+v", r)
	}
}

func TestPolicies(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	var list []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "policies", "list", "--as-of", "2024-06-15", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	state := map[string]map[string]string{}
	for _, p := range list {
		state[p["donor"]] = p
	}
	if u := state["USA"]; u == nil || u["status"] != "limited" || u["since"] != "2024-05-30" || !strings.HasPrefix(u["source"], "https://") {
		t.Errorf("USA on 2024-06-15: %v", u)
	}
	if e := state["EST"]; e == nil || e["status"] != "unknown" {
		t.Errorf("Estonia before its first statement: %v", e)
	}
	if _, ok := state["ALB"]; ok {
		t.Errorf("Albania has no policy row and should not be listed without --all")
	}
	if g := state["GBR"]; g == nil || g["status"] != "limited" {
		t.Errorf("UK on 2024-06-15: %v", g)
	}
	late := mustFS(t, db, "policies", "list", "--as-of", "2025-01-01", "--format", "csv")
	if !strings.Contains(late, "GBR,United Kingdom,allowed,2024-11-20") {
		t.Errorf("UK on 2025-01-01:\n%s", late)
	}
	if all := mustFS(t, db, "policies", "list", "--all", "--as-of", "2024-06-15"); !strings.Contains(all, "ALB") {
		t.Errorf("--all lacks Albania")
	}

	var hist []map[string]string
	if err := json.Unmarshal([]byte(mustFS(t, db, "policies", "history", "usa", "--format", "json")), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[0]["date"] != "2022-05-31" || hist[1]["date"] != "2024-05-30" || hist[2]["date"] != "2024-11-17" ||
		hist[0]["url"] == "" || hist[0]["scope_da"] == "" {
		t.Errorf("USA history: %v", hist)
	}
	// Before the changes of May 2024 the restrictions were public: the
	// timeline says so, with sources.
	early := mustFS(t, db, "policies", "list", "--as-of", "2024-01-01", "--format", "csv")
	for _, want := range []string{"USA,United States,prohibited,2022-05-31", "DEU,Germany,prohibited,2023-05-14", "FRA,France,prohibited,2023-07-11", "GBR,United Kingdom,limited,2023-05-11"} {
		if !strings.Contains(early, want) {
			t.Errorf("policies on 2024-01-01 lack %q:\n%s", want, early)
		}
	}
	if bel := mustFS(t, db, "policies", "history", "BEL"); !strings.Contains(bel, "2024-05-28  prohibited") || !strings.Contains(bel, "da: Premierminister De Croo") {
		t.Errorf("policies history BEL:\n%s", bel)
	}
	if r := fs(t, db, "policies", "history", "XYZ"); r.code != 1 || !strings.Contains(r.stderr, "no donor") {
		t.Errorf("history XYZ: %+v", r)
	}
}

func TestDataVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	out := mustFS(t, db, "data", "verify")
	for _, want := range []string{"contributions in 2 datasets (dk-mod ", "kiel-r29 591)", "dataset kiel-r29: 10 published total(s) checked", "within EUR 1 m", "\nOK\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify lacks %q:\n%s", want, out)
		}
	}
	file := filepath.Join(dir, "dup.csv")
	row := "DNK,2024-06-14,1000,DKK,in-kind,delivered,https://example.org/dup,same thing\n"
	os.WriteFile(file, []byte("id,donor,date,amount,currency,category,status,source_url,description\n"+
		"dup-one,"+row+"dup-two,"+row), 0o644)
	if out := mustFS(t, db, "contributions", "import", file); !strings.Contains(out, "2 added") {
		t.Fatalf("import: %s", out)
	}
	r := fs(t, db, "data", "verify")
	if r.code != 1 {
		t.Fatalf("verify after a duplicate: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "duplicate content in dataset user: contributions dup-one and dup-two") ||
		!strings.Contains(r.stderr, "1 problem(s)") {
		t.Errorf("verify output:\n%s%s", r.stdout, r.stderr)
	}
}

// A row credited to a ministry must cite the ministry's own page: the same
// figure on a newspaper's page is the newspaper's report.
func TestDataVerifyGovernmentPublisher(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	file := filepath.Join(dir, "gov.csv")
	os.WriteFile(file, []byte("donor,date,amount,currency,category,status,source_url,publisher,description\n"+
		"DNK,2024-06-14,1000,DKK,in-kind,committed,https://euromaidanpress.com/2024/x,Danish Ministry of Defence,credited to the ministry\n"+
		"DNK,2024-06-15,1000,DKK,in-kind,committed,https://www.fmn.dk/da/nyheder/2024/x/,Forsvarsministeriet,the ministry's own page\n"), 0o644)
	mustFS(t, db, "contributions", "import", file)
	r := fs(t, db, "data", "verify")
	if r.code != 1 || !strings.Contains(r.stdout, `publisher "Danish Ministry of Defence" is a government body but the URL https://euromaidanpress.com/2024/x is not a government page`) ||
		!strings.Contains(r.stderr, "1 problem(s)") {
		t.Errorf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// kielHeader is the main sheet's header as the tracker's workbook has it,
// with columns fairshare does not need and a trailing space in a label.
var kielHeader = []any{"ID", "donor", "announcement_date", "month", "aid_type_general ", "aid_type_specific", "measure",
	"reporting_currency", "tot_activity_value", "tot_sub_activity_value_EUR_redistr", "Source of Aid 1"}

// writeKielWorkbook writes a small tracker workbook in the layout kiel reads.
func writeKielWorkbook(t *testing.T, path string, header []any, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "README"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("README", "A1", "Ukraine Support Tracker - Release 30"); err != nil {
		t.Fatal(err)
	}
	const sheet = "Bilateral Assistance, MAIN DATA"
	if _, err := f.NewSheet(sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range append([][]any{header}, rows...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func kielRow(donor string, month int, typ, measure string, value any) []any {
	return []any{1, donor, ".", month, typ, ".", measure, "EUR", value, value, "https://example.org/" + donor}
}

func TestImportKielWorkbook(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	book := filepath.Join(dir, "Ukraine_Support_Tracker_Release_30.xlsx")
	rows := [][]any{
		kielRow("Denmark", 30, "Military", "Allocation", 1000000),     // 2024-06: counted by nato-2024
		kielRow("Denmark ", 30, "Military ", "Allocation ", "250000"), // same month: summed
		kielRow("Denmark", 31, "Military", "Allocation", -50000),      // correction, netted into 2024-06
		kielRow("Denmark", 18, "Military", "Allocation", 7),           // 2023-06: outside the target
		kielRow("Germany", 33, "Military", "Commitment", 5e8),         // pledged: not counted
		kielRow("Germany", 33, "Financial", "Allocation", 3e8),        // financial: not counted
		kielRow("Norway", 35, "Military", "Allocation", "."),          // placeholder: skipped
	}
	writeKielWorkbook(t, book, kielHeader, rows)
	out := mustFS(t, db, "import", "kiel", book, "--release-date", "2026-12-01")
	if !strings.Contains(out, "imported 4 rows into kiel-r30: 4 added, 0 already recorded") {
		t.Fatalf("import: %s", out)
	}
	list := mustFS(t, db, "datasets", "list")
	if !strings.Contains(list, "kiel-r30") || !strings.Contains(list, "Kiel Ukraine Support Tracker, Release 30") {
		t.Fatalf("datasets list lacks kiel-r30:\n%s", list)
	}
	show := mustFS(t, db, "datasets", "show", "kiel-r30")
	for _, want := range []string{"release date:     2026-12-01", "2023-06 to 2024-09", "ALB Albania"} {
		if !strings.Contains(show, want) {
			t.Errorf("datasets show kiel-r30 lacks %q:\n%s", want, show)
		}
	}
	if !regexp.MustCompile(`(?m)^DEU\s+Germany\s+2\s+2024-09-01`).MatchString(show) {
		t.Errorf("datasets show kiel-r30 lacks Germany's 2 rows:\n%s", show)
	}

	r := report(t, db, "--dataset", "kiel-r30")
	if r.Dataset != "kiel-r30" {
		t.Errorf("report counted %q", r.Dataset)
	}
	if _, _, c := r.row("DNK"); c != "1200000.00" {
		t.Errorf("Denmark counted %s from kiel-r30, want 1200000.00 (1 m + 250 k - 50 k in 2024)", c)
	}
	if _, _, c := r.row("DEU"); c != "0.00" {
		t.Errorf("Germany counted %s, want 0 (a commitment and financial aid do not count)", c)
	}
	if r.Totals.Counted != "1200000.00" {
		t.Errorf("total counted %s", r.Totals.Counted)
	}

	if out := mustFS(t, db, "import", "kiel", book, "--release-date", "2026-12-01"); !strings.Contains(out, "4 rows into kiel-r30: 0 added, 4 already recorded") {
		t.Fatalf("re-import: %s", out)
	}
	if _, _, c := report(t, db, "--dataset", "kiel-r30").row("DNK"); c != "1200000.00" {
		t.Errorf("re-import changed Denmark to %s", c)
	}

	// A different file of the same release would count the same aid twice.
	other := filepath.Join(dir, "other", "Ukraine_Support_Tracker_Release_30.xlsx")
	os.Mkdir(filepath.Dir(other), 0o755)
	writeKielWorkbook(t, other, kielHeader, [][]any{kielRow("Denmark", 30, "Military", "Allocation", 999)})
	res := fs(t, db, "import", "kiel", other)
	if res.code != 1 || !strings.Contains(res.stderr, "dataset kiel-r30 already holds 4 contribution(s)") || !strings.Contains(res.stderr, "--dataset") {
		t.Errorf("second file of a release: %+v", res)
	}

	// The layout changed: a required column is gone.
	var noMeasure []any
	for _, h := range kielHeader {
		if h != "measure" {
			noMeasure = append(noMeasure, h)
		}
	}
	bad := filepath.Join(dir, "Ukraine_Support_Tracker_Release_31.xlsx")
	writeKielWorkbook(t, bad, noMeasure, [][]any{{1, "Denmark", ".", 30, "Military", ".", "EUR", 1, 1, "x"}})
	res = fs(t, db, "import", "kiel", bad)
	if res.code != 1 || !strings.Contains(res.stderr, `missing required column(s) "measure"`) ||
		!strings.Contains(res.stderr, `sheet "Bilateral Assistance, MAIN DATA"`) {
		t.Errorf("workbook without measure: %+v", res)
	}
	if list := mustFS(t, db, "datasets", "list"); strings.Contains(list, "kiel-r31") {
		t.Errorf("a failed import recorded a dataset:\n%s", list)
	}
	if out := mustFS(t, db, "data", "verify"); !strings.Contains(out, "OK") {
		t.Errorf("verify after the import:\n%s", out)
	}
}

func TestImportKielExplorerCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	csvFile := filepath.Join(dir, "data_explorer.csv")
	os.WriteFile(csvFile, []byte("country,iso,year,month,total,financial,humanitarian,military\n"+
		"Denmark,DNK,2024,5,0.5,0,0,0.25\n"+
		"Denmark,DNK,2024,6,0.1,0,0,0.05\n"+
		"Norway,NOR,2024,6,0.2,0,0,0\n"), 0o644)
	if r := fs(t, db, "import", "kiel", csvFile); r.code != 2 || !strings.Contains(r.stderr, "--release N") {
		t.Fatalf("explorer CSV without a release: %+v", r)
	}
	os.WriteFile(filepath.Join(dir, "release_info.csv"), []byte("release,period,date,label\n31,06/2026,2026-12-15,\"Ukraine Support Tracker, Release 31 (06/2026)\"\n"), 0o644)
	if out := mustFS(t, db, "import", "kiel", csvFile); !strings.Contains(out, "imported 2 rows into kiel-r31: 2 added") {
		t.Fatalf("import: %s", out)
	}
	if _, _, c := report(t, db, "--dataset", "kiel-r31").row("DNK"); c != "300000000.00" {
		t.Errorf("Denmark counted %s from kiel-r31, want EUR 0.3 bn", c)
	}
	if show := mustFS(t, db, "datasets", "show", "kiel-r31"); !strings.Contains(show, "2026-12-15") {
		t.Errorf("release date from release_info.csv missing:\n%s", show)
	}
}

// dk-mod states its sum against the ministry's running total, lists what
// has no published value and says what it measures.
func TestDatasetsShowDKMod(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustFS(t, db, "datasets", "show", "dk-mod")
	for _, want := range []string{"statuses:         committed", "measure:          commitments as announced",
		"Against the publisher's running totals:", "gave about DKK 70.3 bn", "% of it, DKK", "less, support the rows do not itemise",
		"Without a published value (listed, never counted, never zero):", "Caesar", "https://fmn.dk/da/nyheder/2023/danmark-vil-donere-f16-fly-til-ukraine"} {
		if !strings.Contains(out, want) {
			t.Errorf("datasets show dk-mod lacks %q:\n%s", want, out)
		}
	}
	var j struct {
		Statuses      []string `json:"statuses"`
		AgainstTotals []string `json:"against_totals"`
		Unvalued      []struct {
			Note string `json:"note"`
		} `json:"unvalued"`
	}
	if err := json.Unmarshal([]byte(mustFS(t, db, "datasets", "show", "dk-mod", "--format", "json")), &j); err != nil {
		t.Fatal(err)
	}
	if strings.Join(j.Statuses, ",") != "committed" || len(j.AgainstTotals) < 2 || len(j.Unvalued) < 5 || j.Unvalued[0].Note == "" {
		t.Errorf("show dk-mod JSON: %+v", j)
	}
	if out := mustFS(t, db, "data", "verify"); !strings.Contains(out, "dataset dk-mod: its ") || !strings.Contains(out, "gave about DKK 70.3 bn") {
		t.Errorf("data verify does not state dk-mod against the ministry's total:\n%s", out)
	}
}
