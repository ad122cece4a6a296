package ledgerio

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

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
		{"thousands point", "DNK,2024-06-14,1.000,DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: \"1.000\" is ambiguous: 1000 with the point separating thousands, or 1 with a decimal point"},
		{"thousands comma", "DNK,2024-06-14,\"1,000\",DKK,in-kind,delivered,https://x.dk/a,", "f.csv:2: amount: \"1,000\" is ambiguous"},
		{"NUL in description", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,a\x00b", "f.csv:2: description: contains a NUL byte"},
		{"space in host", "DNK,2024-06-14,1,DKK,in-kind,delivered,https://exa mple.org/x,", "f.csv:2: source_url: "},
		{"no host", "DNK,2024-06-14,1,DKK,in-kind,delivered,https:///x,", "f.csv:2: source_url: "},
		{"data url", "DNK,2024-06-14,1,DKK,in-kind,delivered,data:text/html;base64,PHNjcmlwdD4=,", "f.csv:2: source_url: "},
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
	// The defused export imports back to the same content, without the quote.
	back, err := ReadCSV(strings.NewReader(out), "e.csv", checker{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if back[0].Description != c.Description || back[0].Source.Title != c.Source.Title || back[0].Amount != 100 {
		t.Fatalf("round trip: %+v", back[0])
	}
}

func TestReadCSVDecimalStyle(t *testing.T) {
	const hdr = "donor;date;amount;currency;category;status;source_url\n"
	tests := []struct {
		amount string
		style  fairshare.NumberStyle
		want   fairshare.Amount // minor units; 0: refused
	}{
		{"1.000", fairshare.NumberStyleUnstated, 0},
		{"1.000", fairshare.DecimalComma, 100000},
		{"1.000", fairshare.DecimalPoint, 100},
		{"1,000", fairshare.DecimalComma, 100},
		{"1,000", fairshare.DecimalPoint, 0}, // ',' is a thousands separator but ';' splits fields: still one field
		{"1.000.000,50", fairshare.DecimalComma, 100000050},
		{"1.000.000,50", fairshare.NumberStyleUnstated, 0},
		{"12,5", fairshare.NumberStyleUnstated, 1250},
		{"12.5", fairshare.DecimalComma, 0},
	}
	for _, tt := range tests {
		in := hdr + "DNK;2024-06-14;" + tt.amount + ";DKK;in-kind;delivered;https://example.org/a\n"
		cs, err := ReadCSV(strings.NewReader(in), "t.csv", checker{}, Options{Decimal: tt.style})
		switch {
		case tt.want == 0 && tt.amount == "1,000" && tt.style == fairshare.DecimalPoint:
			if err != nil || cs[0].Amount != 100000 {
				t.Errorf("%s %v: %v %v", tt.amount, tt.style, cs, err)
			}
		case tt.want == 0:
			if err == nil || !strings.HasPrefix(err.Error(), "t.csv:2: amount: ") {
				t.Errorf("%s %v: err = %v, want t.csv:2: amount: ...", tt.amount, tt.style, err)
			}
		default:
			if err != nil || cs[0].Amount != tt.want {
				t.Errorf("%s %v: %v %v, want %d", tt.amount, tt.style, cs, err, tt.want)
			}
		}
	}
}

func TestReadJSONStrict(t *testing.T) {
	const item = `{"donor":"DNK","date":"2024-06-14","amount":"10","currency":"DKK","category":"in-kind","status":"delivered","source_url":"https://x.dk/a"}`
	tests := []struct{ name, in, want string }{
		{"ok", "[" + item + "]", ""},
		{"unknown field", `[{"donor":"DNK","bogus":1}]`, "item 1"},
		{"trailing data", "[" + item + "] []", "data after the array"},
		{"trailing garbage", "[" + item + "] x", "data after the array"},
		{"not an array", item, "want a JSON array"},
		{"NUL", `[{"donor":"DNK","date":"2024-06-14","amount":"10","currency":"DKK","category":"in-kind","status":"delivered","source_url":"https://x.dk/a","description":"a\u0000b"}]`, "description: contains a NUL"},
		{"ambiguous", strings.Replace("["+item+"]", `"10"`, `"1.000"`, 1), "amount: "},
	}
	for _, tt := range tests {
		cs, err := ReadJSON(strings.NewReader(tt.in), "f.json", checker{}, Options{})
		if tt.want == "" {
			if err != nil || len(cs) != 1 {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("donor;date;amount;currency;category;status;source_url\nDNK;2024-06-14;1.000;DKK;in-kind;delivered;https://example.org/a\n")
	f.Add(header + "DNK,2024-06-14,\"1,000\",DKK,in-kind,delivered,https://x.dk/a,'=1+1\n")
	f.Add(header + "DNK,2024-06-14,1,DKK,in-kind,delivered,https://exa mple.org/a,\x00\n")
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

func TestWriteHistoryCSV(t *testing.T) {
	c := fairshare.Contribution{ID: "x", Version: 1, Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-01-02"), Amount: 100,
		Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Source: fairshare.Source{URL: "https://x.dk"}, Author: "anne", Reason: "=cmd", RecordedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	d := c
	d.Version, d.Deleted, d.Reason = 2, true, "duplicate"
	var buf bytes.Buffer
	if err := WriteHistoryCSV(&buf, []fairshare.Contribution{c, d}); err != nil {
		t.Fatal(err)
	}
	want := "id,donor,recipient,date,amount,currency,category,status,dataset,description,source_url,source_title,publisher,source_date,version,recorded_at,deleted,author,reason\n" +
		"x,DNK,UKR,2024-01-02,1.00,DKK,in-kind,delivered,user,,https://x.dk,,,,1,2026-01-01T00:00:00.000000Z,false,anne,'=cmd\n" +
		"x,DNK,UKR,2024-01-02,1.00,DKK,in-kind,delivered,user,,https://x.dk,,,,2,2026-01-01T00:00:00.000000Z,true,anne,duplicate\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// Imported again, the deleted version is refused, not revived.
	_, err := ReadCSV(strings.NewReader(buf.String()), "h.csv", checker{}, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "h.csv:3: deleted: ") {
		t.Fatalf("err = %v", err)
	}
}
