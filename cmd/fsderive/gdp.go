package main

// gdp: GDP in current prices per donor and year, in the source's currency and
// in EUR millions.
//
//	go run ./cmd/fsderive gdp --worldbank gdp.csv --ecb eurofxref-hist.csv \
//	    --out internal/refdata/data/gdp.csv
//
// Rows for --from..--to (default 2021-2023) come from the World Bank's
// NY.GDP.MKTP.CD (current US$) file for every donor in donors.csv; the EU
// institutions (EUI) get the EU27 aggregate (World Bank code EUU). Rows for
// later years come from the hand-written --hand file (same columns; IMF WEO in
// USD or Eurostat in EUR), which is checked and merged. A USD value is
// converted at the ECB annual average USD rate of its year (rounded as in
// fx_averages.csv, e.g. 1.0813 for 2023): gdp_eur_mn = value / usd_per_eur /
// 1e6, rounded half away from zero to 0.1. A EUR value needs no rate. The
// --hand file may leave usd_per_eur, gdp_eur_mn and conversion empty; if it
// fills them they must agree with what this command computes.

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
)

func init() { commands["gdp"] = runGDP }

var gdpHeader = []string{"donor", "year", "value", "currency", "usd_per_eur", "gdp_eur_mn", "publisher", "title", "source_date", "url", "vintage", "conversion"}

// gdpRow is one line of gdp.csv.
type gdpRow struct {
	Donor, Year, Value, Currency, USDPerEUR, EURMn string
	Publisher, Title, SourceDate, URL              string
	Vintage, Conversion                            string
}

func (r gdpRow) record() []string {
	return []string{r.Donor, r.Year, r.Value, r.Currency, r.USDPerEUR, r.EURMn,
		r.Publisher, r.Title, r.SourceDate, r.URL, r.Vintage, r.Conversion}
}

// worldBankCode maps a donor code to the World Bank's country code.
func worldBankCode(donor string) string {
	if donor == "EUI" {
		return "EUU" // European Union (EU27) aggregate
	}
	return donor
}

// readWorldBank reads a "Country Name,Country Code,Year,Value" file (the
// datasets/gdp and datasets/population packaging of World Bank WDI) into
// code -> year -> value as written.
func readWorldBank(path string) (map[string]map[int]string, error) {
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
	if strings.TrimPrefix(strings.Join(header, ","), "\ufeff") != "Country Name,Country Code,Year,Value" {
		return nil, fmt.Errorf("%s:1: header must be Country Name,Country Code,Year,Value", path)
	}
	out := map[string]map[int]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		year, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: Year: %q is not a year", path, line, rec[2])
		}
		v := strings.TrimSpace(rec[3])
		if v == "" {
			continue
		}
		if _, ok := new(big.Rat).SetString(v); !ok || strings.HasPrefix(v, "-") {
			return nil, fmt.Errorf("%s:%d: Value: %q is not a non-negative decimal", path, line, v)
		}
		if out[rec[1]] == nil {
			out[rec[1]] = map[int]string{}
		}
		out[rec[1]][year] = v
	}
	return out, nil
}

// eurMillions returns value / usdPerEUR / 1e6 rounded to one decimal; an
// empty usdPerEUR means value is already in EUR.
func eurMillions(value, usdPerEUR string) (string, error) {
	v, ok := new(big.Rat).SetString(value)
	if !ok {
		return "", fmt.Errorf("value %q is not a decimal", value)
	}
	if usdPerEUR != "" {
		rate, ok := new(big.Rat).SetString(usdPerEUR)
		if !ok || rate.Sign() <= 0 {
			return "", fmt.Errorf("usd_per_eur %q is not a positive decimal", usdPerEUR)
		}
		v.Quo(v, rate)
	}
	v.Quo(v, big.NewRat(1_000_000, 1))
	return v.FloatString(1), nil
}

// usdAnnual returns year -> ECB annual average USD per EUR.
func usdAnnual(h *ecbHistory) (map[string]string, error) {
	rows, err := h.averages("USD", "0000-00")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r.Period) == 4 {
			out[r.Period] = r.Rate
		}
	}
	return out, nil
}

// worldBankGDPRows builds the World Bank rows for donors and years.
func worldBankGDPRows(wb map[string]map[int]string, ds []donor, from, to int, usd map[string]string, sourceDate, vintage string) (rows []gdpRow, missing []string, err error) {
	for _, d := range ds {
		code := worldBankCode(d.Code)
		title := "World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD"
		if code != d.Code {
			title += ", European Union (EU27) aggregate " + code + " used for " + d.Code
		}
		for y := from; y <= to; y++ {
			v, ok := wb[code][y]
			if !ok {
				missing = append(missing, fmt.Sprintf("%s %d", d.Code, y))
				continue
			}
			year := strconv.Itoa(y)
			rate, ok := usd[year]
			if !ok {
				return nil, nil, fmt.Errorf("no ECB USD average for %s", year)
			}
			mn, err := eurMillions(v, rate)
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", d.Code, year, err)
			}
			conv := "USD at ECB annual average USD/EUR " + year
			if code != d.Code {
				conv += "; EU27 aggregate, not the EU institutions' own accounts"
			}
			rows = append(rows, gdpRow{
				Donor: d.Code, Year: year, Value: v, Currency: "USD", USDPerEUR: rate, EURMn: mn,
				Publisher: "World Bank", Title: title, SourceDate: sourceDate,
				URL:     "https://api.worldbank.org/v2/country/" + code + "/indicator/NY.GDP.MKTP.CD",
				Vintage: vintage, Conversion: conv,
			})
		}
	}
	return rows, missing, nil
}

