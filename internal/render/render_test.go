package render

import (
	"testing"

	"github.com/fairshare/fairshare"
)

func TestMillions(t *testing.T) {
	tests := []struct {
		a    fairshare.Amount
		want string
	}{
		{4000000000000, "40,000.0"},
		{31370000000, "313.7"},
		{-109667279266, "-1,096.7"},
		{4000000, "0.0"},
		{-4000000, "0.0"},
		{0, "0.0"},
	}
	for _, tt := range tests {
		if got := Millions(tt.a, "EUR"); got != tt.want {
			t.Errorf("Millions(%d) = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestFitAndBillions(t *testing.T) {
	if got := fit("TUR Türkiye", 14); got != "TUR Türkiye   " {
		t.Errorf("fit = %q", got)
	}
	if got := bn("50000000000", "EUR"); got != "EUR 50 bn" {
		t.Errorf("bn = %q", got)
	}
	if got := bn("20900000000", "EUR"); got != "EUR 20.9 bn" {
		t.Errorf("bn = %q", got)
	}
}
