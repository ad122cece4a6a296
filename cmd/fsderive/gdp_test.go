package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEURMillions(t *testing.T) {
	tests := []struct {
		value, rate, want string
	}{
		{"404198757537.9742", "1.0813", "373808.2"},
		{"27360935000000.0", "1.0813", "25303740.9"},
		{"400000000000", "", "400000.0"},
		{"50000", "", "0.1"}, // 0.05 rounds away from zero
	}
	for _, tt := range tests {
		got, err := eurMillions(tt.value, tt.rate)
		if err != nil || got != tt.want {
			t.Errorf("eurMillions(%s, %s) = %q, %v; want %q", tt.value, tt.rate, got, err, tt.want)
		}
	}
	if _, err := eurMillions("1", "0"); err == nil {
		t.Error("zero rate: want error")
	}
}

func TestRunGDP(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gdp.csv")
	err := runGDP([]string{"--worldbank", "testdata/wb_gdp_small.csv", "--ecb", "testdata/ecb_small.csv",
		"--donors", "testdata/donors_small.csv", "--hand", "testdata/gdp_hand_small.csv",
		"--from", "2023", "--to", "2023", "--wb-date", "2024-10-21", "--wb-vintage", "V", "--out", out})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	const wbTitle = `"World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD`
	const api = "https://api.worldbank.org/v2/country/"
	want := strings.Join([]string{
		strings.Join(gdpHeader, ","),
		"ALB,2023,22977677860.797855,USD,1.0867,21144.5,World Bank," + wbTitle + `",2024-10-21,` + api + "ALB/indicator/NY.GDP.MKTP.CD,V,USD at ECB annual average USD/EUR 2023",
		"DNK,2023,404198757537.9742,USD,1.0867,371950.6,World Bank," + wbTitle + `",2024-10-21,` + api + "DNK/indicator/NY.GDP.MKTP.CD,V,USD at ECB annual average USD/EUR 2023",
		"DNK,2024,400000000000,EUR,,400000.0,Eurostat,nama_10_gdp,2025-09-01,https://example.org/eurostat,2025-09 release,\"EUR, no conversion\"",
		"EUI,2023,18349388450765.61,USD,1.0867,16885422.3,World Bank," + wbTitle + `, European Union (EU27) aggregate EUU used for EUI",2024-10-21,` + api + `EUU/indicator/NY.GDP.MKTP.CD,V,"USD at ECB annual average USD/EUR 2023; EU27 aggregate, not the EU institutions' own accounts"`,
		"HRV,2023,82688842717.3926,USD,1.0867,76091.7,World Bank," + wbTitle + `",2024-10-21,` + api + "HRV/indicator/NY.GDP.MKTP.CD,V,USD at ECB annual average USD/EUR 2023",
		"USA,2023,27360935000000.0,USD,1.0867,25178002.2,World Bank," + wbTitle + `",2024-10-21,` + api + "USA/indicator/NY.GDP.MKTP.CD,V,USD at ECB annual average USD/EUR 2023",
		"USA,2024,29000000000000,USD,1.0864,26693667.2,International Monetary Fund,World Economic Outlook database,2025-10-14,https://example.org/weo,WEO October 2025,USD at ECB annual average USD/EUR 2024",
	}, "\n") + "\n"
	if got := string(b); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunGDPHandErrors(t *testing.T) {
	dir := t.TempDir()
	head := strings.Join(gdpHeader, ",") + "\n"
	const src = ",P,T,2025-10-14,https://x,V,"
	tests := []struct {
		name, hand, wantErr string
	}{
		{"bad header", "donor,year\n", "header must be"},
		{"unknown donor", head + "XYZ,2024,1000,USD,," + src + "\n", ":2: donor"},
		{"bad year", head + "DNK,24,1000,USD,," + src + "\n", ":2: year"},
		{"comma decimal", head + "DNK,2024,\"1000,5\",USD,," + src + "\n", ":2: value"},
		{"other currency", head + "DNK,2024,1000,DKK,," + src + "\n", ":2: currency"},
		{"no ECB year", head + "DNK,2030,1000,USD,," + src + "\n", "no ECB USD average"},
		{"wrong rate", head + "DNK,2024,1000,USD,1.08,,P,T,2025-10-14,https://x,V,\n", ":2: usd_per_eur"},
		{"wrong eur", head + "DNK,2024,1000000000,EUR,,999.0" + src + "\n", ":2: gdp_eur_mn"},
		{"no vintage", head + "DNK,2024,1000,EUR,,,P,T,2025-10-14,https://x,,\n", ":2: source"},
		{"bad source date", head + "DNK,2024,1000,EUR,,,P,T,Oct 2025,https://x,V,\n", ":2: source_date"},
		{"twice", head + "DNK,2023,1000,EUR,," + src + "\n", "DNK 2023: given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".csv")
			if err := os.WriteFile(p, []byte(tt.hand), 0o644); err != nil {
				t.Fatal(err)
			}
			err := runGDP([]string{"--worldbank", "testdata/wb_gdp_small.csv", "--ecb", "testdata/ecb_small.csv",
				"--donors", "testdata/donors_small.csv", "--hand", p, "--from", "2023", "--to", "2023",
				"--out", filepath.Join(dir, "out.csv")})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadWorldBankErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, in, wantErr string
	}{
		{"bad header", "Country,Code,Year,Value\n", "header must be"},
		{"bad year", "Country Name,Country Code,Year,Value\nDenmark,DNK,20x3,1\n", ":2: Year"},
		{"negative", "Country Name,Country Code,Year,Value\nDenmark,DNK,2023,-1\n", ":2: Value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".csv")
			if err := os.WriteFile(p, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readWorldBank(p)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
