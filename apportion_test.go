package fairshare

import (
	"math/big"
	"testing"
)

func rats(xs ...int64) []*big.Rat {
	out := make([]*big.Rat, len(xs))
	for i, x := range xs {
		out[i] = big.NewRat(x, 1)
	}
	return out
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   Amount
		weights []*big.Rat
		want    []Amount
	}{
		{"even", 300, rats(1, 1, 1), []Amount{100, 100, 100}},
		{"remainder to largest", 100, rats(1, 1, 1), []Amount{34, 33, 33}},
		{"hamilton", 10, rats(5, 3, 2), []Amount{5, 3, 2}},
		{"tie goes to first", 1, rats(1, 1), []Amount{1, 0}},
		{"zero weight", 7, rats(0, 1, 1), []Amount{0, 4, 3}},
		{"negative total", -100, rats(1, 1, 1), []Amount{-34, -33, -33}},
		{"all zero", 5, rats(0, 0), []Amount{0, 0}},
		{"single", 4000000000000, rats(9), []Amount{4000000000000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Apportion(tt.total, tt.weights)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
				}
			}
		})
	}
}

// FuzzApportion checks against a big.Rat oracle: shares sum to the total and
// each share is within one minor unit of its exact value.
func FuzzApportion(f *testing.F) {
	f.Add(int64(4000000000000), uint32(52900), uint32(780), uint32(410), uint32(0))
	f.Add(int64(1), uint32(1), uint32(1), uint32(1), uint32(1))
	f.Add(int64(-999), uint32(3), uint32(0), uint32(7), uint32(1))
	f.Fuzz(func(t *testing.T, total int64, a, b, c, d uint32) {
		if total > 1e17 || total < -1e17 {
			t.Skip()
		}
		ws := []*big.Rat{big.NewRat(int64(a), 1), big.NewRat(int64(b), 1), big.NewRat(int64(c), 1), big.NewRat(int64(d), 1)}
		got := Apportion(Amount(total), ws)
		if a == 0 && b == 0 && c == 0 && d == 0 {
			return
		}
		var sum int64
		wsum := int64(a) + int64(b) + int64(c) + int64(d)
		for i, g := range got {
			sum += int64(g)
			exact := new(big.Rat).Mul(big.NewRat(total, 1), ws[i])
			exact.Quo(exact, big.NewRat(wsum, 1))
			diff := new(big.Rat).Sub(exact, big.NewRat(int64(g), 1))
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("share %d = %d, exact %s", i, g, exact.FloatString(3))
			}
		}
		if sum != total {
			t.Fatalf("shares sum to %d, want %d", sum, total)
		}
	})
}
