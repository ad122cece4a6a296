package fairshare

import (
	"math/big"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, cur string
		want    Amount
		wantErr bool
	}{
		{"1000000000", "DKK", 100000000000, false},
		{"1234567.89", "EUR", 123456789, false},
		{"1234567,89", "EUR", 123456789, false},
		{"0.5", "EUR", 50, false},
		{",5", "EUR", 50, false},
		{"12.30", "EUR", 1230, false},
		{"12.300", "EUR", 0, true}, // 12300 or 12.3
		{"1.000", "DKK", 0, true},
		{"1,000", "DKK", 0, true},
		{"-1,000", "DKK", 0, true},
		{"0.500", "DKK", 50, false}, // no thousands grouping starts with 0
		{"1234.500", "DKK", 123450, false},
		{"1.000", "KWD", 0, true},
		{"1.0000", "KWD", 1000, false}, // four decimals: not a grouping
		{"1,0", "DKK", 100, false},
		{"100", "JPY", 100, false},
		{"-3.10", "EUR", -310, false},
		{"1.5", "JPY", 0, true},
		{"1,234.56", "EUR", 0, true},
		{"1e9", "EUR", 0, true},
		{"NaN", "EUR", 0, true},
		{"Inf", "EUR", 0, true},
		{"", "EUR", 0, true},
		{"99999999999999999999", "EUR", 0, true},
		{"=1+1", "EUR", 0, true},
		{".", "EUR", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.cur)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d, err %v", tt.in, tt.cur, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseAmountStyle(t *testing.T) {
	tests := []struct {
		in    string
		style NumberStyle
		want  Amount
		err   string
	}{
		{"1.000", DecimalComma, 100000, ""},
		{"1,000", DecimalComma, 100, ""},
		{"1.000", DecimalPoint, 100, ""},
		{"1,000", DecimalPoint, 100000, ""},
		{"1.000.000,50", DecimalComma, 100000050, ""},
		{"1,000,000.50", DecimalPoint, 100000050, ""},
		{"1.5", DecimalComma, 0, "threes"},
		{"12.34", DecimalComma, 0, "threes"},
		{"1.0000", DecimalComma, 0, "threes"},
		{".000", DecimalComma, 0, "threes"},
		{"1,5", DecimalComma, 150, ""},
		{"1,5,0", DecimalComma, 0, "only one"},
		{"1,50.0", DecimalComma, 0, "only one"},
		{"1.5", DecimalPoint, 150, ""},
		{"-1.000,25", DecimalComma, -100025, ""},
		{"1 000", DecimalComma, 0, "not a decimal"},
	}
	for _, tt := range tests {
		got, err := ParseAmountStyle(tt.in, "DKK", tt.style)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseAmountStyle(%q, %v) = %d, %v; want error with %q", tt.in, tt.style, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAmountStyle(%q, %v) = %d, %v; want %d", tt.in, tt.style, got, err, tt.want)
		}
	}
}

func TestAmbiguousAmountNamesBothReadings(t *testing.T) {
	for in, want := range map[string][]string{
		"1.000":  {"1000 with the point separating thousands", "1 with a decimal point"},
		"1,000":  {"1000 with the comma separating thousands", "1 with a decimal comma"},
		"12.345": {"12345", "12.345"},
	} {
		_, err := ParseAmount(in, "DKK")
		if err == nil {
			t.Fatalf("%s accepted", in)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseAmount(%s): %v; want %q", in, err, w)
			}
		}
	}
}

func TestAmountFormat(t *testing.T) {
	tests := []struct {
		a    Amount
		cur  string
		want string
	}{
		{4000000000000, "EUR", "40000000000.00"},
		{5, "EUR", "0.05"},
		{-5, "EUR", "-0.05"},
		{0, "DKK", "0.00"},
		{12, "JPY", "12"},
	}
	for _, tt := range tests {
		if got := tt.a.Format(tt.cur); got != tt.want {
			t.Errorf("%d.Format(%s) = %s, want %s", tt.a, tt.cur, got, tt.want)
		}
	}
}

func TestAmountFromRatHalfEven(t *testing.T) {
	tests := []struct {
		r    *big.Rat
		want Amount
	}{
		{big.NewRat(1, 200), 0},     // 0.005 -> 0.00
		{big.NewRat(3, 200), 2},     // 0.015 -> 0.02
		{big.NewRat(-3, 200), -2},   // -0.015 -> -0.02
		{big.NewRat(1, 3), 33},      // 0.333.. -> 0.33
		{big.NewRat(2, 3), 67},      // 0.666.. -> 0.67
		{big.NewRat(-2, 3), -67},    // -0.666.. -> -0.67
		{big.NewRat(100, 1), 10000}, // exact
	}
	for _, tt := range tests {
		if got := AmountFromRat(tt.r, "EUR"); got != tt.want {
			t.Errorf("AmountFromRat(%s) = %d, want %d", tt.r, got, tt.want)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1000000000", "1234,56", "1.5", "-0", "9223372036854775807", "NaN", "1e9", "٣",
		"1.000", "1,000", "1.000.000,50", "1,000,000.50", "0.500", "12.345,6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s, "EUR")
		if err == nil {
			// Whatever is accepted prints back to an amount that parses the same.
			b, err := ParseAmount(a.Format("EUR"), "EUR")
			if err != nil || a != b {
				t.Fatalf("%q -> %d -> %q -> %d, %v", s, a, a.Format("EUR"), b, err)
			}
			// An unstated style accepts only what both styles read alike.
			for _, st := range []NumberStyle{DecimalPoint, DecimalComma} {
				if c, err := ParseAmountStyle(s, "EUR", st); err == nil && c != a {
					t.Fatalf("%q: unstated %d, %v %d", s, a, st, c)
				}
			}
		}
		for _, st := range []NumberStyle{DecimalPoint, DecimalComma} {
			a, err := ParseAmountStyle(s, "EUR", st)
			if err != nil {
				continue
			}
			b, err := ParseAmountStyle(a.Format("EUR"), "EUR", DecimalPoint)
			if err != nil || a != b {
				t.Fatalf("%q %v -> %d -> %q -> %d, %v", s, st, a, a.Format("EUR"), b, err)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-05-31", "31-05-2024", "31.05.2024", "0000-00-00", "2024-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Year() < 1900 || d.Year() > 2200 {
			t.Fatalf("accepted %q as %s", s, d)
		}
		if e, err := ParseDate(d.String()); err != nil || e != d {
			t.Fatalf("%q -> %s does not round-trip", s, d)
		}
	})
}
