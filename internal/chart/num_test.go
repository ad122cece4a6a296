package chart

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestNumSameAsFormatFloat: num writes what the shortest float formatting
// of the rounded tenths wrote before, so charts stay byte for byte the same.
func TestNumSameAsFormatFloat(t *testing.T) {
	old := func(f float64) string {
		return strconv.FormatFloat(float64(int64(f*10+copysignHalf(f)))/10, 'f', -1, 64)
	}
	r := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, math.Copysign(0, -1), 0.04, 0.05, -0.05, -0.04, 0.95, -0.95, 1, -1, 12.34, -12.35, 1e6, -1e6, 999999.95, 0.15, 0.25, 2.5, -2.5, math.SmallestNonzeroFloat64}
	for i := 0; i < 200000; i++ {
		vals = append(vals, (r.Float64()-0.5)*math.Pow(10, float64(r.IntN(8))))
	}
	for _, v := range vals {
		if a, b := num(v), old(v); a != b {
			t.Fatalf("num(%v) = %q, FormatFloat %q", v, a, b)
		}
	}
}
