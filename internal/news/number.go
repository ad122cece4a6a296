package news

import (
	"math/big"
	"strings"
)

// decimal is a stated number kept exactly: value = digits / 10^frac.
type decimal struct {
	digits string // ASCII digits, no separators
	frac   int    // digits after the decimal separator
	exact  bool   // written out or a unit rate ("én euro"), so precision does not limit it
	rat    *big.Rat
}

// parseNumber reads a number token. Danish writes 1.300,5 and English 1,300.5; with only one
// kind of separator the language decides, and groups of exactly three digits mean thousands.
func parseNumber(text, lang string) (decimal, bool) {
	if len(text) > maxNumLen {
		return decimal{}, false
	}
	var b strings.Builder
	var seps []byte
	var groups []int // digit count of each group between separators
	n := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case isDigitByte(c):
			b.WriteByte(c)
			n++
			i++
		case c == '.' || c == ',':
			seps = append(seps, c)
			groups = append(groups, n)
			n = 0
			i++
		default:
			if k := groupSpaceLen(text[i:]); k > 0 {
				seps = append(seps, ' ')
				groups = append(groups, n)
				n = 0
				i += k
				continue
			}
			return decimal{}, false
		}
	}
	groups = append(groups, n)
	digits := b.String()
	if len(seps) == 0 {
		return newDecimal(digits, 0), true
	}
	thousandsOK := func(sep byte, upto int) bool {
		// groups[0..upto] separated by sep: first 1-3 digits, the rest exactly 3
		if groups[0] < 1 || groups[0] > 3 {
			return false
		}
		for i := 1; i <= upto; i++ {
			if groups[i] != 3 || (seps[i-1] != sep && seps[i-1] != ' ') {
				return false
			}
		}
		return true
	}
	last := seps[len(seps)-1]
	mixed := false
	for _, s := range seps {
		if s != last && s != ' ' {
			mixed = true
		}
	}
	nSep := len(seps)
	if mixed {
		// the last separator is the decimal one; the others must group thousands
		other := byte('.')
		if last == '.' {
			other = ','
		}
		if !thousandsOK(other, nSep-1) {
			return decimal{}, false
		}
		return newDecimal(digits, groups[nSep]), true
	}
	if last == ' ' {
		if !thousandsOK(' ', nSep) {
			return decimal{}, false
		}
		return newDecimal(digits, 0), true
	}
	decimalSep := byte(',')
	if lang == "en" {
		decimalSep = '.'
	}
	if last == decimalSep {
		if nSep == 1 {
			return newDecimal(digits, groups[1]), true
		}
		if thousandsOK(last, nSep) {
			return newDecimal(digits, 0), true
		}
		return decimal{}, false
	}
	// the language's thousands separator
	if thousandsOK(last, nSep) {
		return newDecimal(digits, 0), true
	}
	if nSep == 1 {
		return newDecimal(digits, groups[1]), true
	}
	return decimal{}, false
}

func newDecimal(digits string, frac int) decimal {
	d := decimal{digits: digits, frac: frac}
	num, _ := new(big.Int).SetString(digits, 10)
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(frac)), nil)
	d.rat = new(big.Rat).SetFrac(num, den)
	return d
}

func ratDecimal(num, den int64) decimal {
	return decimal{exact: true, rat: big.NewRat(num, den)}
}

// halfUnit is half the unit of the last stated digit, relative to the value:
// "750" is 750±0.5, "5,8" is 5.8±0.05.
func (d decimal) halfUnit() float64 {
	v, _ := d.rat.Float64()
	if d.exact || v == 0 {
		return 0
	}
	u := 0.5
	for i := 0; i < d.frac; i++ {
		u /= 10
	}
	return u / v
}

// halfUnitNonzero is like halfUnit but counts trailing zeros as rounding: "300" is 300±50.
func (d decimal) halfUnitNonzero() float64 {
	v, _ := d.rat.Float64()
	if d.exact || v == 0 {
		return 0
	}
	u := 0.5
	for i := 0; i < d.frac; i++ {
		u /= 10
	}
	for i := len(d.digits) - 1; i > 0 && d.digits[i] == '0'; i-- {
		u *= 10
	}
	return u / v
}

