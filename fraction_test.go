package fairshare

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestFractionBounds compares fractions known by bounds with their exact
// values on random values and on the adversarial ones: exact ties of the
// float64 roundings and of the decimal ones, and values a hair either
// side of them. Every printing must agree, and the exact value must be
// asked for only near a tie.
func TestFractionBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	hundred := big.NewRat(100, 1)
	var values []*big.Rat
	for range 300 {
		// Random: a few hundred bits over a few hundred bits, like an
		// exact euro sum over GDP, between about 2^-30 and 2^10 (the
		// decimals of larger values need more than the bounds' bits).
		nb := 40 + r.IntN(300)
		n := randBits(r, nb)
		d := randBits(r, nb-10+r.IntN(40))
		d.Add(d, big.NewInt(1))
		v := new(big.Rat).SetFrac(n, d)
		if r.IntN(4) == 0 {
			v.Neg(v)
		}
		values = append(values, v)
	}
	var ties []*big.Rat
	for range 200 {
		// 100x exactly half way between two float64s.
		f := math.Ldexp(1+r.Float64(), r.IntN(40)-30)
		mid := new(big.Rat).SetFloat64(f)
		mid.Add(mid, new(big.Rat).SetFloat64(math.Nextafter(f, math.Inf(1))))
		mid.Quo(mid, big.NewRat(2, 1))
		ties = append(ties, mid.Quo(mid, hundred))
		// x exactly half way between two float64s.
		g := new(big.Rat).SetFloat64(f)
		g.Add(g, new(big.Rat).SetFloat64(math.Nextafter(f, 0)))
		ties = append(ties, g.Quo(g, big.NewRat(2, 1)))
		// 100x with dec decimals and a 5 after them: FloatString rounds up.
		dec := r.IntN(MaxPercentDecimals + 1)
		h := new(big.Rat).SetFrac(big.NewInt(2*r.Int64N(1e9)+1), big.NewInt(2*pow10[dec]))
		if r.IntN(2) == 0 {
			h.Neg(h)
		}
		ties = append(ties, h.Quo(h, hundred))
		// And a float64 exactly (no rounding at all).
		ties = append(ties, new(big.Rat).SetFloat64(f))
	}
	ties = append(ties, new(big.Rat))
	for range 50 {
		// Large values, whose decimals the bounds may not settle.
		ties = append(ties, new(big.Rat).SetFrac(randBits(r, 100+r.IntN(200)), new(big.Int).Add(randBits(r, 1+r.IntN(40)), big.NewInt(1))))
	}
	for _, v := range ties {
		eps := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), 170))
		eps.Mul(eps, new(big.Rat).Abs(v))
		if v.Sign() == 0 {
			eps.SetFrac64(1, 1<<62)
		}
		values = append(values, v, new(big.Rat).Add(v, eps), new(big.Rat).Sub(v, eps))
	}
	exactCalls, random := 0, 300
	for i, v := range values {
		// Bounds as the engine's come: a few ulps of boundPrec either side.
		lo := new(big.Float).SetPrec(boundPrec).SetMode(big.ToNegativeInf).SetRat(v)
		hi := new(big.Float).SetPrec(boundPrec).SetMode(big.ToPositiveInf).SetRat(v)
		lo.Sub(lo, new(big.Float).SetMantExp(big.NewFloat(1), lo.MantExp(nil)-boundPrec+2))
		hi.Add(hi, new(big.Float).SetMantExp(big.NewFloat(1), hi.MantExp(nil)-boundPrec+2))
		called := false
		got := boundedFraction(lo, hi, func() *big.Rat { called = true; return v })
		if called {
			exactCalls++
			if i < random {
				t.Errorf("%v: a random value needed its exact value", v)
			}
		}
		checkFraction(t, v, got)
	}
	if exactCalls == 0 || exactCalls > len(ties) {
		t.Errorf("exact value computed %d times for %d values, %d ties", exactCalls, len(values), len(ties))
	}
	t.Logf("%d values, exact computed %d times", len(values), exactCalls)
}

// randBits is a random number below 2^n.
func randBits(r *rand.Rand, n int) *big.Int {
	v := new(big.Int)
	for i := 0; i < n; i += 64 {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(r.Uint64()))
	}
	return v.Rsh(v, uint((n+63)/64*64-n))
}

// checkFraction says got prints as the exact value v does.
func checkFraction(t *testing.T, v *big.Rat, got *Fraction) {
	t.Helper()
	want := RatFraction(v)
	if !got.Contains(v) {
		t.Fatalf("%v: bounds do not contain it", v)
	}
	if a, b := want.Float64(), got.Float64(); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
		t.Fatalf("%v: Float64 %v, want %v", v, b, a)
	}
	if a, b := want.Percent(), got.Percent(); a != b {
		t.Fatalf("%v: Percent %v, want %v", v, b, a)
	}
	if a, _ := new(big.Rat).Mul(v, big.NewRat(100, 1)).Float64(); a != got.Percent() {
		t.Fatalf("%v: Percent %v, big.Rat says %v", v, got.Percent(), a)
	}
	for dec := 0; dec <= MaxPercentDecimals; dec++ {
		if a, b := new(big.Rat).Mul(v, big.NewRat(100, 1)).FloatString(dec), got.PercentText(dec); a != b {
			t.Fatalf("%v: PercentText(%d) %q, want %q", v, dec, b, a)
		}
	}
}

// TestExactEUROver checks Over against the exact quotient, with bounds and
// without, and that it calls Exact only when the bounds do not settle it.
func TestExactEUROver(t *testing.T) {
	num, den := big.NewInt(123456789), big.NewInt(1000)
	exact := new(big.Rat).SetFrac(num, den)
	gdp := big.NewRat(98765432101, 7)
	want := new(big.Rat).Quo(exact, gdp)
	calls := 0
	e := ExactEUR{Exact: func() (n, d *big.Int) { calls++; return num, den }}
	checkFraction(t, want, e.Over(gdp))
	if calls != 1 {
		t.Fatalf("without bounds: %d calls of Exact", calls)
	}
	e.Lo = new(big.Float).SetPrec(boundPrec).SetMode(big.ToNegativeInf).SetRat(exact)
	e.Hi = new(big.Float).SetPrec(boundPrec).SetMode(big.ToPositiveInf).SetRat(exact)
	checkFraction(t, want, e.Over(gdp))
	if calls != 1 {
		t.Fatalf("with bounds: Exact called")
	}
	checkFraction(t, new(big.Rat), ExactEUR{}.Over(gdp))
	// A tie: GDP such that 100*exact/GDP is half way between two float64s.
	f := 0.3
	mid := new(big.Rat).SetFloat64(f)
	mid.Add(mid, new(big.Rat).SetFloat64(math.Nextafter(f, 1)))
	mid.Quo(mid, big.NewRat(200, 1)) // the value, a hundredth of the midpoint
	tie := new(big.Rat).Quo(exact, mid)
	checkFraction(t, mid, e.Over(tie))
	if calls != 2 {
		t.Fatalf("at a tie: %d calls of Exact, want 2", calls)
	}
}
