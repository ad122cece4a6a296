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

// NumberStyle says which separator a file or a person uses as the decimal
// one. Unstated is the safe default: it refuses amounts that two styles
// would read differently.
type NumberStyle int

const (
	NumberStyleUnstated NumberStyle = iota
	DecimalPoint                    // 1,234.56: '.' decimal, ',' groups thousands
	DecimalComma                    // 1.234,56: ',' decimal, '.' groups thousands
)

// ParseNumberStyle reads a stated style: "point" or "comma" ("." and ","
// too); "" is unstated.
func ParseNumberStyle(s string) (NumberStyle, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return NumberStyleUnstated, nil
	case "point", ".", "decimal-point":
		return DecimalPoint, nil
	case "comma", ",", "decimal-comma":
		return DecimalComma, nil
	}
	return 0, FieldError("decimal", fmt.Sprintf("%q: want point or comma", s))
}

func (st NumberStyle) String() string {
	switch st {
	case DecimalPoint:
		return "point"
	case DecimalComma:
		return "comma"
	}
	return ""
}

// ParseAmount reads a decimal amount of currency into minor units when the
// number style is not stated: one '.' or ',' is the decimal separator and
// thousands separators are refused, because "1,234" is a thousand in English
// and one point two in Danish. For the same reason an amount whose only
// separator is followed by exactly three digits ("1.000", "1,000") is refused
// as ambiguous; ParseAmountStyle reads it once the style is known.
func ParseAmount(s, currency string) (Amount, error) {
	return ParseAmountStyle(s, currency, NumberStyleUnstated)
}

// ParseAmountStyle reads a decimal amount written in a stated number style;
// separators of the other kind are then accepted as thousands separators in
// groups of three ("1.000.000,50" with DecimalComma).
func ParseAmountStyle(s, currency string, style NumberStyle) (Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	orig := s
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var intPart, frac string
	switch style {
	case DecimalPoint, DecimalComma:
		dec, group := byte('.'), byte(',')
		if style == DecimalComma {
			dec, group = ',', '.'
		}
		intPart = s
		if i := strings.IndexByte(s, dec); i >= 0 {
			intPart, frac = s[:i], s[i+1:]
			if strings.IndexByte(frac, dec) >= 0 || strings.IndexByte(frac, group) >= 0 {
				return 0, fmt.Errorf("%q: only one decimal %s, and no grouping after it", orig, sepName(dec))
			}
		}
		if strings.IndexByte(intPart, group) >= 0 {
			groups := strings.Split(intPart, string(group))
			if len(groups[0]) < 1 || len(groups[0]) > 3 || groups[0][0] == '0' {
				return 0, fmt.Errorf("%q: %s must group thousands in threes (decimal %s stated)", orig, sepName(group), sepName(dec))
			}
			for _, g := range groups[1:] {
				if len(g) != 3 {
					return 0, fmt.Errorf("%q: %s must group thousands in threes (decimal %s stated)", orig, sepName(group), sepName(dec))
				}
			}
			intPart = strings.Join(groups, "")
		}
	default:
		intPart = s
		if i := strings.IndexAny(s, ".,"); i >= 0 {
			intPart, frac = s[:i], s[i+1:]
			if strings.ContainsAny(frac, ".,") {
				return 0, fmt.Errorf("%q has more than one separator (write 1234567.89 or 1234567,89, or state the number style: decimal comma or decimal point)", orig)
			}
			if ambiguous(intPart, frac) {
				sep := sepName(s[i])
				dec := intPart
				if f := strings.TrimRight(frac, "0"); f != "" {
					dec += "." + f
				}
				return 0, fmt.Errorf("%q is ambiguous: %s%s with the %s separating thousands, or %s with a decimal %s; state the number style: decimal comma or decimal point (--decimal-comma, --decimal-point, decimal=comma)",
					orig, intPart, frac, sep, dec, sep)
			}
		}
	}
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("%q is not a number", orig)
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", orig)
		}
	}
	digits := MinorDigits(currency)
	frac = strings.TrimRight(frac, "0")
	if len(frac) > digits {
		return 0, fmt.Errorf("%q has more decimals than %s's %d", orig, currency, digits)
	}
	frac += strings.Repeat("0", digits-len(frac))
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart)+digits > 18 {
		return 0, fmt.Errorf("%q is too large", orig)
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

// ambiguous reports whether int.frac could be a thousands grouping: one to
// three digits, not a lone leading zero, then exactly three digits.
func ambiguous(intPart, frac string) bool {
	if len(frac) != 3 || len(intPart) < 1 || len(intPart) > 3 || intPart[0] == '0' {
		return false
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func sepName(b byte) string {
	if b == ',' {
		return "comma"
	}
	return "point"
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
