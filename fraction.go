package fairshare

import (
	"math"
	"math/big"
	"sync"
)

// Fraction is a ratio known either exactly or by bounds lo <= value <= hi
// tight enough that every way a report prints it comes out as the exact
// value's would: the nearest float64 of the value and of 100 times it, and
// 100 times it to at most MaxPercentDecimals decimals (see settled). The
// engine's % of GDP is the second kind (see ExactEUR); the exact value is
// then computed only when bounds do not settle those. A Fraction does not
// change once made.
type Fraction struct {
	lo, hi *big.Float // bounds when rat is nil
	rat    *big.Rat
}

// MaxPercentDecimals is the most decimals PercentText prints.
const MaxPercentDecimals = 6

// boundPrec is the precision of the bounds' arithmetic: far beyond
// float64's 53 bits, so that the bounds almost always settle a value.
const boundPrec = 192

// RatFraction is r as a Fraction (r is not copied: do not change it).
func RatFraction(r *big.Rat) *Fraction { return &Fraction{rat: r} }

// boundedFraction is the fraction within [lo, hi] when the bounds settle
// it, else the exact value exact computes.
func boundedFraction(lo, hi *big.Float, exact func() *big.Rat) *Fraction {
	f := &Fraction{lo: lo, hi: hi}
	if f.settled() {
		return f
	}

	return &Fraction{rat: exact()}
}

// Exact is the exact value, or nil when the fraction is known by bounds.
// The caller must not change it.
func (f *Fraction) Exact() *big.Rat { return f.rat }

// Contains says the fraction may be r: r is its exact value, or within
// its bounds.
func (f *Fraction) Contains(r *big.Rat) bool {
	if f.rat != nil {
		return f.rat.Cmp(r) == 0
	}
	lo, _ := f.lo.Rat(nil)
	hi, _ := f.hi.Rat(nil)
	return r.Cmp(lo) >= 0 && r.Cmp(hi) <= 0
}

// Float64 is the float64 nearest to the value (big.Rat's Float64).
func (f *Fraction) Float64() float64 {
	if f.rat != nil {
		v, _ := f.rat.Float64()
		return v
	}
	v, _ := f.nearest(1)
	return v
}

// Percent is the float64 nearest to 100 times the value.
func (f *Fraction) Percent() float64 {
	if f.rat != nil {
		return percentOf(f.rat)
	}
	v, _ := f.nearest(100)
	return v
}

// PercentText is 100 times the value with dec decimals, 0 <= dec <=
// MaxPercentDecimals, as big.Rat's FloatString prints it.
func (f *Fraction) PercentText(dec int) string {
	if dec < 0 || dec > MaxPercentDecimals {
		panic("fairshare: PercentText: decimals out of range")
	}
	r := f.rat
	if r == nil {
		// FloatString is constant between the points where it rounds
		// half up, apart from the sign; settled saw neither within the
		// bounds, so the lower bound prints as the value does.
		r, _ = f.lo.Rat(nil)
	}
	return new(big.Rat).Mul(r, big.NewRat(100, 1)).FloatString(dec)
}

// nearest returns the float64 nearest to k times the value when the bounds
// settle it: rounding to nearest is monotone, so when k*lo and k*hi round
// to the same float64 every value between them does too. Outside float64's
// comfortable range (near zero, subnormals, overflow) it leaves the answer
// to the exact value, as percentOf does.
func (f *Fraction) nearest(k int64) (float64, bool) {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	return sc.nearest(f.lo, f.hi, k)
}

// scratch holds settled's numbers between calls: it runs for every donor
// of every report.
type scratch struct {
	a, b, k big.Float
	n       big.Int
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// scaled sets z to x*k, exactly (k below 2^64).
func (sc *scratch) scaled(z, x *big.Float, k int64) *big.Float {
	sc.k.SetInt64(k)
	return z.SetPrec(x.Prec()+64).Mul(x, &sc.k)
}

func (sc *scratch) nearest(lo, hi *big.Float, k int64) (float64, bool) {
	if lo.Sign() == 0 && hi.Sign() == 0 {
		return 0, true
	}
	a, _ := sc.scaled(&sc.a, lo, k).Float64()
	b, _ := sc.scaled(&sc.b, hi, k).Float64()
	return a, a == b && comfortable(a)
}

// settled says the bounds decide Float64, Percent and PercentText: the two
// float64 roundings agree at both ends, and the sign is known and no point
// where 100 times the value rounds half up at up to MaxPercentDecimals
// decimals, a multiple of 1/(2*10^MaxPercentDecimals), lies within them.
func (f *Fraction) settled() bool {
	if f.lo == nil || f.hi == nil || f.lo.Cmp(f.hi) > 0 {
		return false
	}
	if f.lo.Sign() == 0 && f.hi.Sign() == 0 {
		return true
	}
	if f.lo.Sign() < 0 && f.hi.Sign() >= 0 {
		return false
	}
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	if _, ok := sc.nearest(f.lo, f.hi, 1); !ok {
		return false
	}
	if _, ok := sc.nearest(f.lo, f.hi, 100); !ok {
		return false
	}
	const halves = 2 * 100 * 1_000_000 // 2 * 100 * 10^MaxPercentDecimals
	a, b := sc.scaled(&sc.a, f.lo, halves), sc.scaled(&sc.b, f.hi, halves)
	// No integer in [a, b]: floor(b) < a.
	fb, acc := b.Int(&sc.n)
	if b.Sign() < 0 && acc != big.Exact {
		fb.Sub(fb, big.NewInt(1))
	}
	return sc.k.SetPrec(uint(max(fb.BitLen(), 64))).SetInt(fb).Cmp(a) < 0
}

// comfortable says f is far from float64's limits, where a correctly rounded
// big.Float quotient at 53 bits and big.Rat's Float64 could differ.
func comfortable(f float64) bool {
	a := math.Abs(f)
	return a >= 0x1p-1000 && a <= 0x1p1000
}

// percentOf is r*100 rounded to the nearest float64, as big.Rat's Float64
// would, without big.Rat's Mul: it reduces the product, a GCD over the
// thousands of digits of an exact euro sum's denominator.
func percentOf(r *big.Rat) float64 {
	num := new(big.Float).SetInt(new(big.Int).Mul(r.Num(), big.NewInt(100)))
	f, _ := new(big.Float).SetPrec(53).SetMode(big.ToNearestEven).Quo(num, new(big.Float).SetInt(r.Denom())).Float64()
	if !comfortable(f) {
		// Near or past float64's range the two roundings could differ.
		f, _ = new(big.Rat).Mul(r, big.NewRat(100, 1)).Float64()
	}
	return f
}
