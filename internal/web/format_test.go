package web

import (
	"math/big"
	"net/http/httptest"
	"testing"

	"github.com/fairshare/fairshare"
)

func TestDecimal(t *testing.T) {
	tests := []struct {
		lang string
		num  string
		dec  int
		want string
	}{
		{"en", "1234.5", 1, "1,234.5"},
		{"da", "1234.5", 1, "1.234,5"},
		{"en", "1234567.891", 2, "1,234,567.89"},
		{"da", "1234567.891", 2, "1.234.567,89"},
		{"da", "-1096.67", 1, "-1.096,7"},
		{"en", "999", 0, "999"},
		{"en", "-0.04", 1, "0.0"},
		{"da", "100", 0, "100"},
		{"da", "0.25", 2, "0,25"},
	}
	for _, tt := range tests {
		r, _ := new(big.Rat).SetString(tt.num)
		if got := Decimal(tt.lang, r, tt.dec); got != tt.want {
			t.Errorf("Decimal(%s, %s, %d) = %q, want %q", tt.lang, tt.num, tt.dec, got, tt.want)
		}
	}
}

func TestMoney(t *testing.T) {
	const nb = "\u00a0"
	tests := []struct {
		lang, amount, cur, want string
	}{
		{"en", "1234500000000", "EUR", "EUR" + nb + "1,234.5 bn"},
		{"da", "1234500000000", "DKK", "1.234,5 mia." + nb + "kr."},
		{"da", "40000000000", "EUR", "40,0 mia." + nb + "EUR"},
		{"en", "298356000000", "DKK", "DKK" + nb + "298.4 bn"},
		{"en", "313700000", "EUR", "EUR" + nb + "313.7 m"},
		{"da", "313700000", "DKK", "313,7 mio." + nb + "kr."},
		{"en", "-1096672792.66", "EUR", "EUR" + nb + "-1.1 bn"},
		{"da", "12345", "EUR", "12.345" + nb + "EUR"},
		{"en", "500", "ISK", "ISK" + nb + "500"},
	}
	for _, tt := range tests {
		a, err := fairshare.ParseAmount(tt.amount, tt.cur)
		if err != nil {
			t.Fatal(err)
		}
		if got := Money(tt.lang, a, tt.cur); got != tt.want {
			t.Errorf("Money(%s, %s %s) = %q, want %q", tt.lang, tt.amount, tt.cur, got, tt.want)
		}
	}
}

func TestPctAndUnits(t *testing.T) {
	tests := []struct{ got, want string }{
		{Pct("en", 0.4292, 0), "43\u00a0%"},
		{Pct("da", 0.0078, 2), "0,78\u00a0%"},
		{Pct("en", 0.5309, 2), "53.09\u00a0%"},
		{Millions("da", 3458824069_38, "EUR"), "3.458,8"},
		{Millions("en", 3458824069_38, "EUR"), "3,458.8"},
		{MillionsUnit("da", "DKK"), "mio. kr."},
		{MillionsUnit("en", "EUR"), "EUR m"},
		{Exact("da", 29883600000000, "DKK"), "298.836.000.000,00"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	d := fairshare.NewDate(2024, 5, 31)
	tests := []struct{ got, want string }{
		{FormatDate("en", d), "31 May 2024"},
		{FormatDate("da", d), "31. maj 2024"},
		{FormatDate("da", fairshare.NewDate(2024, 12, 1)), "1. december 2024"},
		{MonthLabel("da", 2024, 2), "februar 2024"},
		{MonthLabel("en", 2024, 2), "February 2024"},
		{FormatDate("en", fairshare.Date{}), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestChooseLang(t *testing.T) {
	tests := []struct {
		url, accept, want string
		explicit          bool
	}{
		{"/", "", "en", false},
		{"/", "da", "da", false},
		{"/", "da-DK,da;q=0.9,en-US;q=0.8,en;q=0.7", "da", false},
		{"/", "en-GB,en;q=0.9,da;q=0.8", "en", false},
		{"/", "de-DE,de;q=0.9,da;q=0.5", "da", false},
		{"/", "fr", "en", false},
		{"/", "da;q=bad", "en", false},
		{"/?lang=en", "da", "en", true},
		{"/?lang=da", "en", "da", true},
		{"/?lang=xx", "da", "da", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", tt.url, nil)
		if tt.accept != "" {
			r.Header.Set("Accept-Language", tt.accept)
		}
		if got, ex := ChooseLang(r); got != tt.want || ex != tt.explicit {
			t.Errorf("ChooseLang(%s, %q) = %s %v, want %s %v", tt.url, tt.accept, got, ex, tt.want, tt.explicit)
		}
	}
}

// TestMessages checks that every message has both languages.
func TestMessages(t *testing.T) {
	for k, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("message %q lacks a translation: %q", k, m)
		}
	}
}
