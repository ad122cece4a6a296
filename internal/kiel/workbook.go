package kiel

import (
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fairshare/fairshare"
)

// MainSheet is the workbook sheet ReadWorkbook reads.
const MainSheet = "Bilateral Assistance, MAIN DATA"

// Workbook columns, matched by header text (trimmed, case-insensitive).
const (
	colDonor    = "donor"
	colAnnounce = "announcement_date"
	colMonth    = "month"
	colType     = "aid_type_general"
	colMeasure  = "measure"
	colValue    = "tot_sub_activity_value_EUR_redistr"
	colSpecific = "aid_type_specific"
)

var (
	requiredCols = []string{colDonor, colAnnounce, colMonth, colType, colMeasure, colValue}
	optionalCols = []string{colSpecific}
)

// Options tune ReadWorkbook.
type Options struct {
	// Release names the dataset. When Number is 0, ReadWorkbookFile takes it
	// from a file name like Ukraine_Support_Tracker_Release_29.xlsx, and both
	// readers look for "Release NN" at the top of the workbook's other sheets.
	Release Release
	// Scale is how many euros one unit of the value column holds; 0 means 1
	// (the column is in euros).
	Scale int64
	// Progress, if set, is called now and then with the number of sheet rows
	// read and the sheet's row count (0 when the workbook does not say).
	Progress func(done, total int)
	// Warn, if set, receives one line for each row skipped and each
	// correction that could not be netted.
	Warn func(msg string)
}

func (o Options) warnf(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// ReadWorkbookFile opens the tracker workbook at path and reads it with ReadWorkbook.
func ReadWorkbookFile(path string, opts Options) (Release, []fairshare.Contribution, error) {
	if opts.Release.Number == 0 {
		if n, ok := releaseFromName(filepath.Base(path)); ok {
			opts.Release.Number = n
		}
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return Release{}, nil, fmt.Errorf("kiel: opening workbook: %w", err)
	}
	defer f.Close()
	return readWorkbook(f, opts)
}

// ReadWorkbook reads the tracker's full workbook, sheet "Bilateral
// Assistance, MAIN DATA", streaming its rows. It needs the columns donor,
// announcement_date, month (1 = January 2022, 0 = unknown), aid_type_general,
// measure and tot_sub_activity_value_EUR_redistr, found by header text
// anywhere in the first rows; other columns may come and go. It fails,
// naming the sheet, the missing columns and the columns it found, when one is
// missing.
//
// Rows are summed per donor, month, aid type and measure: Military becomes
// category in-kind, Financial financial, Humanitarian humanitarian;
// Allocation becomes status delivered, Commitment pledged. A row with month 0
// is placed in the month of its announcement_date. Rows whose value is "." or
// empty are placeholders and are skipped; so are rows without a donor, type,
// measure or usable date (each reported through Options.Warn). Negative
// values are corrections: they are summed with the month's other rows, and a
// negative monthly net is netted into the same series' other months as the
// package documentation describes. Errors name the sheet, row and column.
func ReadWorkbook(r io.Reader, opts Options) (Release, []fairshare.Contribution, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return Release{}, nil, fmt.Errorf("kiel: opening workbook: %w", err)
	}
	defer f.Close()
	return readWorkbook(f, opts)
}

var releaseRE = regexp.MustCompile(`(?i)release[ _-]*(?:no\.? *)?([0-9]{1,4})`)

func releaseFromName(s string) (int, bool) {
	m := releaseRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil && n > 0
}

// findRelease looks for "Release NN" in the first rows of the sheets other
// than the main one.
func findRelease(f *excelize.File, main string) (int, bool) {
	for _, sh := range f.GetSheetList() {
		if sh == main {
			continue
		}
		rows, err := f.Rows(sh)
		if err != nil {
			continue
		}
		for i := 0; i < 15 && rows.Next(); i++ {
			cols, _ := rows.Columns()
			for _, c := range cols {
				if n, ok := releaseFromName(c); ok {
					_ = rows.Close()
					return n, true
				}
			}
		}
		_ = rows.Close()
	}
	return 0, false
}

