package news

import (
	"os"
	"path/filepath"
	"sort"
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
