package fairshare

import (
	"fmt"
	"math/big"
	"strings"
)

// Amount is a sum of money in integer minor units (cents, øre) of a currency
// that travels beside it. Integer storage keeps sums exact in SQL and Go.
type Amount int64

// MinorDigits returns the ISO 4217 minor unit digits of a currency.
func MinorDigits(currency string) int {
	switch currency {
	case "JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "PYG", "UGX":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD":
		return 3
	}
	return 2
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

// ParseAmount reads a decimal amount of currency into minor units. One '.' or
// ',' is the decimal separator; thousands separators are refused because
// "1,234" is a thousand in English and one point two in Danish.
func ParseAmount(s, currency string) (Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	digits := MinorDigits(currency)
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if strings.ContainsAny(frac, ".,") {
			return 0, fmt.Errorf("%q has more than one separator (write 1234567.89 or 1234567,89, no thousands separators)", s)
		}
	}
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", s)
		}
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > digits {
		return 0, fmt.Errorf("%q has more decimals than %s's %d", s, currency, digits)
	}
	frac += strings.Repeat("0", digits-len(frac))
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart)+digits > 18 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	var v int64
	for _, r := range intPart + frac {
		v = v*10 + int64(r-'0')
	}
	if neg {
		v = -v
	}
	return Amount(v), nil
}

// Format prints the amount with the currency's minor digits and a decimal point.
func (a Amount) Format(currency string) string {
	d := MinorDigits(currency)
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	s := fmt.Sprintf("%0*d", d+1, u)
	if d > 0 {
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Rat returns the amount in major units as an exact fraction.
func (a Amount) Rat(currency string) *big.Rat {
	return new(big.Rat).SetFrac64(int64(a), pow10[MinorDigits(currency)])
}

// AmountFromRat rounds an exact value in major units to minor units, half to even.
func AmountFromRat(r *big.Rat, currency string) Amount {
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt64(pow10[MinorDigits(currency)]))
	return Amount(roundHalfEven(scaled).Int64())
}

func roundHalfEven(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	// QuoRem truncates toward zero; compare twice the remainder with the divisor.
	twice := new(big.Int).Abs(m)
	twice.Lsh(twice, 1)
	switch twice.Cmp(den) {
	case 1:
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	case 0:
		if q.Bit(0) == 1 {
			if num.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return q
}