// writtenNumbers are number words that count as amounts only before a scale or currency word.
var writtenNumbers = map[string][2]int64{
	// Danish
	"en": {1, 1}, "én": {1, 1}, "et": {1, 1}, "ét": {1, 1}, "to": {2, 1}, "tre": {3, 1}, "fire": {4, 1},
	"fem": {5, 1}, "seks": {6, 1}, "syv": {7, 1}, "otte": {8, 1}, "ni": {9, 1}, "ti": {10, 1},
	"elleve": {11, 1}, "tolv": {12, 1}, "tretten": {13, 1}, "fjorten": {14, 1}, "femten": {15, 1},
	"seksten": {16, 1}, "sytten": {17, 1}, "atten": {18, 1}, "nitten": {19, 1}, "tyve": {20, 1},
	"tredive": {30, 1}, "fyrre": {40, 1}, "halvtreds": {50, 1}, "tres": {60, 1}, "halvfjerds": {70, 1},
	"firs": {80, 1}, "halvfems": {90, 1}, "hundrede": {100, 1}, "halvanden": {3, 2}, "halvandet": {3, 2},
	// English
	"one": {1, 1}, "a": {1, 1}, "two": {2, 1}, "three": {3, 1}, "four": {4, 1}, "five": {5, 1},
	"six": {6, 1}, "seven": {7, 1}, "eight": {8, 1}, "nine": {9, 1}, "ten": {10, 1}, "eleven": {11, 1},
	"twelve": {12, 1}, "fifteen": {15, 1}, "twenty": {20, 1}, "thirty": {30, 1}, "forty": {40, 1},
	"fifty": {50, 1}, "hundred": {100, 1}, "another": {1, 1},
}

// danishUnits are the first halves of compounds like "femogtyve" (5 og 20).
var danishUnits = map[string]int64{"en": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9}

func writtenNumber(lower, lang string) (decimal, bool) {
	if lang == "da" && (lower == "a" || lower == "one") || lang == "en" && writtenDanishOnly(lower) {
		return decimal{}, false
	}
	if v, ok := writtenNumbers[lower]; ok {
		return ratDecimal(v[0], v[1]), true
	}
	if lang == "da" {
		if i := strings.Index(lower, "og"); i > 0 {
			u, ok1 := danishUnits[lower[:i]]
			t, ok2 := writtenNumbers[lower[i+2:]]
			if ok1 && ok2 && t[0] >= 20 && t[0] < 100 && t[1] == 1 {
				return ratDecimal(u+t[0], 1), true
			}
		}
	}
	return decimal{}, false
}

func writtenDanishOnly(w string) bool {
	// "to" and "ten" etc. are English too; only block words that are English function words.
	return w == "en" || w == "et" || w == "to" || w == "ni" || w == "fire"
}

type scaleWord struct {
	name   string // normalized: thousand, million, billion, trillion
	factor int64
	abbrev bool // may carry a dot: mio. mia. mrd.
	tight  bool // only when glued to the number: 61m, 61b, 500k
}

// scaleOf maps scale words. Danish "billion" is 10^12 (long scale), English 10^9.
func scaleOf(lower, lang string) (scaleWord, bool) {
	switch lower {
	case "tusind", "tusinde", "thousand":
		return scaleWord{name: "thousand", factor: 1e3}, true
	case "k":
		return scaleWord{name: "thousand", factor: 1e3, tight: true}, true
	case "mio", "mill", "mln":
		return scaleWord{name: "million", factor: 1e6, abbrev: true}, true
	case "million", "millioner", "millions", "mn":
		return scaleWord{name: "million", factor: 1e6}, true
	case "m":
		return scaleWord{name: "million", factor: 1e6, tight: true}, true
	case "mia", "mrd":
		return scaleWord{name: "billion", factor: 1e9, abbrev: true}, true
	case "milliard", "milliarder", "bn", "bln":
		return scaleWord{name: "billion", factor: 1e9}, true
	case "b":
		return scaleWord{name: "billion", factor: 1e9, tight: true}, true
	case "billion", "billions":
		if lang == "da" {
			return scaleWord{name: "trillion", factor: 1e12}, true
		}
		return scaleWord{name: "billion", factor: 1e9}, true
	case "billioner":
		return scaleWord{name: "trillion", factor: 1e12}, true
	case "trillion", "tn":
		if lang == "da" {
			return scaleWord{name: "quintillion", factor: 1e18}, true
		}
		return scaleWord{name: "trillion", factor: 1e12}, true
	}
	return scaleWord{}, false
}
