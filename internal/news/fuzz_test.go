package news

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// checkResult asserts what every Read must satisfy: spans inside the input and cutting the
// reported text, indexes in range, JSON that encodes (no NaN or Inf).
func checkResult(t *testing.T, in []byte, res *Result) {
	t.Helper()
	for i, a := range res.Amounts {
		if a.Start < 0 || a.End > len(in) || a.Start >= a.End || string(in[a.Start:a.End]) != a.Text {
			t.Fatalf("amount %d span %d-%d invalid for %q", i, a.Start, a.End, a.Text)
		}
		if i > 0 && a.Start < res.Amounts[i-1].End {
			t.Fatalf("amounts overlap or out of order: %+v", res.Amounts)
		}
		if a.Value < 0 {
			t.Fatalf("negative amount %+v", a)
		}
	}
	for _, c := range res.Conversions {
		if c.From < 0 || c.From >= len(res.Amounts) || c.To < 0 || c.To >= len(res.Amounts) || c.From == c.To {
			t.Fatalf("conversion indexes %+v", c)
		}
	}
	for _, a := range res.Attributions {
		if a.Start < 0 || a.End > len(in) || a.Start >= a.End || a.Source == "" {
			t.Fatalf("attribution %+v", a)
		}
	}
	for _, a := range res.Amounts {
		if a.CurrencyFrom != "stated" && a.CurrencyFrom != "context" && a.CurrencyFrom != "default" {
			t.Fatalf("currency_from %q: %+v", a.CurrencyFrom, a)
		}
	}
	for _, v := range res.Vague {
		if v.Start < 0 || v.End > len(in) || v.Start >= v.End || string(in[v.Start:v.End]) != v.Text {
			t.Fatalf("vague amount span %d-%d invalid for %q", v.Start, v.End, v.Text)
		}
	}
	for _, c := range res.Candidates {
		if c.AmountIndex < 0 || c.AmountIndex >= len(res.Amounts) {
			t.Fatalf("candidate %+v", c)
		}
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"Danmark donerer en pakke på 5,6 milliarder kroner til Ukraine.",
		"100 milliarder euro. Det svarer til knap 750 milliarder kroner.",
		"($1 = 6.9626 Danish crowns)", "$61bn", "€40 billion ($43 billion) a year", "- 5 mia. kr., siger han.\n/ritzau/",
		"mellem 5 og 10 milliarder kroner", "1.234.567,89 mia.kr.", "US$ 2 billion", "ca. 25\u00a0000 euro",
		"EUR40bn and DKK5.6bn", "$61-billion", "40-milliarder-euro", "to og en halv milliard", "kr. 2,5 mia.",
		"et trecifret millionbeløb", "hundreds of millions of dollars", "Danish crowns. Then 2.5 billion.",
	} {
		f.Add([]byte(s))
	}
	day := time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, lang := range []string{"auto", "da", "en"} {
			res, err := Read(in, Options{Lang: lang, Date: day, Rates: testRates})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, in, res)
		}
	})
}

func TestCorpusInvariants(t *testing.T) {
	files, _ := globTxt(corpusDir)
	for _, f := range files {
		exp, _ := LoadExpected(f)
		res, err := ReadCorpusFile(f, exp, testRates)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := readFile(f)
		checkResult(t, b, res)
	}
}

// hostileUnits repeat into inputs that would expose backtracking or a window that grows
// with the input.
var hostileUnits = []string{
	"1,1,1,1,1,1 ",
	"- ",
	"siger Aa Bb Cc Dd Ee Ff Gg ",
	"5 mia. kr. (6 mia. euro) svarende til ",
	"Danmark giver 5 mia. kr., ",
	"1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1",
	"ifølge , , , , , ",
	"\n- x\n",
	"9",
	"hundreds of millions of dollars 5 kr. ",
	"Danish crowns 2.5 billion ",
}

// BenchmarkReadHostile reads each hostile unit repeated 1,000 and 16,000 times: reading is
// linear when the second's time per op is about 16 times the first's, not 256 times. It is a
// benchmark, not a test, because timings on a shared machine are no assertion.
func BenchmarkReadHostile(b *testing.B) {
	opt := Options{Lang: "auto", Date: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC), Rates: testRates}
	for i, u := range hostileUnits {
		for _, n := range []int{1000, 16000} {
			in := []byte(strings.Repeat(u, n))
			b.Run(fmt.Sprintf("unit%02d/x%d", i, n), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					if _, err := Read(in, opt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
