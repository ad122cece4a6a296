package main

// population: total population per donor and year.
//
//	go run ./cmd/fsderive population --worldbank population.csv \
//	    --out internal/refdata/data/population.csv
//
// Rows for --from..--to (default 2021-2024) come from the World Bank's
// SP.POP.TOTL file for every donor in donors.csv; the EU institutions (EUI)
// get the EU27 aggregate (World Bank code EUU). Donors the file lacks (Taiwan)
// are reported on stderr and left out.

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

func init() { commands["population"] = runPopulation }

var populationHeader = []string{"donor", "year", "population", "publisher", "title", "source_date", "url", "vintage"}

var reCount = regexp.MustCompile(`^\d+$`)

// populationRows builds the World Bank rows, sorted as ds then year.
func populationRows(wb map[string]map[int]string, ds []donor, from, to int, sourceDate, vintage string) (rows [][]string, missing []string, err error) {
	for _, d := range ds {
		code := worldBankCode(d.Code)
		title := "World Development Indicators: Population, total, SP.POP.TOTL"
		if code != d.Code {
			title += ", European Union (EU27) aggregate " + code + " used for " + d.Code
		}
		for y := from; y <= to; y++ {
			v, ok := wb[code][y]
			if !ok {
				missing = append(missing, fmt.Sprintf("%s %d", d.Code, y))
				continue
			}
			if !reCount.MatchString(v) {
				return nil, nil, fmt.Errorf("%s %d: population %q is not a whole number", code, y, v)
			}
			rows = append(rows, []string{d.Code, strconv.Itoa(y), v, "World Bank", title, sourceDate,
				"https://api.worldbank.org/v2/country/" + code + "/indicator/SP.POP.TOTL", vintage})
		}
	}
	return rows, missing, nil
}

func runPopulation(args []string) error {
	fs := flag.NewFlagSet("population", flag.ContinueOnError)
	wbPath := fs.String("worldbank", "", "World Bank SP.POP.TOTL `file` (Country Name,Country Code,Year,Value)")
	donors := fs.String("donors", defaultDonors, "donors.csv `file`")
	from := fs.Int("from", 2021, "first `year`")
	to := fs.Int("to", 2024, "last `year`")
	sourceDate := fs.String("wb-date", "2026-03-06", "`date` of the World Bank download (the datasets/population commit of the shared copy)")
	vintage := fs.String("wb-vintage", "WDI as retrieved by github.com/datasets/population on 2026-03-06 (commit 425fc44)", "vintage `text`")
	out := fs.String("out", "-", "output `file` (- for stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *wbPath == "" {
		return errors.New("population: --worldbank is required")
	}
	if !reDate.MatchString(*sourceDate) {
		return fmt.Errorf("population: --wb-date %q is not YYYY-MM-DD", *sourceDate)
	}
	ds, err := readDonors(*donors)
	if err != nil {
		return err
	}
	wb, err := readWorldBank(*wbPath)
	if err != nil {
		return err
	}
	rows, missing, err := populationRows(wb, ds, *from, *to, *sourceDate, *vintage)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "fsderive population: warning: not in the World Bank file: %s\n", strings.Join(missing, ", "))
	}
	return writeCSV(*out, populationHeader, rows)
}
