package kiel

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/fairshare/fairshare"
)

// maxEUR bounds any single figure: a quadrillion euros is a broken cell, and
// the bound keeps minor units well inside int64.
var maxEUR = new(big.Rat).SetInt64(1_000_000_000_000_000)

// parseDecimal reads decimal text exactly, as written: an optional sign,
// digits with at most one '.', and an optional exponent (spreadsheets store
// 1.5E-3). It never goes through float64, so "0.1" is one tenth.
func parseDecimal(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty number")
	}
	if len(s) > 64 {
		return nil, fmt.Errorf("%.20q... is too long for a number", s)
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		es := s[i+1:]
		eneg := false
		if es != "" && (es[0] == '+' || es[0] == '-') {
			eneg = es[0] == '-'
			es = es[1:]
		}
		if es == "" || len(es) > 3 {
			return nil, fmt.Errorf("%q is not a decimal number", s)
		}
		for _, r := range es {
			if r < '0' || r > '9' {
				return nil, fmt.Errorf("%q is not a decimal number", s)
			}
			exp = exp*10 + int(r-'0')
		}
		if exp > 40 {
			return nil, fmt.Errorf("%q is out of range", s)
		}
		if eneg {
			exp = -exp
		}
	}
	neg := false
	if mant != "" && (mant[0] == '-' || mant[0] == '+') {
		neg = mant[0] == '-'
		mant = mant[1:]
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	if intPart == "" && frac == "" {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return nil, fmt.Errorf("%q is not a decimal number", s)
		}
	}
	num, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	if neg {
		num.Neg(num)
	}
	exp -= len(frac)
	v := new(big.Rat).SetInt(num)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil)
	if exp >= 0 {
		v.Mul(v, new(big.Rat).SetInt(p))
	} else {
		v.Quo(v, new(big.Rat).SetInt(p))
	}
	return v, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// eurAmount scales an exact figure by scale (EUR per unit of the source
// column) and rounds it to cents, half to even.
func eurAmount(v *big.Rat, scale *big.Rat) (fairshare.Amount, error) {
	eur := new(big.Rat).Mul(v, scale)
	if new(big.Rat).Abs(eur).Cmp(maxEUR) > 0 {
		return 0, fmt.Errorf("EUR %s is implausibly large", eur.FloatString(0))
	}
	return fairshare.AmountFromRat(eur, "EUR"), nil
}

var (
	billion = new(big.Rat).SetInt64(1_000_000_000)
	one     = new(big.Rat).SetInt64(1)
)
