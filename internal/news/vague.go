package news

import (
	"fmt"
	"strings"
)

// VagueAmount is an amount the text gives only as an order of magnitude: "et trecifret
// millionbeløb", "a double-digit billion sum", "et milliardbeløb". It has no value: the
// reader flags it for an editor and never guesses one.
type VagueAmount struct {
	Text         string `json:"text"`
	Start        int    `json:"start"`
	End          int    `json:"end"`
	Scale        string `json:"scale"`  // "million" or "billion"
	Digits       int    `json:"digits"` // digits before the scale ("trecifret": 3); 0 when not said
	Currency     string `json:"currency"`
	CurrencyFrom string `json:"currency_from"`
	Note         string `json:"note"`
}

var digitWords = map[string]int{
	"encifret": 1, "tocifret": 2, "trecifret": 3, "firecifret": 4, "single-digit": 1, "double-digit": 2,
	"triple-digit": 3, "two-digit": 2, "three-digit": 3, "one-digit": 1,
}

// vagueNouns are Danish compounds naming an amount by its scale alone.
var vagueNouns = map[string]string{
	"millionbeløb": "million", "millionbeløbet": "million", "milliardbeløb": "billion", "milliardbeløbet": "billion",
	"millionbeløbsstørrelse": "million", "milliardbeløbsstørrelse": "billion",
}

// vagueEnglishNouns end "a double-digit billion sum" and "a three-digit million amount".
var vagueEnglishNouns = setOf("sum", "sums", "amount", "amounts", "figure", "figures", "order", "contract", "package", "deal")

// findVague reads amounts given only by their order of magnitude. Their currency is the one
// the text counts in at that point, as for an amount with no currency word.
func (d *doc) findVague() {
	toks := d.toks
	inAmount := make([]bool, len(toks))
	for _, a := range d.amounts {
		for k := a.markStart; k < a.tokEnd && k < len(toks); k++ {
			inAmount[k] = true
		}
	}
	ai, lastStated := 0, ""
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if t.kind != tWord || inAmount[k] {
			continue
		}
		start, end, scale, digits, stated := -1, -1, "", 0, ""
		if sc, cur, ok := multiScale(t.lower); ok {
			// "a multibillion-dollar package"
			start, end, scale = k, k+1, sc
			if c, ok := currencyNouns[cur]; ok {
				stated = c
			}
		} else if sc, ok := vagueNouns[t.lower]; ok {
			start, end, scale = k, k+1, sc
			if k > 0 && digitWords[toks[k-1].lower] > 0 {
				start, digits = k-1, digitWords[toks[k-1].lower]
			}
		} else if n := digitWords[t.lower]; n > 0 && k+1 < len(toks) {
			// "double-digit billion sum", "double-digit billion-dollar sum"
			sc, ok := scaleOf(toks[k+1].lower, "en")
			if !ok || (sc.name != "million" && sc.name != "billion") || sc.tight || sc.abbrev {
				continue
			}
			j := k + 2
			if j+1 < len(toks) && toks[j].text == "-" && !toks[j].spaceBefore {
				if c, n := suffixCurrency(toks, j+1); n == 1 {
					stated, j = c, j+2 // "-dollar"
				}
			}
			if j >= len(toks) || !vagueEnglishNouns[toks[j].lower] {
				continue
			}
			start, end, scale, digits = k, j+1, sc.name, n
		}
		if start < 0 {
			if e, sc, cur, ok := d.pluralScaleAt(k); ok {
				start, end, scale, stated = k, e, sc, cur
				if someHundred(toks, k+1) {
					digits = 3
				}
			}
		}
		if start < 0 {
			continue
		}
		v := VagueAmount{Start: toks[start].start, End: toks[end-1].end, Scale: scale, Digits: digits}
		v.Text = d.src[v.Start:v.End]
		// the currency of the last amount before it that states or implies one: the amounts are
		// in text order, so one pass
		for ai < len(d.amounts) && d.amounts[ai].tokStart <= start {
			if f := d.amounts[ai].CurrencyFrom; f == "stated" || f == "context" {
				lastStated = d.amounts[ai].Currency
			}
			ai++
		}
		v.Currency, v.CurrencyFrom = lastStated, "context"
		if lastStated == "" {
			v.CurrencyFrom = ""
		}
		if d.lang == "da" {
			// "millionbeløb" in Danish copy counts in kroner unless a currency follows
			v.Currency, v.CurrencyFrom = "DKK", "default"
		}
		if stated != "" {
			v.Currency, v.CurrencyFrom = stated, "stated"
		}
		if digits > 0 {
			v.Note = fmt.Sprintf("%d digits before %s: no value is read", digits, scale)
		} else {
			v.Note = "an amount in the " + scale + "s: no value is read"
		}
		d.res.Vague = append(d.res.Vague, v)
		k = end - 1
	}
}

