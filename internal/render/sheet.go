package render

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

// A report for spreadsheets, in the reader's language: amounts in millions
// and every share as a percentage, the unit named in each column's header.
// Danish CSV opens in a Danish Excel as it is: UTF-8 with a byte order
// mark, ';' between fields and a decimal comma.

// Cell is one value of a spreadsheet table: text, or a number with the
// decimals it is written with (nil is an empty cell).
type Cell struct {
	Text string
	Num  *big.Rat
	Frac *fairshare.Fraction // instead of Num: a fraction written as a percentage
	Dec  int
	Pct  bool // a percentage (Num already times 100)
}

// Sheet is a titled table.
type Sheet struct {
	Title  string
	Notes  []string
	Header []string
	Rows   [][]Cell
}

var sheetHeaders = map[string][]string{
	"en": {"Donor code", "Ally", "Weight (%)", "Fair share (%s m)", "Counted (%s m)", "Balance (%s m)", "Ratio (% of fair share)",
		"Counted (% of GDP)", "Dataset", "No data", "Opted out"},
	"da": {"Landekode", "Allieret", "Vægt (%)", "Rimelig andel (mio. %s)", "Opgjort (mio. %s)", "Saldo (mio. %s)",
		"Forhold (% af rimelig andel)", "Opgjort (% af BNP)", "Datasæt", "Ingen data", "Fravalgt"},
}

var (
	million = big.NewRat(1_000_000, 1)
	hundred = big.NewRat(100, 1)
)

func millions(a fairshare.Amount, cur string) *big.Rat { return new(big.Rat).Quo(a.Rat(cur), million) }

func percent(r *big.Rat) *big.Rat {
	if r == nil {
		return nil
	}
	return new(big.Rat).Mul(r, hundred)
}

// ReportSheet lays out a report for a spreadsheet in lang ("en" or "da").
func ReportSheet(r *fairshare.Report, lang string) Sheet {
	if lang != "da" {
		lang = "en"
	}
	cur := r.Currency
	yes := map[string]string{"en": "yes", "da": "ja"}[lang]
	s := Sheet{Title: r.Target.ID + ": " + r.Target.Name}
	for _, h := range sheetHeaders[lang] {
		if strings.Contains(h, "%s") {
			h = fmt.Sprintf(h, cur)
		}
		s.Header = append(s.Header, h)
	}
	asOf := r.AsOf.UTC().Format("2006-01-02 15:04 MST")
	if lang == "da" {
		s.Notes = []string{fmt.Sprintf("Fordelingsnøgle %s (%d); datasæt %s; regnskab pr. %s; beløb i mio. %s", r.Key, r.KeyYear, r.Datasets, asOf, cur)}
	} else {
		s.Notes = []string{fmt.Sprintf("Key %s (%d); datasets %s; ledger as of %s; amounts in %s million", r.Key, r.KeyYear, r.Datasets, asOf, cur)}
	}
	dec := 6 // millions to the unit
	for _, row := range r.Rows {
		name := row.Name
		if lang == "da" && row.NameDA != "" {
			name = row.NameDA
		}
		flag := func(b bool) Cell {
			if b {
				return Cell{Text: yes}
			}
			return Cell{}
		}
		cells := []Cell{{Text: row.Donor}, {Text: name}, {Num: percent(row.Weight), Dec: 4, Pct: true},
			{Num: millions(row.FairShare, cur), Dec: dec}, {Num: millions(row.Counted, cur), Dec: dec}, {Num: millions(row.Balance, cur), Dec: dec},
			{Num: percent(row.Ratio), Dec: 2, Pct: true}, {Frac: row.PctGDP, Dec: 4, Pct: true},
			{Text: row.Dataset}, flag(row.NoData), flag(row.OptedOut)}
		if row.NoData {
			cells[4], cells[5], cells[6], cells[7] = Cell{}, Cell{}, Cell{}, Cell{}
		}
		s.Rows = append(s.Rows, cells)
	}
	return s
}

// format writes a cell for CSV in lang.
func (c Cell) format(lang string) string {
	var s string
	switch {
	case c.Frac != nil:
		s = c.Frac.PercentText(c.Dec)
	case c.Num != nil:
		s = c.Num.FloatString(c.Dec)
	default:
		return csvio.SafeCell(c.Text)
	}
	if lang == "da" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// SheetCSV writes a sheet as CSV: English with ',' and '.', Danish with a
// byte order mark, ';' and ','.
func SheetCSV(w io.Writer, s Sheet, lang string) error {
	cw := csv.NewWriter(w)
	if lang == "da" {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw.Comma = ';'
	}
	cw.Write(s.Header)
	for _, row := range s.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = c.format(lang)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ReportCSV writes a report as CSV for lang: "" keeps the stable English
// columns of CSVColumns; "en" and "da" give the spreadsheet layout.
func ReportCSV(w io.Writer, r *fairshare.Report, lang string) error {
	if lang == "" {
		return reportCSV(w, r)
	}
	return SheetCSV(w, ReportSheet(r, lang), lang)
}

// SheetXLSX writes sheets as an Excel workbook, numbers as numbers with
// their decimals and percentages as numbers in percent.
func SheetXLSX(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	styles := map[int]int{}
	numStyle := func(dec int) (int, error) {
		if st, ok := styles[dec]; ok {
			return st, nil
		}
		fmtStr := "#,##0"
		if dec > 0 {
			fmtStr += "." + strings.Repeat("0", min(dec, 2))
		}
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtStr})
		styles[dec] = st
		return st, err
	}
	for i, s := range sheets {
		name := fmt.Sprintf("Sheet%d", i+1)
		if i > 0 {
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		row := 1
		put := func(col int, v any) {
			cell, _ := excelize.CoordinatesToCellName(col, row)
			f.SetCellValue(name, cell, v)
		}
		put(1, s.Title)
		f.SetCellStyle(name, "A1", "A1", bold)
		row++
		for _, n := range s.Notes {
			put(1, n)
			row++
		}
		row++
		for c, h := range s.Header {
			put(c+1, h)
		}
		a, _ := excelize.CoordinatesToCellName(1, row)
		b, _ := excelize.CoordinatesToCellName(len(s.Header), row)
		f.SetCellStyle(name, a, b, bold)
		row++
		for _, r := range s.Rows {
			for c, cell := range r {
				switch {
				case cell.Frac != nil:
					put(c+1, cell.Frac.Percent())
				case cell.Num != nil:
					v, _ := cell.Num.Float64()
					put(c+1, v)
				default:
					if cell.Text != "" {
						put(c+1, cell.Text)
					}
					continue
				}
				st, err := numStyle(cell.Dec)
				if err != nil {
					return err
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, row)
				f.SetCellStyle(name, ref, ref, st)
			}
			row++
		}
		f.SetColWidth(name, "A", "A", 12)
		f.SetColWidth(name, "B", "B", 22)
		f.SetColWidth(name, "C", "K", 18)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
