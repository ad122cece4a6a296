package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMeanRate(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"one value", []string{"7.4589"}, "7.4589"},
		{"half rounds away from zero", []string{"1.0956", "1.0837"}, "1.0897"},
		{"keeps trailing zero", []string{"7.4546", "7.4553"}, "7.4550"},
		{"most decimals win", []string{"366.9", "367.25"}, "367.08"},
		{"below half rounds down", []string{"1.0800", "1.0837", "1.0956"}, "1.0864"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := meanRate(tt.values)
			if err != nil || got != tt.want {
				t.Errorf("meanRate(%v) = %q, %v; want %q", tt.values, got, err, tt.want)
			}
		})
	}
	if _, err := meanRate(nil); err == nil {
		t.Error("meanRate(nil): want error")
	}
}

func TestParseCurrencies(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"DKK", "DKK", false},
		{"HRK;EUR@2023-01-01", "HRK EUR", false},
		{"BGN; EUR@2026-01-01", "BGN EUR", false},
		{"dkk", "", true},
		{"EUR@2023", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := parseCurrencies(tt.in)
		if (err != nil) != tt.wantErr || strings.Join(got, " ") != tt.want {
			t.Errorf("parseCurrencies(%q) = %v, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRunFX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fx.csv")
	err := runFX([]string{"--ecb", "testdata/ecb_small.csv", "--extra", "testdata/fx_extra_small.csv",
		"--donors", "testdata/donors_small.csv", "--from", "2021-01", "--out", out})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	const ecbSrc = `European Central Bank,"Euro foreign exchange reference rates, daily history (eurofxref-hist); arithmetic mean of the daily rates in the period",2024-02-01,https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip`
	want := strings.Join([]string{
		"currency,period,rate,days,publisher,title,source_date,url",
		"ALL,2024,100.71,,Example central bank,Annual average,2025-01-10,https://example.org/all",
		"DKK,2022,7.4365,1," + ecbSrc,
		"DKK,2022-12,7.4365,1," + ecbSrc,
		"DKK,2023,7.4456,2," + ecbSrc,
		"DKK,2023-01,7.4365,1," + ecbSrc,
		"DKK,2023-12,7.4546,1," + ecbSrc,
		"DKK,2024,7.4550,3," + ecbSrc,
		"DKK,2024-01,7.4550,2," + ecbSrc,
		"DKK,2024-02,7.4550,1," + ecbSrc,
		"HRK,2022,7.5365,1," + ecbSrc,
		"HRK,2022-12,7.5365,1," + ecbSrc,
		"USD,2022,1.0666,1," + ecbSrc,
		"USD,2022-12,1.0666,1," + ecbSrc,
		"USD,2023,1.0867,2," + ecbSrc,
		"USD,2023-01,1.0683,1," + ecbSrc,
		"USD,2023-12,1.1050,1," + ecbSrc,
		"USD,2024,1.0864,3," + ecbSrc,
		"USD,2024-01,1.0897,2," + ecbSrc,
		"USD,2024-02,1.0800,1," + ecbSrc,
	}, "\n") + "\n"
	if got := string(b); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunFXErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "currency,period,rate,days,publisher,title,source_date,url\n"
	tests := []struct {
		name, extra, wantErr string
	}{
		{"bad header", "currency,period,rate\n", "header must be"},
		{"bad period", head + "ALL,2024-13,100.71,,P,T,2025-01-10,https://x\n", ":2: period"},
		{"zero rate", head + "ALL,2024,0.00,,P,T,2025-01-10,https://x\n", ":2: rate"},
		{"negative rate", head + "ALL,2024,-1,,P,T,2025-01-10,https://x\n", ":2: rate"},
		{"no source", head + "ALL,2024,100.71,,,T,2025-01-10,https://x\n", ":2: source"},
		{"bad days", head + "ALL,2024,100.71,0,P,T,2025-01-10,https://x\n", ":2: days"},
		{"clash with ECB", head + "USD,2024,1.1,,P,T,2025-01-10,https://x\n", "already derived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tt.name, " ", "_")+".csv", tt.extra)
			err := runFX([]string{"--ecb", "testdata/ecb_small.csv", "--extra", p,
				"--donors", "testdata/donors_small.csv", "--out", filepath.Join(dir, "out.csv")})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	if err := runFX([]string{"--donors", "testdata/donors_small.csv"}); err == nil {
		t.Error("no --ecb: want error")
	}
}

func TestReadECB(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"ok", "Date,USD,\n2024-01-02,1.0956,\n", ""},
		{"bad date", "Date,USD,\n02.01.2024,1.0956,\n", "not YYYY-MM-DD"},
		{"bad value", "Date,USD,\n2024-01-02,1.09x6,\n", "not a decimal"},
		{"no header", "USD\n", "must start with Date"},
		{"no rows", "Date,USD,\n", "no rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readECB(strings.NewReader(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