// multiScale reads "multibillion", "multi-million-euro": an amount of several millions or
// billions, and the currency glued after it.
func multiScale(w string) (scale, currency string, ok bool) {
	for _, p := range []struct{ prefix, scale string }{{"multibillion", "billion"}, {"multi-billion", "billion"},
		{"multimillion", "million"}, {"multi-million", "million"}, {"milliardstor", "billion"}} {
		if rest, found := strings.CutPrefix(w, p.prefix); found {
			if rest == "" {
				return p.scale, "", true
			}
			if c, found := strings.CutPrefix(rest, "-"); found {
				return p.scale, c, true
			}
			if rest == "e" || rest == "t" {
				return p.scale, "", true // milliardstore, milliardstort
			}
		}
	}
	return "", "", false
}

// quantifiers make a plural scale an order of magnitude: "hundreds of millions", "flere
// milliarder".
var quantifiers = map[string][]string{
	"hundreds": {"of"}, "tens": {"of"}, "several": nil, "many": nil, "hundredvis": {"af"}, "flere": nil,
	"adskillige": nil, "mange": nil, "billions": nil, "millions": nil, "milliarder": nil, "millioner": nil,
	"nogle": nil, "few": nil,
}

// hundredWords follow a quantifier in "several hundred million", "flere hundrede millioner":
// an amount of three digits before its scale, with no value.
var hundredWords = setOf("hundred", "hundrede")

// someHundred reports a quantifier before token k, which holds "hundred": "several hundred
// million" is an order of magnitude, not 100 million.
func someHundred(toks []token, k int) bool {
	if k == 0 || !hundredWords[toks[k].lower] {
		return false
	}
	q := toks[k-1].lower
	_, ok := quantifiers[q]
	return ok && pluralScales[q] == "" && q != "hundreds" && q != "tens" && q != "hundredvis"
}

var pluralScales = map[string]string{"millions": "million", "billions": "billion", "millioner": "million", "milliarder": "billion"}

// pluralScaleAt reads "hundreds of millions (of dollars)", "several billion euros", "flere
// milliarder kroner", "billions of crowns" at token k. With no quantifier ("billions of")
// a currency must follow, since "millions of people" count people.
func (d *doc) pluralScaleAt(k int) (end int, scale, currency string, ok bool) {
	toks := d.toks
	w := toks[k].lower
	of, isQ := quantifiers[w]
	if !isQ {
		return 0, "", "", false
	}
	j := k + 1
	bare, hundred := pluralScales[w] != "", false
	if bare {
		scale, j = pluralScales[w], k+1
	} else {
		for _, o := range of {
			if j >= len(toks) || toks[j].lower != o {
				return 0, "", "", false
			}
			j++
		}
		if j >= len(toks) || toks[j].sent != toks[k].sent {
			return 0, "", "", false
		}
		if someHundred(toks, j) && j+1 < len(toks) && toks[j+1].sent == toks[k].sent {
			hundred = true
			j++
		}
		sc, found := pluralScales[toks[j].lower]
		if !found && (hundred || w == "several" || w == "flere" || w == "adskillige") {
			if s, ok := scaleOf(toks[j].lower, d.lang); ok && !s.tight && !s.abbrev && (s.name == "million" || s.name == "billion") {
				sc, found = s.name, true // "several billion euros"
			}
		}
		if !found {
			return 0, "", "", false
		}
		scale, j = sc, j+1
	}
	// the currency: "kroner", "of dollars", "af kroner"
	m := j
	if m < len(toks) && (toks[m].lower == "of" || toks[m].lower == "af") {
		m++
	}
	if c, n := suffixCurrency(toks, m); n > 0 && toks[m].sent == toks[k].sent {
		return m + n, scale, c, true
	}
	if bare || !hundred && (w == "many" || w == "mange" || w == "several" || w == "flere" || w == "adskillige" || w == "nogle" || w == "few") {
		return 0, "", "", false // "billions of people", "flere millioner mennesker"
	}
	if m > j {
		return 0, "", "", false // "hundreds of millions of people"
	}
	if j < len(toks) && toks[j].kind == tWord && toks[j].sent == toks[k].sent && !mayFollowInferred(d.lang, toks[j].lower) {
		return 0, "", "", false
	}
	return j, scale, "", true
}