// sheetName finds the main sheet, tolerating case and stray spaces.
func sheetName(f *excelize.File) (string, error) {
	list := f.GetSheetList()
	for _, sh := range list {
		if sh == MainSheet {
			return sh, nil
		}
	}
	for _, sh := range list {
		if normHeader(sh) == normHeader(MainSheet) {
			return sh, nil
		}
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return "", fairshare.Errorf(fairshare.EINVALID, "kiel: workbook has no sheet %q (sheets: %s)", MainSheet, strings.Join(q, ", "))
}

// seriesKey identifies one aggregated series.
type seriesKey struct {
	donor    string
	category fairshare.Category
	status   fairshare.Status
}

type agg struct {
	sum      *big.Rat
	rows     int
	specific map[string]bool
}

func readWorkbook(f *excelize.File, opts Options) (Release, []fairshare.Contribution, error) {
	sheet, err := sheetName(f)
	if err != nil {
		return Release{}, nil, err
	}
	rel := opts.Release
	if rel.Number == 0 {
		n, ok := findRelease(f, sheet)
		if !ok {
			return Release{}, nil, fairshare.Errorf(fairshare.EINVALID, "kiel: cannot tell which release this workbook is; name the release")
		}
		rel.Number = n
	}
	if rel.Label == "" {
		rel.Label = rel.Title()
	}
	scale := one
	if opts.Scale > 1 {
		scale = new(big.Rat).SetInt64(opts.Scale)
	}
	total := 0
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if i := strings.LastIndexAny(dim, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"); i >= 0 {
			total, _ = strconv.Atoi(dim[i+1:])
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return Release{}, nil, fmt.Errorf("kiel: sheet %q: %w", sheet, err)
	}
	defer rows.Close()

	var (
		cols       map[string]int
		firstRow   []string
		rowNum     int
		cells      = map[seriesKey]map[month]*agg{}
		blankValue int
	)
	raw := excelize.Options{RawCellValue: true}
	for rows.Next() {
		rowNum++
		if opts.Progress != nil && rowNum%500 == 0 {
			opts.Progress(rowNum, total)
		}
		rec, err := rows.Columns(raw)
		if err != nil {
			return Release{}, nil, fmt.Errorf("kiel: sheet %q, row %d: %w", sheet, rowNum, err)
		}
		if cols == nil {
			if firstRow == nil && !blankRow(rec) {
				firstRow = rec
			}
			if hasCell(rec, colDonor) {
				if cols, err = columnIndex(fmt.Sprintf("sheet %q, header row %d", sheet, rowNum), rec, requiredCols, optionalCols); err != nil {
					return Release{}, nil, err
				}
				continue
			}
			if rowNum >= 20 {
				break
			}
			continue
		}
		if blankRow(rec) {
			continue
		}
		at := func(col string) string { return strings.TrimSpace(field(rec, cols[col])) }
		bad := func(col, format string, args ...any) error {
			return fairshare.Errorf(fairshare.EINVALID, "kiel: sheet %q, row %d, column %q (%s): %s",
				sheet, rowNum, col, colLetter(cols[col]), fmt.Sprintf(format, args...))
		}
		if isBlank(at(colValue)) {
			blankValue++
			continue
		}
		v, err := parseDecimal(at(colValue))
		if err != nil {
			return Release{}, nil, bad(colValue, "%v", err)
		}
		if _, err := eurAmount(v, scale); err != nil {
			return Release{}, nil, bad(colValue, "%v", err)
		}
		if isBlank(at(colDonor)) {
			opts.warnf("sheet %q, row %d: no donor; row skipped", sheet, rowNum)
			continue
		}
		donor, ok := DonorISO(at(colDonor))
		if !ok {
			return Release{}, nil, bad(colDonor, "unknown donor %q (add it to kiel.Donors or its aliases)", at(colDonor))
		}
		if isBlank(at(colType)) {
			opts.warnf("sheet %q, row %d: no %s; row skipped", sheet, rowNum, colType)
			continue
		}
		cat, ok := categoryOf(at(colType))
		if !ok {
			return Release{}, nil, bad(colType, "%q is not Military, Financial or Humanitarian", at(colType))
		}
		if isBlank(at(colMeasure)) {
			opts.warnf("sheet %q, row %d: no %s; row skipped", sheet, rowNum, colMeasure)
			continue
		}
		st, ok := statusOf(at(colMeasure))
		if !ok {
			return Release{}, nil, bad(colMeasure, "%q is not Allocation or Commitment", at(colMeasure))
		}
		m, ok, err := monthIndex(at(colMonth))
		if err != nil {
			return Release{}, nil, bad(colMonth, "%v", err)
		}
		if !ok {
			d, okd := cellDate(at(colAnnounce))
			if !okd {
				opts.warnf("sheet %q, row %d: month unknown and %s %q unusable; row skipped", sheet, rowNum, colAnnounce, at(colAnnounce))
				continue
			}
			m = monthOf(d.Year(), d.Month())
		}
		k := seriesKey{donor, cat, st}
		if cells[k] == nil {
			cells[k] = map[month]*agg{}
		}
		a := cells[k][m]
		if a == nil {
			a = &agg{sum: new(big.Rat), specific: map[string]bool{}}
			cells[k][m] = a
		}
		a.sum.Add(a.sum, v)
		a.rows++
		if s := at(colSpecific); !isBlank(s) {
			a.specific[strings.Join(strings.Fields(s), " ")] = true
		}
	}
	if err := rows.Error(); err != nil {
		return Release{}, nil, fmt.Errorf("kiel: sheet %q: %w", sheet, err)
	}
	if cols == nil {
		if _, err := columnIndex(fmt.Sprintf("sheet %q", sheet), firstRow, requiredCols, optionalCols); err != nil {
			return Release{}, nil, err
		}
	}
	if opts.Progress != nil {
		opts.Progress(rowNum, max(total, rowNum))
	}
	if blankValue > 0 {
		opts.warnf("sheet %q: %d row(s) with no value (\".\" or empty) skipped", sheet, blankValue)
	}

	keys := make([]seriesKey, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.donor != b.donor {
			return a.donor < b.donor
		}
		if a.category != b.category {
			return a.category < b.category
		}
		return a.status < b.status
	})
	var out []fairshare.Contribution
	for _, k := range keys {
		ms := make([]month, 0, len(cells[k]))
		for m := range cells[k] {
			ms = append(ms, m)
		}
		sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
		series := make([]cell, 0, len(ms))
		for _, m := range ms {
			a := cells[k][m]
			amt, err := eurAmount(a.sum, scale)
			if err != nil {
				return Release{}, nil, fairshare.Errorf(fairshare.EINVALID, "kiel: sheet %q: %s %s %s: %v", sheet, k.donor, m, k.category, err)
			}
			series = append(series, cell{m: m, amount: amt, rows: a.rows})
		}
		netted, dropped := netNegatives(series)
		if dropped > 0 {
			opts.warnf("sheet %q: %s %s: the series sums to EUR -%s; negative total dropped",
				sheet, k.donor, describeKind(k.category, k.status), dropped.Format("EUR"))
		}
		for _, c := range netted {
			desc := fmt.Sprintf("Kiel Ukraine Support Tracker R%d: %s, %s (aggregate of %d workbook row(s)%s%s%s)",
				rel.Number, describeKind(k.category, k.status), c.m, c.rows,
				specificNote(cells[k][c.m].specific), militaryNote(k.category), correctionNote(c))
			out = append(out, contribution(rel, k.donor, k.category, k.status, c, desc))
		}
	}
	return rel, out, nil
}

