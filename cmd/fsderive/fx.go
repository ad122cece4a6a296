package main

// fx: monthly and annual averages of the ECB euro reference rates.
//
//	go run ./cmd/fsderive fx --ecb eurofxref-hist.csv \
//	    --extra internal/refdata/data/fx_extra.csv \
//	    --out internal/refdata/data/fx_averages.csv
//
// For every non-EUR currency named in donors.csv it writes one row per
// calendar month (period YYYY-MM) and per calendar year (period YYYY) from
// --from onwards, as far as the ECB file goes. rate is the arithmetic mean of
// the ECB daily reference rates published in the period (units of currency per
// 1 EUR), computed exactly and rounded half away from zero to the number of
// decimals the ECB quotes the currency with (the most decimals seen among the
// period's daily rates). That is the ECB's own convention for its published
// averages, so DKK 2024 comes out 7.4589 and USD 2024 1.0824. days is the
// number of daily rates averaged; a period that is not over yet (the file's
// last month and year) has fewer days. Currencies the ECB does not publish
// (ALL, MKD, TWD) come from the hand-written --extra file, which has the same
// columns and cites its own source per row; its rows are checked and merged.

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func init() { commands["fx"] = runFX }

// fxHeader is the column list of fx_averages.csv and fx_extra.csv.
var fxHeader = []string{"currency", "period", "rate", "days", "publisher", "title", "source_date", "url"}

const (
	ecbPublisher = "European Central Bank"
	ecbTitle     = "Euro foreign exchange reference rates, daily history (eurofxref-hist); arithmetic mean of the daily rates in the period"
	ecbURL       = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
)

// defaultDonors is where donors.csv lives, relative to the repository root.
const defaultDonors = "internal/refdata/data/donors.csv"

// fxRow is one line of fx_averages.csv.
type fxRow struct {
	Currency, Period, Rate string
	Days                   string // decimal integer; may be empty in --extra rows
	Publisher, Title       string
	SourceDate, URL        string
}

func (r fxRow) record() []string {
	return []string{r.Currency, r.Period, r.Rate, r.Days, r.Publisher, r.Title, r.SourceDate, r.URL}
}

// ecbObs is one published daily rate.
type ecbObs struct {
	date  string // YYYY-MM-DD
	value string // as published, e.g. "7.4589"
}

// ecbHistory is the parsed eurofxref-hist.csv: per currency, its published
// daily rates in ascending date order.
type ecbHistory struct {
	last   string // latest date in the file
	series map[string][]ecbObs
}

