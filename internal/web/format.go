package web

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// separators returns the thousands and decimal separators of a language.
func separators(lang string) (thousands, decimal string) {
	if lang == "da" {
		return ".", ","
	}
	return ",", "."
}

// Decimal formats r with dec decimals and the language's separators
// ("1.234,5" in Danish, "1,234.5" in English).
func Decimal(lang string, r *big.Rat, dec int) string {
	s := r.FloatString(dec)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	th, dp := separators(lang)
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += dp + frac
	}
	// A value that rounds to zero prints without a sign.
	if neg && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}

// Float formats a float like Decimal.
func Float(lang string, f float64, dec int) string {
	r := new(big.Rat)
	r.SetFloat64(f)
	return Decimal(lang, r, dec)
}

// Pct formats a fraction as a percentage ("12,5 %" / "12.5 %").
func Pct(lang string, fraction float64, dec int) string {
	return Float(lang, fraction*100, dec) + "\u00a0%"
}

var (
	bn  = big.NewRat(1_000_000_000, 1)
	mio = big.NewRat(1_000_000, 1)
)

// Money formats an amount for reading, scaled to billions or millions with
// one decimal: "EUR 1,234.5 bn" in English, "1.234,5 mia. kr." in Danish.
func Money(lang string, a fairshare.Amount, cur string) string {
	v := a.Rat(cur)
	abs := new(big.Rat).Abs(v)
	var num, unitEN, unitDA string
	switch {
	case abs.Cmp(bn) >= 0:
		num, unitEN, unitDA = Decimal(lang, new(big.Rat).Quo(v, bn), 1), " bn", " mia."
	case abs.Cmp(mio) >= 0:
		num, unitEN, unitDA = Decimal(lang, new(big.Rat).Quo(v, mio), 1), " m", " mio."
	default:
		num = Decimal(lang, v, 0)
	}
	if lang == "da" {
		return num + unitDA + "\u00a0" + currencyDA(cur)
	}
	return cur + "\u00a0" + num + unitEN
}

// Millions formats an amount in millions with one decimal, for table
// columns whose header names the unit.
func Millions(lang string, a fairshare.Amount, cur string) string {
	return Decimal(lang, new(big.Rat).Quo(a.Rat(cur), mio), 1)
}

// Exact formats an amount with all its minor digits ("1.234.567,89").
func Exact(lang string, a fairshare.Amount, cur string) string {
	return Decimal(lang, a.Rat(cur), fairshare.MinorDigits(cur))
}

// MillionsUnit names the unit of Millions columns: "EUR m" / "mio. EUR".
func MillionsUnit(lang, cur string) string {
	if lang == "da" {
		return "mio. " + currencyDA(cur)
	}
	return cur + " m"
}

// currencyDA writes kroner the Danish way; other currencies keep their code.
func currencyDA(cur string) string {
	if cur == "DKK" {
		return "kr."
	}
	return cur
}

var monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// FormatDate writes a day as "31. maj 2024" or "31 May 2024".
func FormatDate(lang string, d fairshare.Date) string {
	if d.IsZero() {
		return ""
	}
	if lang == "da" {
		return fmt.Sprintf("%d. %s %d", d.Time().Day(), monthsDA[d.Month()-1], d.Year())
	}
	return d.Time().Format("2 January 2006")
}

// FormatTime writes the day of t in UTC.
func FormatTime(lang string, t time.Time) string {
	return FormatDate(lang, fairshare.DateOf(t.UTC()))
}

// MonthLabel writes a month shortly: "maj 2024" / "May 2024".
func MonthLabel(lang string, y int, m time.Month) string {
	if lang == "da" {
		return fmt.Sprintf("%s %d", monthsDA[m-1], y)
	}
	return fmt.Sprintf("%s %d", m.String(), y)
}
