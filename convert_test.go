package fairshare

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestConvertExact checks the integer conversion against the big.Rat one
// (ConvertAt) on random amounts and rates, ties to even included, and that
// it declines what it cannot do exactly.
func TestConvertExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	curs := []string{"EUR", "DKK", "JPY", "KWD", "USD"}
	texts := []string{"1", "7.4601", "0.5", "2", "4", "8", "1.25", "0.8", "162.45", "0.3756", "1.0812", "25",
		"0.000001", "123456789012.345678", "999999999999999999"}
	rat := func(s string) *big.Rat {
		v, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("rate %q", s)
		}
		return v
	}
	amounts := []int64{0, 1, -1, 2, 3, 5, 7, 125, -125, 99999, math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for i := 0; i < 200000; i++ {
		var a int64
		switch i % 4 {
		case 0:
			a = amounts[r.IntN(len(amounts))]
		case 1:
			a = r.Int64N(1000) - 500
		case 2:
			a = r.Int64N(1e12) - 5e11
		default:
			a = int64(r.Uint64())
		}
		from, to := curs[r.IntN(len(curs))], curs[r.IntN(len(curs))]
		ft, tt := texts[r.IntN(len(texts))], texts[r.IntN(len(texts))]
		if i%3 == 0 {
			ft = strconv.FormatFloat(float64(1+r.IntN(2000000))/10000, 'f', -1, 64)
		}
		got, ok := convertExact(Amount(a), from, to, ft, tt)
		if !ok {
			continue
		}
		v := Amount(a).Rat(from)
		v.Quo(v, rat(ft))
		v.Mul(v, rat(tt))
		v.Mul(v, new(big.Rat).SetInt64(pow10[MinorDigits(to)]))
		want := roundHalfEven(v)
		if !want.IsInt64() || Amount(want.Int64()) != got {
			t.Fatalf("%d %s -> %s at %s / %s: got %d, want %s", a, from, to, ft, tt, got, want)
		}
	}
	for _, c := range []struct {
		a      Amount
		ft, tt string
	}{
		{1, "1e3", "1"}, {1, "-2", "1"}, {1, "0", "1"}, {1, " 2", "1"}, {1, "1.2.3", "1"}, {1, "", "1"},
		{1, "1234567890123456789", "1"}, {math.MaxInt64, "0.000001", "1"},
	} {
		if v, ok := convertExact(c.a, "EUR", "EUR", c.ft, c.tt); ok {
			t.Errorf("%d at %q / %q: %d, want it declined", c.a, c.ft, c.tt, v)
		}
	}
}
