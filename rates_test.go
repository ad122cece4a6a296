package fairshare

import (
	"bytes"
	"math/big"
	"testing"
)

func testRates(t *testing.T) *RateTable {
	t.Helper()
	rt, err := NewRateTable([]Rate{
		{Currency: "DKK", Period: "2024-05-31", Rate: "7.4613"},
		{Currency: "DKK", Period: "2024-05-30", Rate: "7.4609"},
		{Currency: "DKK", Period: "2024-06", Rate: "7.4593"},
		{Currency: "DKK", Period: "2024", Rate: "7.4589"},
		{Currency: "DKK", Period: "2023", Rate: "7.4509"},
		{Currency: "USD", Period: "2024", Rate: "1.0824"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestLookupFallbacks(t *testing.T) {
	rt := testRates(t)
	tests := []struct {
		cur, day string
		rate     string
		basis    Basis
		period   string
	}{
		{"DKK", "2024-05-31", "7.4613", BasisDay, "2024-05-31"},
		{"DKK", "2024-06-01", "7.4613", BasisEarlier, "2024-05-31"}, // Saturday: last earlier
		{"DKK", "2024-06-07", "7.4613", BasisEarlier, "2024-05-31"}, // within 7 days
		{"DKK", "2024-06-08", "7.4593", BasisMonth, "2024-06"},      // too far back: month average
		{"DKK", "2024-11-01", "7.4589", BasisYear, "2024"},
		{"USD", "2024-03-03", "1.0824", BasisYear, "2024"},
		{"EUR", "1999-01-01", "1", BasisEUR, "1999-01-01"},
	}
	for _, tt := range tests {
		q, err := rt.Lookup(tt.cur, MustDate(tt.day))
		if err != nil || q.Text != tt.rate || q.Basis != tt.basis || q.Period != tt.period {
			t.Errorf("Lookup(%s, %s) = %+v, %v; want %s %s %s", tt.cur, tt.day, q, err, tt.rate, tt.basis, tt.period)
		}
	}
	if _, err := rt.Lookup("DKK", MustDate("2022-01-01")); ErrorCode(err) != ENOTFOUND {
		t.Errorf("a year without rates: %v", err)
	}
	if _, err := rt.Lookup("XXX", MustDate("2024-01-01")); err == nil {
		t.Error("unknown currency found a rate")
	}
}

func TestYearAverageAndConvert(t *testing.T) {
	rt := testRates(t)
	q, err := rt.YearAverage("DKK", 2027)
	if err != nil || q.Text != "7.4589" || q.Basis != BasisLatestYear {
		t.Fatalf("YearAverage(2027) = %+v, %v", q, err)
	}
	got, _, _, err := rt.Convert(4000000000000, "EUR", "DKK", MustDate("2024-11-01"))
	if err != nil || got != 29835600000000 {
		t.Fatalf("40 bn EUR at 7.4589 = %d, %v", got, err)
	}
	// DKK to USD goes through the euro, rounding once.
	got, _, _, _ = rt.Convert(100000000000, "DKK", "USD", MustDate("2024-11-01"))
	want := AmountFromRat(new(big.Rat).Mul(big.NewRat(1000000000, 1), new(big.Rat).Quo(mustRat("1.0824"), mustRat("7.4589"))), "USD")
	if got != want {
		t.Fatalf("1 bn DKK in USD = %d, want %d", got, want)
	}
}

func mustRat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}

func TestNewRateTableRefuses(t *testing.T) {
	for _, r := range []Rate{{Currency: "DKK", Period: "2024-01-01", Rate: "0"}, {Currency: "DKK", Period: "2024-01-01", Rate: "-1"},
		{Currency: "DKK", Period: "24", Rate: "7"}, {Currency: "DKK", Period: "2024-13-01", Rate: "7"}, {Currency: "DKK", Period: "2024", Rate: "x"},
		{Currency: "DKK", Period: "2024", Rate: "."}, {Currency: "DKK", Period: "2024", Rate: "0.000"}, {Currency: "DKK", Period: "2024", Rate: ""},
		{Currency: "DKK", Period: "2024-01-02", Rate: "1/0"}, {Currency: "DKK", Period: "2024-01-02", Rate: "1.2.3"}} {
		if _, err := NewRateTable([]Rate{r}); err == nil {
			t.Errorf("accepted %+v", r)
		}
	}
}

// Rates other than plain decimals are read as big.Rat reads them, as before
// rates were parsed on first use; of two rates for one day the later wins.
func TestRateTableNotations(t *testing.T) {
	rt, err := NewRateTable([]Rate{
		{Currency: "DKK", Period: "2024-01-02", Rate: "7.1"},
		{Currency: "DKK", Period: "2024-01-02", Rate: "3/2"},
		{Currency: "DKK", Period: "2024-01-03", Rate: "1e1"},
		{Currency: "DKK", Period: "2024-01-04", Rate: ".5"},
		{Currency: "DKK", Period: "2024-01-05", Rate: "007."},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ day, want string }{{"2024-01-02", "3/2"}, {"2024-01-03", "10/1"}, {"2024-01-04", "1/2"}, {"2024-01-05", "7/1"}} {
		q, err := rt.Lookup("DKK", MustDate(tt.day))
		if err != nil || q.Rate.String() != tt.want {
			t.Errorf("Lookup(%s) = %v, %v; want %s", tt.day, q.Rate, err, tt.want)
		}
	}
}

// A table read back from AppendBinary answers every look-up as the table
// it was written from; a rate is parsed once and the same *big.Rat
// returned after (the engine tells rates apart by pointer).
func TestRateTableBinary(t *testing.T) {
	rt := testRates(t)
	data, err := rt.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeRateTable(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, cur := range []string{"DKK", "USD", "EUR", "XXX"} {
		for d := MustDate("2022-12-25"); d.Before(MustDate("2025-01-05")); d = d.AddDays(1) {
			q1, err1 := rt.Lookup(cur, d)
			q2, err2 := back.Lookup(cur, d)
			if (err1 == nil) != (err2 == nil) || q1.Text != q2.Text || q1.Basis != q2.Basis || q1.Period != q2.Period ||
				(q1.Rate != nil && q1.Rate.Cmp(q2.Rate) != 0) {
				t.Fatalf("%s %s: %+v, %v; read back %+v, %v", cur, d, q1, err1, q2, err2)
			}
			if again, _ := back.Lookup(cur, d); cur != "EUR" && again.Rate != q2.Rate {
				t.Fatalf("%s %s: a second look-up parsed the rate again", cur, d)
			}
		}
	}
	if got, want := back.Currencies(), rt.Currencies(); len(got) != len(want) {
		t.Errorf("currencies %v, want %v", got, want)
	}
	for _, bad := range [][]byte{nil, data[:len(data)-1], append(append([]byte(nil), data...), 0), []byte("FSRATES1\n\xff")} {
		if _, err := DecodeRateTable(bad); err == nil {
			t.Errorf("read damaged bytes %q", bad)
		}
	}
	// A rate that is not a number is refused on reading, not at its look-up.
	broken := bytes.Replace(data, []byte("7.4613"), []byte("7.46x3"), 1)
	if _, err := DecodeRateTable(broken); err == nil {
		t.Error("read a rate that is not a number")
	}
}
