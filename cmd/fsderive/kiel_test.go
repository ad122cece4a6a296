package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

type anyCode struct{}

func (anyCode) KnownDonor(string) bool    { return true }
func (anyCode) KnownCurrency(string) bool { return true }

func kielArgs(out, totals string) []string {
	return []string{"--explorer", "testdata/kiel/data_explorer.csv", "--release-info", "testdata/kiel/release_info.csv",
		"--totals", totals, "--out", out}
}

func TestRunKiel(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "kiel-r29.csv")
	var stdout, stderr bytes.Buffer
	if err := kielRun(kielArgs(out, "testdata/kiel/total_allocations.csv"), &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{
		"2024         2.951234       2.951234   0.000000       2.851234",
		"Denmark 2024: EUR 2.851234 bn",
		"check: 12 months compared with the published monthly totals, tolerance EUR 1000000.00 a month, largest difference EUR 0.00, 0 outside",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}

	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "id,donor,recipient,date,amount,currency,category,status,dataset,description,source_url,source_title,publisher,source_date" {
		t.Errorf("header %q", lines[0])
	}
	if want := `,DNK,UKR,2024-12-01,2051234000.00,EUR,in-kind,delivered,kiel-r29,"Kiel Ukraine Support Tracker R29: military allocations, 2024-12 (monthly aggregate; Kiel does not split military aid by NATO cost category, recorded as in-kind)",https://www.ifw-kiel.de/de/publikationen/data-sets/daten-des-ukraine-support-trackers-17410/,"Ukraine Support Tracker, Release 29, data set (Daten des Ukraine Support Trackers)",Kiel Institute for the World Economy,2026-08-04`; lines[4] != want {
		t.Errorf("row 4\n got %s\nwant %s", lines[4], want)
	}
	cs, err := ledgerio.ReadCSV(bytes.NewReader(b), "kiel-r29.csv", anyCode{}, ledgerio.Options{Dataset: "kiel-r29"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 || cs[0].Donor != "AUS" || cs[1].Donor != "DNK" || cs[1].Amount != 500_000_000_00 {
		t.Errorf("round trip: %+v", cs)
	}

	b, err = os.ReadFile(filepath.Join(dir, "kiel-r29.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		fairshare.Dataset
		Inputs []kielInput `json:"inputs"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "kiel-r29" || m.Title != "Ukraine Support Tracker, Release 29" || m.ReleaseDate != "2026-08-04" ||
		strings.Join(m.NoData, ",") != "ALB,MNE,MKD" || len(m.Inputs) != 3 ||
		!strings.HasPrefix(m.Coverage, "military allocations per donor and month, 2024-01 to 2024-12;") ||
		!strings.Contains(m.Coverage, "zero rather than no data: BEL,") ||
		strings.Join(m.Statuses, ",") != "delivered" || !strings.HasPrefix(m.Measure, "allocations:") || m.CompiledBy == "" {
		t.Errorf("metadata %+v", m)
	}
	got := map[string]string{}
	for _, pt := range m.Totals {
		got[pt.Scope] = pt.AmountEUR + " " + pt.Qualifier
		if pt.URL == "" || pt.Publisher == "" || pt.Year != 2024 {
			t.Errorf("total without citation or year: %+v", pt)
		}
	}
	want := map[string]string{"all-donors": "2951234000 ", "NATO-29": "2900000000 about", "DNK": "2900000000 about"}
	if len(got) != len(want) {
		t.Errorf("totals %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("total %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestRunKielErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "kiel.csv")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"mismatch", kielArgs(out, "testdata/kiel/total_allocations_mismatch.csv"),
			"differ from the published monthly totals by more than EUR 1000000.00 in 1 month(s): 2024-02: EUR 300000000.00 derived, 400000000.00 published"},
		{"missing flags", []string{"--explorer", "x.csv"}, "are required"},
		{"both sources", append(kielArgs(out, "testdata/kiel/total_allocations.csv"), "--workbook", "x.xlsx"), "one of --explorer and --workbook"},
		{"bad tolerance", append(kielArgs(out, "testdata/kiel/total_allocations.csv"), "--tolerance", "lots"), "--tolerance"},
		{"no file", kielArgs(out, "testdata/kiel/nope.csv"), "nope.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := kielRun(tc.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed check still wrote the table")
	}
}

func TestRunKielWorkbook(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Bilateral Assistance, MAIN DATA"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"donor", "announcement_date", "month", "aid_type_general", "measure", "tot_sub_activity_value_EUR_redistr"},
		{"Australia", ".", 25, "Military", "Allocation", 100000000},
		{"Denmark", ".", 25, "Military ", "Allocation", 500000000},
		{"Denmark", ".", 26, "Military", "Allocation", 300000000},
		{"Denmark", ".", 36, "Military", "Allocation", 2051234000},
		{"Denmark", ".", 36, "Military", "Commitment", 9000000000},
		{"Denmark", ".", 36, "Financial", "Allocation", "."},
		{"Germany", ".", 36, "Financial", "Allocation", 7},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	wb := filepath.Join(dir, "Ukraine_Support_Tracker_Release_29.xlsx")
	if err := f.SaveAs(wb); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "kiel-r29.csv")
	var stdout, stderr bytes.Buffer
	err := kielRun([]string{"--workbook", wb, "--release-info", "testdata/kiel/release_info.csv",
		"--totals", "testdata/kiel/total_allocations.csv", "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Denmark 2024: EUR 2.851234 bn") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ledgerio.ReadCSV(bytes.NewReader(b), "kiel-r29.csv", anyCode{}, ledgerio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var pledged int
	for _, c := range cs {
		if c.Category != fairshare.InKind {
			t.Errorf("non-military row %+v", c)
		}
		if c.Status == fairshare.Pledged {
			pledged++
		}
	}
	if len(cs) != 5 || pledged != 1 {
		t.Errorf("got %d rows, %d pledged: %+v", len(cs), pledged, cs)
	}
}
