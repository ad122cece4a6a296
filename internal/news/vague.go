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
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if t.kind != tWord {
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
			continue
		}
		v := VagueAmount{Start: toks[start].start, End: toks[end-1].end, Scale: scale, Digits: digits}
		v.Text = d.src[v.Start:v.End]
		v.Currency, v.CurrencyFrom = d.currencyAt(start)
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

// currencyAt is the currency the text counts in at token k: a currency word right after a
// vague amount ("-dollar"), else the last explicit amount before it, else the home currency
// of the language (Danish text: DKK; English: none).
func (d *doc) currencyAt(k int) (string, string) {
	last := ""
	for _, a := range d.amounts {
		if a.tokStart > k {
			break
		}
		if a.CurrencyFrom == "stated" {
			last = a.Currency
		}
	}
	if last != "" {
		return last, "context"
	}
	if d.lang == "da" {
		return "DKK", "default"
	}
	return "", ""
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
