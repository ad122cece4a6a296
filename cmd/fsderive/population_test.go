package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPopulation(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"2024 only", "2024", "2024", []string{
			"DNK,2024,5976992,World Bank,\"World Development Indicators: Population, total, SP.POP.TOTL\",2026-03-06,https://api.worldbank.org/v2/country/DNK/indicator/SP.POP.TOTL,V",
			"USA,2024,340110988,World Bank,\"World Development Indicators: Population, total, SP.POP.TOTL\",2026-03-06,https://api.worldbank.org/v2/country/USA/indicator/SP.POP.TOTL,V",
			"EUI,2024,450228188,World Bank,\"World Development Indicators: Population, total, SP.POP.TOTL, European Union (EU27) aggregate EUU used for EUI\",2026-03-06,https://api.worldbank.org/v2/country/EUU/indicator/SP.POP.TOTL,V",
		}},
		{"2023 only", "2023", "2023", []string{
			"DNK,2023,5946952,World Bank,\"World Development Indicators: Population, total, SP.POP.TOTL\",2026-03-06,https://api.worldbank.org/v2/country/DNK/indicator/SP.POP.TOTL,V",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "pop.csv")
			err := runPopulation([]string{"--worldbank", "testdata/wb_pop_small.csv", "--donors", "testdata/donors_small.csv",
				"--from", tt.from, "--to", tt.to, "--wb-date", "2026-03-06", "--wb-vintage", "V", "--out", out})
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Join(append([]string{strings.Join(populationHeader, ",")}, tt.want...), "\n") + "\n"
			if got := string(b); got != want {
				t.Errorf("output:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	if err := runPopulation([]string{"--donors", "testdata/donors_small.csv"}); err == nil {
		t.Error("no --worldbank: want error")
	}
	if err := runPopulation([]string{"--worldbank", "testdata/wb_pop_small.csv", "--donors", "testdata/donors_small.csv", "--wb-date", "2026"}); err == nil {
		t.Error("bad --wb-date: want error")
	}
}
