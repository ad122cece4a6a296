package fairshare

import (
	"math"
	"math/bits"
)

// convertExact is ConvertAt for per-EUR rates given as their decimal
// texts, in 128-bit integer arithmetic: the same value, rounded half to
// even, without a big.Rat per conversion (the dashboard's statistics
// convert every group of the ledger). ok is false when a text is not a
// plain positive decimal of at most 18 digits or an intermediate value
// does not fit; the caller then takes the big.Rat path.
//
// a/10^mf / (pf/10^kf) * (pt/10^kt) * 10^mt = N / D with
// N = a * 10^(kf+mt) * pt and D = pf * 10^(mf+kt).
func convertExact(a Amount, from, to, fromText, toText string) (Amount, bool) {
	pf, kf, ok := plainDecimal(fromText)
	if !ok {
		return 0, false
	}
	pt, kt, ok := plainDecimal(toText)
	if !ok {
		return 0, false
	}
	mf, mt := MinorDigits(from), MinorDigits(to)
	if kf+mt > 19 || mf+kt > 19 {
		return 0, false
	}
	abs := uint64(a)
	if a < 0 {
		abs = -abs // two's complement: right for math.MinInt64 too
	}
	hi, lo := bits.Mul64(abs, pow10u(kf+mt))
	if hi != 0 {
		h2, l2 := bits.Mul64(hi, pt)
		if h2 != 0 {
			return 0, false
		}
		var h3 uint64
		h3, lo = bits.Mul64(lo, pt)
		var c uint64
		hi, c = bits.Add64(h3, l2, 0)
		if c != 0 {
			return 0, false
		}
	} else {
		hi, lo = bits.Mul64(lo, pt)
	}
	dh, d := bits.Mul64(pf, pow10u(mf+kt))
	if dh != 0 || d > math.MaxInt64 || hi >= d {
		return 0, false // the quotient would not fit 64 bits
	}
	q, r := bits.Div64(hi, lo, d)
	if r > d-r || r == d-r && q&1 == 1 { // past half, or a tie to an odd quotient
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if a < 0 {
		return -Amount(q), true
	}
	return Amount(q), true
}

// plainDecimal reads "123", "1.5", "0.000123": the digits as an integer
// and how many follow the point.
func plainDecimal(s string) (p uint64, k int, ok bool) {
	point, digits := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits++; digits > 18 {
				return 0, 0, false
			}
			p = p*10 + uint64(c-'0')
			if point {
				k++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, 0, false
		}
	}
	return p, k, digits > 0 && p > 0
}

func pow10u(n int) uint64 {
	v := uint64(1)
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}