var (
	reDate     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reCurrency = regexp.MustCompile(`^[A-Z]{3}$`)
	rePeriod   = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2]))?$`)
	reDecimal  = regexp.MustCompile(`^\d+(\.\d+)?$`)
	rePosInt   = regexp.MustCompile(`^[1-9]\d*$`)
	reMonth    = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
)

// readECB parses the ECB daily history file: header "Date,USD,JPY,...,"
// (trailing comma), one row per business day, newest first, "N/A" where a
// currency was not quoted.
func readECB(r io.Reader) (*ecbHistory, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("ecb: header: %w", err)
	}
	if len(header) < 2 || strings.TrimPrefix(header[0], "\ufeff") != "Date" {
		return nil, errors.New("ecb: header must start with Date")
	}
	h := &ecbHistory{series: map[string][]ecbObs{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ecb: %w", err)
		}
		line, _ := cr.FieldPos(0)
		date := rec[0]
		if !reDate.MatchString(date) {
			return nil, fmt.Errorf("ecb:%d: Date: %q is not YYYY-MM-DD", line, date)
		}
		if date > h.last {
			h.last = date
		}
		for i := 1; i < len(rec) && i < len(header); i++ {
			cur := strings.TrimSpace(header[i])
			v := strings.TrimSpace(rec[i])
			if cur == "" || v == "" || v == "N/A" {
				continue
			}
			if !reDecimal.MatchString(v) {
				return nil, fmt.Errorf("ecb:%d: %s: %q is not a decimal", line, cur, v)
			}
			h.series[cur] = append(h.series[cur], ecbObs{date, v})
		}
	}
	if h.last == "" {
		return nil, errors.New("ecb: no rows")
	}
	for _, s := range h.series {
		sort.Slice(s, func(i, j int) bool { return s[i].date < s[j].date })
	}
	return h, nil
}

func readECBFile(path string) (*ecbHistory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readECB(f)
}

// decimals returns the number of digits after the decimal point of s.
func decimals(s string) int {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// meanRate averages decimal strings exactly and rounds the mean half away
// from zero to the most decimals found among them.
func meanRate(values []string) (string, error) {
	if len(values) == 0 {
		return "", errors.New("no values")
	}
	sum := new(big.Rat)
	dec := 0
	for _, v := range values {
		r, ok := new(big.Rat).SetString(v)
		if !ok {
			return "", fmt.Errorf("%q is not a decimal", v)
		}
		sum.Add(sum, r)
		dec = max(dec, decimals(v))
	}
	sum.Quo(sum, new(big.Rat).SetInt64(int64(len(values))))
	return sum.FloatString(dec), nil // FloatString rounds half away from zero
}

// averages returns the monthly and annual averages of currency cur for every
// period from from (YYYY-MM) onwards that has at least one published rate.
func (h *ecbHistory) averages(cur, from string) ([]fxRow, error) {
	byPeriod := map[string][]string{}
	var periods []string
	for _, o := range h.series[cur] {
		month := o.date[:7]
		if month < from {
			continue
		}
		for _, p := range []string{month, o.date[:4]} {
			if _, ok := byPeriod[p]; !ok {
				periods = append(periods, p)
			}
			byPeriod[p] = append(byPeriod[p], o.value)
		}
	}
	sort.Strings(periods)
	rows := make([]fxRow, 0, len(periods))
	for _, p := range periods {
		rate, err := meanRate(byPeriod[p])
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", cur, p, err)
		}
		rows = append(rows, fxRow{
			Currency: cur, Period: p, Rate: rate, Days: strconv.Itoa(len(byPeriod[p])),
			Publisher: ecbPublisher, Title: ecbTitle, SourceDate: h.last, URL: ecbURL,
		})
	}
	return rows, nil
}

// donor is the part of a donors.csv row the derive commands need.
type donor struct {
	Code       string
	Currencies []string // ISO 4217 codes, oldest first
}

// parseCurrencies parses donors.csv's currencies column: ";"-separated
// entries "CODE" or "CODE@YYYY-MM-DD" (the day the currency starts).
func parseCurrencies(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ";") {
		code, since, dated := strings.Cut(strings.TrimSpace(part), "@")
		if !reCurrency.MatchString(code) {
			return nil, fmt.Errorf("currency %q is not an ISO 4217 code", code)
		}
		if dated && !reDate.MatchString(since) {
			return nil, fmt.Errorf("currency %s: start %q is not YYYY-MM-DD", code, since)
		}
		out = append(out, code)
	}
	return out, nil
}

// readDonors reads donors.csv (columns looked up by name).
func readDonors(path string) ([]donor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	ci, ok1 := col["code"]
	cc, ok2 := col["currencies"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: header needs code and currencies columns", path)
	}
	var out []donor
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		code := rec[ci]
		if !reCurrency.MatchString(code) { // also three capital letters
			return nil, fmt.Errorf("%s:%d: code: %q is not three capital letters", path, line, code)
		}
		if seen[code] {
			return nil, fmt.Errorf("%s:%d: code: %s repeated", path, line, code)
		}
		seen[code] = true
		curs, err := parseCurrencies(rec[cc])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: currencies: %w", path, line, err)
		}
		out = append(out, donor{Code: code, Currencies: curs})
	}
	return out, nil
}

// readFXExtra reads hand-written rows in the fx_averages.csv format.
func readFXExtra(path string) ([]fxRow, error) {
	var rows []fxRow
	err := readHand(path, fxHeader, func(rec []string, bad badFunc) error {
		r := fxRow{rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7]}
		switch {
		case !reCurrency.MatchString(r.Currency):
			return bad("currency", "%q is not an ISO 4217 code", r.Currency)
		case !rePeriod.MatchString(r.Period):
			return bad("period", "%q is not YYYY or YYYY-MM", r.Period)
		case !reDecimal.MatchString(r.Rate) || strings.Trim(r.Rate, "0.") == "":
			return bad("rate", "%q is not a positive decimal", r.Rate)
		case r.Days != "" && !rePosInt.MatchString(r.Days):
			return bad("days", "%q is not a positive integer", r.Days)
		case r.Publisher == "" || r.Title == "" || r.URL == "":
			return bad("source", "publisher, title and url are required")
		case !reDate.MatchString(r.SourceDate):
			return bad("source_date", "%q is not YYYY-MM-DD", r.SourceDate)
		}
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// deriveFX computes the table: ECB averages for every currency in
// currencies the ECB publishes, plus the extra rows.
func deriveFX(h *ecbHistory, currencies []string, from string, extra []fxRow) (rows []fxRow, missing []string, err error) {
	for _, cur := range currencies {
		if cur == "EUR" {
			continue
		}
		avg, err := h.averages(cur, from)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, avg...)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Currency+" "+r.Period] = true
	}
	for _, r := range extra {
		k := r.Currency + " " + r.Period
		if seen[k] {
			return nil, nil, fmt.Errorf("extra: %s %s is already derived (ECB or an earlier extra row)", r.Currency, r.Period)
		}
		seen[k] = true
		rows = append(rows, r)
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Currency] = true
	}
	for _, cur := range currencies {
		if cur != "EUR" && !have[cur] {
			missing = append(missing, cur)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Currency != rows[j].Currency {
			return rows[i].Currency < rows[j].Currency
		}
		return rows[i].Period < rows[j].Period
	})
	return rows, missing, nil
}

// donorCurrencies lists the distinct currencies of the donors, sorted.
func donorCurrencies(ds []donor) []string {
	set := map[string]bool{}
	for _, d := range ds {
		for _, c := range d.Currencies {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// writeCSV writes header and records to path ("-" for stdout).
func writeCSV(path string, header []string, records [][]string) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if path != "-" {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
		w = f
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(records); err != nil { // WriteAll flushes
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

func runFX(args []string) error {
	fs := flag.NewFlagSet("fx", flag.ContinueOnError)
	ecb := fs.String("ecb", "", "ECB daily history `file` (eurofxref-hist.csv, unzipped)")
	extra := fs.String("extra", "", "hand-written `file` of averages the ECB does not publish (same columns as the output)")
	donors := fs.String("donors", defaultDonors, "donors.csv `file`: its non-EUR currencies are the ones derived")
	from := fs.String("from", "2021-01", "first `month` (YYYY-MM)")
	out := fs.String("out", "-", "output `file` (- for stdout)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: fsderive fx --ecb FILE [--extra FILE] [--donors FILE] [--from YYYY-MM] [--out FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ecb == "" {
		return errors.New("fx: --ecb is required")
	}
	if !reMonth.MatchString(*from) {
		return fmt.Errorf("fx: --from %q is not YYYY-MM", *from)
	}
	ds, err := readDonors(*donors)
	if err != nil {
		return err
	}
	h, err := readECBFile(*ecb)
	if err != nil {
		return err
	}
	var extraRows []fxRow
	if *extra != "" {
		if extraRows, err = readFXExtra(*extra); err != nil {
			return err
		}
	}
	rows, missing, err := deriveFX(h, donorCurrencies(ds), *from, extraRows)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "fsderive fx: warning: no rates for %s (not published by the ECB and not in --extra)\n", strings.Join(missing, ", "))
	}
	recs := make([][]string, len(rows))
	for i, r := range rows {
		recs[i] = r.record()
	}
	return writeCSV(*out, fxHeader, recs)
}