func militaryNote(c fairshare.Category) string {
	if c == fairshare.InKind {
		return "; Kiel does not split military aid by NATO cost category, recorded as in-kind"
	}
	return ""
}

func specificNote(set map[string]bool) string {
	if len(set) == 0 {
		return ""
	}
	s := make([]string, 0, len(set))
	for k := range set {
		s = append(s, k)
	}
	sort.Strings(s)
	const most = 5
	more := ""
	if len(s) > most {
		more = fmt.Sprintf(" and %d more", len(s)-most)
		s = s[:most]
	}
	return "; " + strings.Join(s, ", ") + more
}

func describeKind(c fairshare.Category, s fairshare.Status) string {
	kind := map[fairshare.Category]string{fairshare.InKind: "military", fairshare.Financial: "financial",
		fairshare.Humanitarian: "humanitarian"}[c]
	if s == fairshare.Delivered {
		return kind + " allocations"
	}
	return kind + " commitments"
}

func categoryOf(s string) (fairshare.Category, bool) {
	switch normHeader(s) {
	case "military":
		return fairshare.InKind, true
	case "financial":
		return fairshare.Financial, true
	case "humanitarian":
		return fairshare.Humanitarian, true
	}
	return "", false
}

func statusOf(s string) (fairshare.Status, bool) {
	switch normHeader(s) {
	case "allocation", "allocations", "allocated":
		return fairshare.Delivered, true
	case "commitment", "commitments", "committed":
		return fairshare.Pledged, true
	}
	return "", false
}

// monthIndex reads Kiel's month number (1 = January 2022); ok is false for 0
// or a placeholder, which mean unknown.
func monthIndex(s string) (month, bool, error) {
	if isBlank(s) {
		return 0, false, nil
	}
	v, err := parseDecimal(s)
	if err != nil || !v.IsInt() {
		return 0, false, fmt.Errorf("%q is not a month number (1 = January 2022, 0 = unknown)", s)
	}
	n := v.Num()
	if n.Sign() == 0 {
		return 0, false, nil
	}
	if n.Sign() < 0 || n.Cmp(big.NewInt(12*100)) > 0 {
		return 0, false, fmt.Errorf("month number %s is out of range (1 = January 2022)", s)
	}
	return monthOf(2022, time.January) + month(n.Int64()-1), true, nil
}

// cellDate reads a date cell: an Excel serial day number (raw cell value) or
// text such as 2022-02-27.
func cellDate(s string) (fairshare.Date, bool) {
	if isBlank(s) {
		return fairshare.Date{}, false
	}
	if v, err := parseDecimal(s); err == nil {
		days, _ := new(big.Float).SetRat(v).Int64()
		if days < 1 || days > 200000 {
			return fairshare.Date{}, false
		}
		return fairshare.DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))), true
	}
	if d, err := fairshare.ParseDate(s); err == nil {
		return d, true
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return fairshare.DateOf(t), true
	}
	return fairshare.Date{}, false
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func hasCell(rec []string, name string) bool {
	for _, c := range rec {
		if normHeader(c) == normHeader(name) {
			return true
		}
	}
	return false
}

func colLetter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return "?"
	}
	return s
}
