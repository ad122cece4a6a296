package fx

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

const small = "Date,USD,JPY,DKK,ALL,\n2024-05-31,1.0852,170.6,7.4613,N/A,\n2024-05-30,1.0818,169.9,7.4609,N/A,\n"

func TestParseECB(t *testing.T) {
	rs, err := ParseECB([]byte(small), "h.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 6 || rs[0].Currency != "USD" || rs[0].Period != "2024-05-31" || rs[0].Rate != "1.0852" {
		t.Fatalf("got %+v", rs)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("eurofxref-hist.csv")
	w.Write([]byte(small))
	zw.Close()
	rz, err := ParseECB(buf.Bytes(), "h.zip", func(c string) bool { return c == "DKK" })
	if err != nil || len(rz) != 2 {
		t.Fatalf("zip: %v %+v", err, rz)
	}
}

func TestParseECBErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad date", "Date,USD,\n2024-13-01,1.1,\n", "h.csv:2: Date:"},
		{"bad rate", "Date,USD,\n2024-01-01,abc,\n", "h.csv:2: USD:"},
		{"zero rate", "Date,USD,\n2024-01-01,0,\n", "h.csv:2: USD: rate"},
		{"exponent", "Date,USD,\n2024-01-01,1e3,\n", "h.csv:2: USD:"},
		{"no date column", "Day,USD,\n2024-01-01,1.1,\n", "missing required column(s) date"},
		{"no rates", "Date,USD,\n2024-01-01,N/A,\n", "no rates found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseECB([]byte(tt.in), "h.csv", nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseECB(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("Date,USD\n2024-01-01,-1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rs, err := ParseECB(in, "h.csv", nil)
		if err != nil {
			return
		}
		for _, r := range rs {
			if len(r.Currency) != 3 || len(r.Period) != 10 || r.Rate == "" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}
