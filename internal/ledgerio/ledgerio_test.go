package ledgerio

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
)

type checker struct{}

func (checker) KnownDonor(c string) bool    { return c == "DNK" || c == "USA" }
func (checker) KnownCurrency(c string) bool { return c == "DKK" || c == "EUR" || c == "USD" }

const header = "donor,date,amount,currency,category,status,source_url,description\n"

func TestReadCSVHostile(t *testing.T) {
	tests := []struct {
		name, row, want string // want: "" for accepted, else a substring of the error
	}{
		{"plain", "DNK,2024-06-14,1000000000,DKK,in-kind,delivered,https://x.dk/a,ok", ""},
		{"decimal comma", "DNK,2024-06-14,\"12,5\",DKK,in-kind,delivered,https://x.dk/a,ok", ""},
		{"danish date", "DNK,14-06-2024,1,DKK,in-kind,delivered,https://x.dk/a,ok", ""},
		{"huge", "DNK,2024-06-14,99999999999999999999999,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"overflowing minor units", "DNK,2024-06-14,92233720368547758.08,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"NaN", "DNK,2024-06-14,NaN,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"Inf", "DNK,2024-06-14,+Inf,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"exponent", "DNK,2024-06-14,1e9,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"negative", "DNK,2024-06-14,-5,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"zero", "DNK,2024-06-14,0,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: "},
		{"far past", "DNK,0001-01-01,1,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: date: "},
		{"far future", "DNK,9999-12-31,1,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: date: "},
		{"invalid utf8", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,\xff\xfe", "f.csv:2: description: not valid UTF-8"},
		{"over-long", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a," + strings.Repeat("x", 5000), "f.csv:2: description: longer than"},
		{"sql metacharacters kept as text", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,'; DROP TABLE contribution_versions; --", ""},
		{"script kept as text", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,<script>alert(1)</script>", ""},
		{"javascript url", "DNK,2024-06-14,1,DKK,in-kind,delivered,javascript:alert(1),", "f.csv:2: source_url: "},
		{"unknown donor", "XXX,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: donor: unknown donor"},
		{"unknown currency", "DNK,2024-06-14,1,XYZ,in-kind,delivered,https://x.dk/a,", "f.csv:2: currency: unknown currency"},
		{"bad status", "DNK,2024-06-14,1,DKK,in-kind,sent,https://x.dk/a,", "f.csv:2: status: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := ReadCSV(strings.NewReader(header+tt.row+"\n"), "f.csv", checker{}, Options{})
			if tt.want == "" {
				if err != nil || len(cs) != 1 {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestWriteCSVDefusesFormulas(t *testing.T) {
	c := fairshare.Contribution{ID: "x", Donor: "DNK", Date: fairshare.MustDate("2024-01-02"), Amount: 100, Currency: "DKK",
		Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Description: `=HYPERLINK("http://evil.example","click")`, Source: fairshare.Source{URL: "https://x.dk", Title: "+cmd|' /C calc'!A0"}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []fairshare.Contribution{c}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range recs[1] {
		if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
			t.Fatalf("cell %q would run as a formula", cell)
		}
	}
	// The defused export imports back to the same content, with the quote.
	back, err := ReadCSV(strings.NewReader(out), "e.csv", checker{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if back[0].Description != "'"+c.Description || back[0].Amount != 100 {
		t.Fatalf("round trip: %+v", back[0])
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(header + "DNK,2024-06-14,1000000000,DKK,in-kind,delivered,https://x.dk/a,ok\n")
	f.Add("donor;date;amount;currency;category;status;source_url\nUSA;01.02.2024;1,5;USD;training;pledged;http://a\n")
	f.Add("\uFEFFdonor,date\n\"unterminated")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := ReadCSV(strings.NewReader(in), "f.csv", checker{}, Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, c := range cs {
			if c.Amount <= 0 || c.Validate() != nil {
				t.Fatalf("accepted an invalid contribution: %+v", c)
			}
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add(`[{"donor":"DNK","date":"2024-06-14","amount":"1","currency":"DKK","category":"in-kind","status":"delivered","source_url":"https://x"}]`)
	f.Add(`[{"amount":1e400}]`)
	f.Add(`{"not":"an array"}`)
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := ReadJSON(strings.NewReader(in), "f.json", checker{}, Options{})
		if err == nil {
			for _, c := range cs {
				if c.Amount <= 0 || c.Validate() != nil {
					t.Fatalf("accepted an invalid contribution: %+v", c)
				}
			}
		}
	})
}