// readGDPHand reads and completes the hand-written rows (see the file doc).
func readGDPHand(path string, known map[string]bool, usd map[string]string) ([]gdpRow, error) {
	var rows []gdpRow
	err := readHand(path, gdpHeader, func(rec []string, bad badFunc) error {
		r := gdpRow{rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], rec[8], rec[9], rec[10], rec[11]}
		if !known[r.Donor] {
			return bad("donor", "%q is not in donors.csv", r.Donor)
		}
		if y, err := strconv.Atoi(r.Year); err != nil || y < 1990 || y > 2100 {
			return bad("year", "%q is not a year", r.Year)
		}
		if !reDecimal.MatchString(r.Value) || strings.Trim(r.Value, "0.") == "" {
			return bad("value", "%q is not a positive decimal (full units, decimal point)", r.Value)
		}
		if r.Publisher == "" || r.Title == "" || r.URL == "" || r.Vintage == "" {
			return bad("source", "publisher, title, url and vintage are required")
		}
		if !reDate.MatchString(r.SourceDate) {
			return bad("source_date", "%q is not YYYY-MM-DD", r.SourceDate)
		}
		var rate, conv string
		switch r.Currency {
		case "USD":
			var ok bool
			if rate, ok = usd[r.Year]; !ok {
				return bad("year", "no ECB USD average for %s", r.Year)
			}
			conv = "USD at ECB annual average USD/EUR " + r.Year
		case "EUR":
			conv = "EUR, no conversion"
		default:
			return bad("currency", "%q: only USD and EUR are supported", r.Currency)
		}
		if r.USDPerEUR != "" && r.USDPerEUR != rate {
			return bad("usd_per_eur", "%q, but the ECB annual average is %q", r.USDPerEUR, rate)
		}
		mn, err := eurMillions(r.Value, rate)
		if err != nil {
			return bad("value", "%v", err)
		}
		if r.EURMn != "" && r.EURMn != mn {
			return bad("gdp_eur_mn", "%q, but value / usd_per_eur / 1e6 is %q", r.EURMn, mn)
		}
		r.USDPerEUR, r.EURMn = rate, mn
		if r.Conversion == "" {
			r.Conversion = conv
		}
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// mergeGDP joins the World Bank and hand rows, refusing a donor-year given
// twice, sorted by donor then year.
func mergeGDP(a, b []gdpRow) ([]gdpRow, error) {
	seen := map[string]bool{}
	out := make([]gdpRow, 0, len(a)+len(b))
	for _, r := range append(append([]gdpRow{}, a...), b...) {
		k := r.Donor + " " + r.Year
		if seen[k] {
			return nil, fmt.Errorf("%s %s: given twice", r.Donor, r.Year)
		}
		seen[k] = true
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Donor != out[j].Donor {
			return out[i].Donor < out[j].Donor
		}
		return out[i].Year < out[j].Year
	})
	return out, nil
}

func runGDP(args []string) error {
	fs := flag.NewFlagSet("gdp", flag.ContinueOnError)
	wbPath := fs.String("worldbank", "", "World Bank NY.GDP.MKTP.CD `file` (Country Name,Country Code,Year,Value)")
	ecb := fs.String("ecb", "", "ECB daily history `file` (eurofxref-hist.csv), for the annual USD averages")
	donors := fs.String("donors", defaultDonors, "donors.csv `file`")
	hand := fs.String("hand", "internal/refdata/data/gdp_2024_2025_imf.csv", "hand-written `file` of later years (same columns as the output); empty for none")
	from := fs.Int("from", 2021, "first `year` taken from the World Bank file")
	to := fs.Int("to", 2023, "last `year` taken from the World Bank file")
	sourceDate := fs.String("wb-date", "2024-10-21", "`date` of the World Bank download (the datasets/gdp commit of the shared copy)")
	vintage := fs.String("wb-vintage", "WDI as retrieved by github.com/datasets/gdp on 2024-10-21 (commit 1cdcd2e)", "vintage `text` for the World Bank rows")
	out := fs.String("out", "-", "output `file` (- for stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *wbPath == "" || *ecb == "" {
		return errors.New("gdp: --worldbank and --ecb are required")
	}
	if !reDate.MatchString(*sourceDate) {
		return fmt.Errorf("gdp: --wb-date %q is not YYYY-MM-DD", *sourceDate)
	}
	ds, err := readDonors(*donors)
	if err != nil {
		return err
	}
	h, err := readECBFile(*ecb)
	if err != nil {
		return err
	}
	usd, err := usdAnnual(h)
	if err != nil {
		return err
	}
	wb, err := readWorldBank(*wbPath)
	if err != nil {
		return err
	}
	rows, missing, err := worldBankGDPRows(wb, ds, *from, *to, usd, *sourceDate, *vintage)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "fsderive gdp: warning: not in the World Bank file: %s\n", strings.Join(missing, ", "))
	}
	var handRows []gdpRow
	if *hand != "" {
		known := map[string]bool{}
		for _, d := range ds {
			known[d.Code] = true
		}
		if handRows, err = readGDPHand(*hand, known, usd); err != nil {
			return err
		}
	}
	all, err := mergeGDP(rows, handRows)
	if err != nil {
		return fmt.Errorf("gdp: %w", err)
	}
	recs := make([][]string, len(all))
	for i, r := range all {
		recs[i] = r.record()
	}
	return writeCSV(*out, gdpHeader, recs)
}
