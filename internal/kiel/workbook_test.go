package kiel

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fairshare/fairshare"
)

// header is the main sheet's header in a release-like layout, with columns
// the reader does not need (and one that drifted in: "new_column_R30").
var header = []any{"ID", "donor", "new_column_R30", "announcement_date", "month", "aid_type_general ",
	"aid_type_specific", "measure", "reporting_currency", "tot_activity_value", "tot_activity_value_EUR",
	"tot_sub_activity_value_EUR_redistr", "Source of Aid 1"}

// makeWorkbook writes a workbook with a README sheet and the main sheet
// holding header and rows, and returns its bytes.
func makeWorkbook(t *testing.T, header []any, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "README"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("README", "A1", "Ukraine Support Tracker - Release 29"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet(MainSheet); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter(MainSheet)
	if err != nil {
		t.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	all := append([][]any{header}, rows...)
	for i, r := range all {
		vals := make([]any, len(r))
		for j, v := range r {
			if tm, ok := v.(time.Time); ok {
				vals[j] = excelize.Cell{StyleID: dateStyle, Value: tm}
				continue
			}
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func row(id int, donor string, announced any, month any, typ, specific, measure string, value any) []any {
	return []any{id, donor, "x", announced, month, typ, specific, measure, "EUR", value, value, value, "https://example.org/" + donor}
}

func TestReadWorkbook(t *testing.T) {
	d := func(s string) time.Time { tm, _ := time.Parse("2006-01-02", s); return tm }
	rows := [][]any{
		row(1, "Denmark", d("2024-06-03"), 30, "Military", "Weapons and equipment", "Allocation", 1000000.5),
		row(2, "Denmark ", d("2024-06-20"), 30, "Military ", "Ammunition", "Allocation ", 250000),
		row(3, "Denmark", d("2024-07-01"), 31, "Military", ".", "Allocation", -300000), // correction
		row(4, "Denmark", d("2024-08-01"), 32, "Military", ".", "Allocation", "0.1"),
		row(5, "Denmark", d("2024-08-02"), 32, "Military", ".", "Allocation", "0.2"),
		row(6, "Germany", d("2022-03-15"), ".", "Military", ".", "Commitment", "."), // placeholder value
		row(7, "Germany", d("2022-03-15"), 0, "Financial", "Budget support", "Commitment", 5e8),
		row(8, "EU (Commission and Council)", ".", 2, "Humanitarian", ".", "Allocation", "1.5E+7"),
		row(9, "United States", ".", ".", "Military", ".", "Allocation", 1000), // no usable date
		{},
		row(11, "Czech Republic", d("2023-01-10"), 13, "military", ".", "commitment", 42),
	}
	var warnings []string
	var done, total int
	rel, got, err := ReadWorkbook(bytes.NewReader(makeWorkbook(t, header, rows)), Options{
		Progress: func(d, t int) { done, total = d, t },
		Warn:     func(s string) { warnings = append(warnings, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Number != 29 || rel.Dataset() != "kiel-r29" {
		t.Errorf("release %+v, want 29 found in README", rel)
	}
	if done != 12 || total != 12 {
		t.Errorf("progress %d/%d, want 12/12", done, total)
	}
	want := []struct {
		donor, date, amount string
		cat                 fairshare.Category
		st                  fairshare.Status
		desc                string
	}{
		{"CZE", "2023-01-01", "42.00", fairshare.InKind, fairshare.Pledged, "military commitments, 2023-01 (aggregate of 1 workbook row(s); Kiel does not split"},
		{"DEU", "2022-03-01", "500000000.00", fairshare.Financial, fairshare.Pledged, "financial commitments, 2022-03 (aggregate of 1 workbook row(s); Budget support)"},
		{"DNK", "2024-06-01", "950000.50", fairshare.InKind, fairshare.Delivered, "military allocations, 2024-06 (aggregate of 2 workbook row(s); Ammunition, Weapons and equipment; Kiel does not split military aid by NATO cost category, recorded as in-kind; net of Kiel's negative correction(s) booked in 2024-07)"},
		{"DNK", "2024-08-01", "0.30", fairshare.InKind, fairshare.Delivered, "military allocations, 2024-08 (aggregate of 2 workbook row(s);"},
		{"EUI", "2022-02-01", "15000000.00", fairshare.Humanitarian, fairshare.Delivered, "humanitarian allocations, 2022-02 (aggregate of 1 workbook row(s))"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d contributions, want %d:\n%+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Donor != w.donor || c.Date.String() != w.date || c.Amount.Format("EUR") != w.amount || c.Category != w.cat || c.Status != w.st {
			t.Errorf("%d: got %s %s %s %s %s, want %s %s %s %s %s", i, c.Donor, c.Date, c.Amount.Format("EUR"), c.Category, c.Status,
				w.donor, w.date, w.amount, w.cat, w.st)
		}
		if !strings.Contains(c.Description, "Kiel Ukraine Support Tracker R29: "+w.desc) {
			t.Errorf("%d: description %q\nwant it to contain %q", i, c.Description, w.desc)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%d: %v", i, err)
		}
		if c.Dataset != "kiel-r29" || c.Source.URL != URL || c.Currency != "EUR" || c.Recipient != "UKR" {
			t.Errorf("%d: %+v", i, c)
		}
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range []string{`row 10: month unknown and announcement_date "." unusable; row skipped`, "1 row(s) with no value"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", warnings, w)
		}
	}
}

func TestReadWorkbookErrors(t *testing.T) {
	drop := func(name string) []any {
		var h []any
		for _, c := range header {
			if strings.TrimSpace(c.(string)) != name {
				h = append(h, c)
			}
		}
		return h
	}
	ok := row(1, "Denmark", ".", 30, "Military", ".", "Allocation", 1)
	for _, tc := range []struct {
		name   string
		header []any
		rows   [][]any
		want   []string
	}{
		{"missing measure", drop("measure"), nil,
			[]string{`sheet "Bilateral Assistance, MAIN DATA"`, `missing required column(s) "measure"`, `found columns: "ID", "donor"`}},
		{"missing two", []any{"donor", "month", "aid_type_general"}, nil,
			[]string{`missing required column(s) "announcement_date", "measure", "tot_sub_activity_value_EUR_redistr"`}},
		{"no header", []any{"country", "when"}, nil,
			[]string{`missing required column(s) "donor"`, `found columns: "country", "when"`}},
		{"unknown donor", header, [][]any{row(1, "Atlantis", ".", 3, "Military", ".", "Allocation", 1)},
			[]string{`row 2, column "donor" (B): unknown donor "Atlantis"`}},
		{"bad type", header, [][]any{row(1, "Denmark", ".", 3, "Cyber", ".", "Allocation", 1)},
			[]string{`row 2, column "aid_type_general" (F): "Cyber" is not Military, Financial or Humanitarian`}},
		{"bad measure", header, [][]any{row(1, "Denmark", ".", 3, "Military", ".", "Rumour", 1)},
			[]string{`row 2, column "measure" (H)`}},
		{"bad month", header, [][]any{ok, row(2, "Denmark", ".", "June", "Military", ".", "Allocation", 1)},
			[]string{`row 3, column "month" (E): "June" is not a month number`}},
		{"bad value", header, [][]any{row(1, "Denmark", ".", 3, "Military", ".", "Allocation", "12 000")},
			[]string{`row 2, column "tot_sub_activity_value_EUR_redistr" (L)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadWorkbook(bytes.NewReader(makeWorkbook(t, tc.header, tc.rows)), Options{Release: r29})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestReadWorkbookNoSheet(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ReadWorkbook(bytes.NewReader(buf.Bytes()), Options{Release: r29})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Bilateral Assistance, MAIN DATA" (sheets: "Sheet1")`) {
		t.Fatalf("err = %v", err)
	}
}

func TestReadWorkbookFileRelease(t *testing.T) {
	b := makeWorkbook(t, header, [][]any{row(1, "Norway", ".", 30, "Military", ".", "Allocation", 10)})
	path := filepath.Join(t.TempDir(), "Ukraine_Support_Tracker_Release_31.xlsx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rel, cs, err := ReadWorkbookFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Number != 31 || len(cs) != 1 || cs[0].Dataset != "kiel-r31" || cs[0].Donor != "NOR" {
		t.Errorf("release %+v, contributions %+v", rel, cs)
	}
}

func TestDonorISO(t *testing.T) {
	for name, want := range map[string]string{
		"Denmark": "DNK", " united  kingdom ": "GBR", "EU (Commission and Council)": "EUI", "Türkiye": "TUR",
		"Turkiye": "TUR", "Czech Republic": "CZE", "South Korea": "KOR", "Taiwan": "TWN", "usa": "USA",
	} {
		if got, ok := DonorISO(name); !ok || got != want {
			t.Errorf("DonorISO(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := DonorISO("Albania"); ok {
		t.Error("Albania is not tracked")
	}
	if n := len(NATO()); n != 29 {
		t.Errorf("%d NATO donors, want 29", n)
	}
	if n := len(Donors); n != 42 {
		t.Errorf("%d donors, want 42 (41 countries and EU institutions)", n)
	}
}

func TestNetNegatives(t *testing.T) {
	c := func(m int, a fairshare.Amount) cell { return cell{m: month(m), amount: a} }
	for _, tc := range []struct {
		name    string
		in      []cell
		want    []fairshare.Amount // amounts of the months left, in order
		months  []int
		dropped fairshare.Amount
	}{
		{"none", []cell{c(1, 5), c(2, 7)}, []fairshare.Amount{5, 7}, []int{1, 2}, 0},
		{"previous month", []cell{c(1, 5), c(2, 7), c(3, -3)}, []fairshare.Amount{5, 4}, []int{1, 2}, 0},
		{"spills back", []cell{c(1, 5), c(2, 2), c(3, -3)}, []fairshare.Amount{4}, []int{1}, 0},
		{"forward", []cell{c(1, -3), c(2, 2), c(3, 5)}, []fairshare.Amount{4}, []int{3}, 0},
		{"skips negatives ahead", []cell{c(1, -3), c(2, -1), c(3, 5)}, []fairshare.Amount{1}, []int{3}, 0},
		{"negative total", []cell{c(1, 2), c(2, -5)}, nil, nil, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, dropped := netNegatives(tc.in)
			if dropped != tc.dropped || len(out) != len(tc.want) {
				t.Fatalf("got %+v dropped %d", out, dropped)
			}
			for i := range out {
				if out[i].amount != tc.want[i] || int(out[i].m) != tc.months[i] {
					t.Errorf("%d: got %+v", i, out[i])
				}
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0.1", "1/10"}, {"-300000", "-300000"}, {"1.5E+7", "15000000"}, {"2.5e-3", "1/400"},
		{"+.5", "1/2"}, {"5.", "5"}, {" 42 ", "42"},
	} {
		got, err := parseDecimal(tc.in)
		if err != nil || got.RatString() != tc.want {
			t.Errorf("parseDecimal(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", ".", "1/3", "1e", "1e1000", "NaN", "Inf", "1,5", "0x10", "1.2.3", "--1", strings.Repeat("9", 70)} {
		if v, err := parseDecimal(in); err == nil {
			t.Errorf("parseDecimal(%q) = %v, want an error", in, v)
		}
	}
}

// FuzzReadWorkbook puts arbitrary cell text in a workbook of the tracker's
// layout: the reader refuses or accepts it, never panics, and what it
// accepts is a valid contribution.
func FuzzReadWorkbook(f *testing.F) {
	f.Add("Denmark", "30", "Military", "Allocation", "1000000.5")
	f.Add("Denmark ", "0", "Military ", "Commitment", ".")
	f.Add("Atlantis", "-1", "Financial", "Allocation", "-300000")
	f.Add("United States", "99999999999", "Humanitarian", "x", "1e308")
	f.Fuzz(func(t *testing.T, donor, month, typ, measure, value string) {
		wb := makeWorkbook(t, header, [][]any{
			{1, donor, "x", "2024-06-03", month, typ, "spec", measure, "EUR", value, value, value, "https://example.org/"},
		})
		_, cs, err := ReadWorkbook(bytes.NewReader(wb), Options{Release: Release{Number: 29, Date: fairshare.MustDate("2026-08-04")}})
		if err != nil {
			return
		}
		for _, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("accepted an invalid contribution %+v: %v", c, err)
			}
		}
	})
}
