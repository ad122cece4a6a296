package news

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// testRates is a tiny excerpt of the ECB reference rates (units per EUR) for the dates the
// tests and the corpus use; like the real lookup it falls back to the last earlier date.
var testRateTable = map[string]map[string]float64{
	"2022-10-12": {"USD": 0.9706, "DKK": 7.4399, "GBP": 0.8784, "SEK": 11.02, "NOK": 10.4145},
	"2023-11-22": {"USD": 1.0911, "DKK": 7.4547, "GBP": 0.8703, "SEK": 11.39, "NOK": 11.702},
	"2024-05-31": {"USD": 1.0852, "DKK": 7.4588, "GBP": 0.85365, "SEK": 11.421, "NOK": 11.383},
	"2024-06-14": {"USD": 1.0686, "DKK": 7.4605, "GBP": 0.84205, "SEK": 11.2731, "NOK": 11.4025},
}

func testRates(day time.Time, currency string) (float64, bool) {
	var dates []string
	for d := range testRateTable {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	want := day.Format("2006-01-02")
	best := ""
	for _, d := range dates {
		if d <= want {
			best = d
		}
	}
	if best == "" {
		return 0, false
	}
	r, ok := testRateTable[best][currency]
	return r, ok
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// globTxt lists the tuning files: the corpus folder's own .txt files, not its sub-folders.
func globTxt(dir string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, "*.txt"))
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

// fileRates reads the pinned rates of a corpus (rates.csv in the ECB format: Date,USD,DKK,...)
// and, like the real lookup, falls back to the last earlier date. Missing files add nothing.
func fileRates(paths ...string) (RateFunc, error) {
	table := map[string]map[string]float64{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(strings.NewReader(string(b)))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(rows) == 0 {
			continue
		}
		head := rows[0]
		for _, row := range rows[1:] {
			if len(row) == 0 || strings.TrimSpace(row[0]) == "" {
				continue
			}
			date := strings.TrimSpace(row[0])
			if table[date] == nil {
				table[date] = map[string]float64{}
			}
			for i := 1; i < len(row) && i < len(head); i++ {
				cur := strings.TrimSpace(head[i])
				v, err := strconv.ParseFloat(strings.TrimSpace(row[i]), 64)
				if cur == "" || err != nil {
					continue
				}
				table[date][cur] = v
			}
		}
	}
	var dates []string
	for d := range table {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	return func(day time.Time, currency string) (float64, bool) {
		want := day.Format("2006-01-02")
		i := sort.SearchStrings(dates, want)
		if i == len(dates) || dates[i] != want {
			i--
		}
		if i < 0 {
			return 0, false
		}
		r, ok := table[dates[i]][currency]
		return r, ok
	}, nil
}
