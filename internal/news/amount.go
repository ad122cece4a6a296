package news

import (
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"
)

// currencyCodes are ISO codes recognised when written in capitals before or after a number.
var currencyCodes = setOf("EUR", "DKK", "USD", "GBP", "SEK", "NOK", "CHF", "JPY", "PLN", "CAD", "AUD", "UAH", "ISK", "CZK", "NZD",
	"RUB", "HUF", "RON", "BGN", "KRW", "CNY", "TRY")

// currencyNouns map a currency word to its family's default code; adjectives refine it.
var currencyNouns = map[string]string{
	"kroner": "DKK", "krone": "DKK", "kr": "DKK", "crowns": "DKK", "crown": "DKK", "kronor": "SEK", "krona": "SEK",
	"euro": "EUR", "euros": "EUR", "eur": "EUR",
	"dollar": "USD", "dollars": "USD", "us-dollar": "USD", "us-dollars": "USD", "usd": "USD",
	"pund": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP",
	"yen": "JPY", "franc": "CHF", "francs": "CHF", "schweizerfranc": "CHF", "zloty": "PLN", "zlotys": "PLN",
	"hryvnia": "UAH", "hryvnias": "UAH", "hryvnja": "UAH", "hryvnjaer": "UAH",
	"rubles": "RUB", "roubles": "RUB", "ruble": "RUB", "rouble": "RUB", "rubler": "RUB", "rubel": "RUB",
	"koruna": "CZK", "korunas": "CZK", "koruny": "CZK", "forint": "HUF", "forints": "HUF",
}

// currencyAdjectives refine a currency noun: "svenske kroner" is SEK, "canadiske dollar" CAD.
var currencyAdjectives = map[string]string{
	"danske": "DKK", "danish": "DKK", "svenske": "SEK", "swedish": "SEK", "norske": "NOK", "norwegian": "NOK",
	"islandske": "ISK", "icelandic": "ISK", "amerikanske": "USD", "american": "USD", "us": "USD", "u.s.": "USD",
	"canadiske": "CAD", "canadian": "CAD", "australske": "AUD", "australian": "AUD", "britiske": "GBP",
	"british": "GBP", "schweiziske": "CHF", "swiss": "CHF", "polske": "PLN", "polish": "PLN",
	"ukrainske": "UAH", "ukrainian": "UAH", "japanske": "JPY", "japanese": "JPY", "new": "",
}

// family says which nouns an adjective may refine.
func refine(noun, adj string) (string, bool) {
	code, ok := currencyAdjectives[adj]
	if !ok || code == "" {
		return "", false
	}
	switch currencyNouns[noun] {
	case "DKK", "SEK":
		if code == "DKK" || code == "SEK" || code == "NOK" || code == "ISK" {
			return code, true
		}
	case "USD":
		if code == "USD" || code == "CAD" || code == "AUD" {
			return code, true
		}
	case "GBP", "CHF", "JPY", "PLN", "UAH", "EUR":
		if code == currencyNouns[noun] {
			return code, true
		}
	}
	return "", false
}

// prefixCurrency reads "$", "US$", "€", "£", "EUR", "DKK" before a number.
func prefixCurrency(toks []token, j int) (code string, n int) {
	if j >= len(toks) {
		return "", 0
	}
	t := toks[j]
	switch {
	case t.kind == tSym:
		switch t.text {
		case "€":
			return "EUR", 1
		case "£":
			return "GBP", 1
		case "¥":
			return "JPY", 1
		}
		return "USD", 1
	case t.kind == tWord && j+1 < len(toks) && toks[j+1].text == "$" && !toks[j+1].spaceBefore:
		switch t.text {
		case "US", "U.S.":
			return "USD", 2
		case "C", "CA":
			return "CAD", 2
		case "A", "AU":
			return "AUD", 2
		case "NZ":
			return "NZD", 2
		}
	case t.kind == tWord && currencyCodes[t.text]:
		if j+1 < len(toks) && toks[j+1].kind == tNum {
			return t.text, 1
		}
	case t.kind == tWord && t.lower == "kr":
		// "kr. 500.000", "kr. 2,5 mia." (Danish)
		k := j + 1
		if k < len(toks) && toks[k].text == "." && !toks[k].spaceBefore {
			k++
		}
		if k < len(toks) && toks[k].kind == tNum && toks[k].sent == t.sent {
			return "DKK", k - j
		}
	}
	return "", 0
}

// suffixCurrency reads "kroner", "danske kroner", "kr.", "euro", "Danish crowns", "DKK",
// "pund sterling" after a number or scale word.
func suffixCurrency(toks []token, j int) (code string, n int) {
	if j < len(toks) && toks[j].kind == tSym && toks[j].nlBefore == 0 && (toks[j].text == "€" || toks[j].text == "£") &&
		!(j+1 < len(toks) && toks[j+1].kind == tNum && !toks[j+1].spaceBefore) {
		// "670 mio. €": the sign after the figure, not before the next one
		if toks[j].text == "€" {
			return "EUR", 1
		}
		return "GBP", 1
	}
	if j >= len(toks) || toks[j].kind != tWord || toks[j].nlBefore > 1 {
		return "", 0
	}
	t := toks[j]
	if currencyCodes[t.text] {
		return t.text, 1
	}
	noun := func(k int) (string, int) {
		if k >= len(toks) || toks[k].kind != tWord {
			return "", 0
		}
		c, ok := currencyNouns[toks[k].lower]
		if !ok {
			return "", 0
		}
		m := 1
		if toks[k].lower == "kr" && k+1 < len(toks) && toks[k+1].text == "." && !toks[k+1].spaceBefore {
			m = 2
		}
		if (toks[k].lower == "pund" || toks[k].lower == "pounds") && k+1 < len(toks) && toks[k+1].lower == "sterling" {
			m = 2
		}
		return c, m
	}
	if c, m := noun(j); m > 0 {
		return c, m
	}
	if _, ok := currencyAdjectives[t.lower]; ok {
		if _, m := noun(j + 1); m > 0 {
			if c, ok := refine(toks[j+1].lower, t.lower); ok {
				return c, 1 + m
			}
		}
	}
	return "", 0
}

type markerPhrase struct {
	words  []string
	marker string
}

// markerPhrases are tried longest first so "just under" wins over "under".
var markerPhrases = func() []markerPhrase {
	m := map[string][]string{
		"approx": {"cirka", "ca .", "ca", "omkring", "omtrent", "anslået", "rundt regnet", "about", "around", "some",
			"approximately", "approx .", "roughly", "an estimated", "estimated", "circa", "i omegnen af", "c .", "≈", "~"},
		"below": {"knap", "knapt", "næsten", "små", "nearly", "almost", "just under", "just below", "close to",
			"lige under", "nær ved", "a little under", "slightly under", "slightly below", "just short of", "lidt under",
			"en smule under", "a little below", "lidt mindre end", "slightly less than"},
		"at_least": {"over", "mere end", "flere end", "godt", "mindst", "minimum", "more than", "at least", "upwards of",
			"in excess of", "lidt over", "just over", "no less than", "et godt stykke over", "a little over",
			"slightly over", "slightly more than", "a little more than", "lidt mere end", "just above", "lige over"},
		"at_most": {"op til", "op mod", "up to", "as much as", "højst", "maksimalt", "maks .", "under", "less than",
			"no more than", "mindre end", "højest", "maximum", "maksimum"},
	}
	var out []markerPhrase
	for marker, list := range m {
		for _, p := range list {
			out = append(out, markerPhrase{words: splitSpace(p), marker: marker})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].words) != len(out[j].words) {
			return len(out[i].words) > len(out[j].words)
		}
		return out[i].words[0] < out[j].words[0]
	})
	return out
}()

func splitSpace(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}

// markerBefore matches a marker phrase ending right before token p in the same sentence.
func markerBefore(toks []token, p int) (marker string, start int) {
	for _, mp := range markerPhrases {
		n := len(mp.words)
		s := p - n
		if s < 0 {
			continue
		}
		ok := true
		for k, w := range mp.words {
			t := toks[s+k]
			if t.lower != w || t.sent != toks[p].sent {
				ok = false
				break
			}
		}
		if ok {
			return mp.marker, s
		}
	}
	return "", p
}

// perYearAfter are phrases that follow an amount and make it annual.
var perYearAfter = [][]string{
	{"om", "året"}, {"årligt"}, {"hvert", "år"}, {"pr", ".", "år"}, {"per", "år"}, {"om", "år"}, {"pr", "år"},
	{"a", "year"}, {"per", "year"}, {"each", "year"}, {"every", "year"}, {"annually"}, {"per", "annum"},
	{"yearly"}, {"a", "year", "."},
}

// perYearBefore are words that make a following amount annual ("den årlige støtte på 40 mia.").
var perYearBefore = setOf("årlig", "årlige", "årligt", "annual", "yearly", "annually")

// isStop reports tokens that end the per-year search: clause punctuation and other numbers.
func isStop(t token) bool {
	if t.kind == tNum || t.kind == tSym {
		return true
	}
	if t.kind == tPunct {
		switch t.text {
		case ",", ";", ":", "(", ")", "-", "–", "—", "!", "?", "\"", "”", "«", "»":
			return true
		}
	}
	return false
}

func (d *doc) perYear(a *Amount) bool {
	toks := d.toks
	sent := toks[a.tokStart].sent
	// after: up to 5 tokens, same clause
	limit := a.tokEnd + 5
	skipped := false
	for k := a.tokEnd; k < len(toks) && k < limit; k++ {
		if toks[k].text == "(" && !skipped {
			skipped = true // once, so the window stays bounded
			// skip a stated equivalent: "£3 billion (€3.56 billion) a year"
			j := k + 1
			for j < len(toks) && j < k+12 && toks[j].text != ")" {
				j++
			}
			if j < len(toks) && toks[j].text == ")" {
				limit += j - k + 1
				k = j
				continue
			}
		}
		if toks[k].sent != sent || isStop(toks[k]) {
			break
		}
		for _, p := range perYearAfter {
			if k+len(p) > len(toks) {
				continue
			}
			ok := true
			for m, w := range p {
				if toks[k+m].lower != w {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		if toks[k].text == "." && !(k > 0 && toks[k-1].lower == "pr") {
			break
		}
	}
	// before: up to 7 tokens, same clause
	for k := a.markStart - 1; k >= 0 && k >= a.markStart-7; k-- {
		if toks[k].sent != sent || isStop(toks[k]) {
			break
		}
		if perYearBefore[toks[k].lower] {
			return true
		}
	}
	return false
}

// followsCountNoun rejects "2 millioner mennesker": a scaled number followed by a noun
// counts things, not money. Only these words may follow an amount with no currency word.
var inferFollow = setOf("og", "eller", "til", "i", "fra", "på", "om", "for", "mod", "som", "der", "er", "var",
	"blev", "bliver", "hvert", "årligt", "and", "or", "to", "in", "from", "for", "this", "last", "next", "per",
	"each", "every", "annually", "is", "was", "will", "were", "are", "over", "a", "ud", "heraf", "with", "med",
	"siden", "since", "in", "at", "by", "af", "the", "til", "skal", "har", "have", "has", "kan",
	"inden", "before", "lån", "tilskud", "loans", "grants", "end", "than", "could", "would", "may", "might", "kunne", "vil", "goes", "går", "went", "gik")

// inferVerbs are verbs that make a scaled number the subject or object of giving and spending,
// "17 milliarder gives som tilskud", "2 billion goes to", "1 billion was earmarked".
var inferVerbs = setOf("gives", "bruges", "sendes", "udbetales", "afsættes", "bevilges", "doneres", "øremærkes",
	"anvendes", "tildeles", "overføres", "betales", "lånes", "ydes", "kommer", "går", "må", "bør", "skulle",
	"ville", "kunne", "blive", "være", "været", "afsat", "øremærket", "bevilget", "brugt", "givet", "udbetalt",
	"lånt", "doneret", "sendt", "lovet", "must", "should", "shall", "can", "be", "been", "being", "had", "go",
	"come", "comes", "came", "set", "spent", "lent", "paid", "given", "sent", "remain", "remains", "remained",
	"toward", "towards", "via", "through", "gennem", "earmarked", "allocated", "allotted", "budgeted", "pledged",
	"committed", "approved", "disbursed", "provided", "raised", "loaned", "granted", "donated", "released",
	"transferred", "invested", "covers", "covered", "dækker", "dækkes",
	// adverbs of time before the verb: "20 milliarder allerede i år", "5 billion already"
	"allerede", "nu", "straks", "først", "senere", "også", "already", "now", "immediately", "later", "also",
	"følger", "fulgte", "follows", "followed", "follow", "arrives", "arrive", "flows", "flyder", "as", "apiece",
	// infinitives after a modal: "kan yderligere 300 millioner komme til", "could 2 billion go"
	"komme", "gå", "følge", "ankomme", "tilfalde", "flyde")

// mayFollowInferred reports that word w may follow an amount with no currency word: a
// preposition, conjunction or verb, not a noun that says what is counted ("2 millioner
// mennesker"). Danish passives ("-es": udbetales, øremærkes) and English past participles
// are verbs; English "-ed" words are not taken wholesale, since "3 million displaced" counts people.
func mayFollowInferred(lang, w string) bool {
	if inferFollow[w] || inferVerbs[w] {
		return true
	}
	n := utf8.RuneCountInString(w)
	return lang == "da" && n >= 6 && strings.HasSuffix(w, "es")
}

var percentWords = setOf("%", "procent", "pct", "percent", "per cent", "procentpoint", "‰")

// rateVerbs follow a unit amount in a rate statement: "En euro er 7,46 kroner".
var rateVerbs = setOf("er", "=", "is", "equals", "svarer", "var", "was", "koster", "costs", "buys")

// amountAt tries to read an amount whose first token (currency prefix or number) is i.
func (d *doc) amountAt(i int) (Amount, int, bool) {
	toks := d.toks
	j := i
	cur, np := prefixCurrency(toks, j)
	j += np
	if j >= len(toks) {
		return Amount{}, 0, false
	}
	if np > 0 && toks[j].nlBefore > 0 {
		return Amount{}, 0, false
	}
	var num decimal
	written := false
	t := toks[j]
	switch {
	case t.kind == tNum:
		var ok bool
		if num, ok = parseNumber(t.text, d.lang); !ok {
			return Amount{}, 0, false
		}
		// "F16", "5G" are tokenized as words; a number glued to a preceding word or digit
		// run is part of something else.
		if np == 0 && j > 0 && !t.spaceBefore && (toks[j-1].kind == tWord || toks[j-1].kind == tNum) {
			return Amount{}, 0, false
		}
	case t.kind == tWord && np == 0 && t.lower == "half" && j+1 < len(toks) && toks[j+1].lower == "a":
		// "half a billion"
		num, written = ratDecimal(1, 2), true
		j++
	case t.kind == tWord && np == 0 && quarterOf(toks, j) > 0:
		// "a quarter of a billion", "three quarters of a billion", "tre kvart milliard"
		num, written = ratDecimal(1, 4), true
		if t.lower == "three" || t.lower == "tre" {
			num = ratDecimal(3, 4)
		}
		j += quarterOf(toks, j)
	case t.kind == tWord && np == 0:
		var ok bool
		if num, ok = writtenNumber(t.lower, d.lang); !ok {
			return Amount{}, 0, false
		}
		written = true
		if someHundred(toks, j) {
			return Amount{}, 0, false // "several hundred million": vague, read by findVague
		}
		if (t.lower == "en" || t.lower == "et" || t.lower == "a") && j+1 < len(toks) && (toks[j+1].lower == "halv" || toks[j+1].lower == "half") {
			num = ratDecimal(1, 2)
			j++
		} else if (t.lower == "en" || t.lower == "et") && j+1 < len(toks) && toks[j+1].lower == "kvart" {
			num = ratDecimal(1, 4) // "en kvart milliard"
			j++
		} else if j+1 < len(toks) && (toks[j+1].lower == "hundred" || toks[j+1].lower == "hundrede") && t.lower != "hundred" &&
			t.lower != "hundrede" && num.rat.IsInt() && num.rat.Sign() > 0 && num.rat.Cmp(big.NewRat(10, 1)) < 0 {
			// "three hundred million dollars", "tre hundrede millioner kroner"
			num.rat = new(big.Rat).Mul(num.rat, big.NewRat(100, 1))
			j++
		}
	default:
		return Amount{}, 0, false
	}
	j++
	if j < len(toks) && t.kind == tNum && toks[j].start == toks[j-1].end {
		if f, ok := fractionSigns[toks[j].text]; ok {
			// "1½ milliard", "2¼ billion"
			num.rat = new(big.Rat).Add(num.rat, f)
			j++
		}
	}
	if k := andAHalf(toks, j); k > 0 {
		// "to og en halv milliard", "two and a half billion"
		num.rat = new(big.Rat).Add(num.rat, big.NewRat(1, 2))
		j += k
	}
	if j < len(toks) && percentWords[toks[j].lower] {
		return Amount{}, 0, false
	}
	var sc scaleWord
	hasScale, compound := false, false
	if !written && d.hyphenBefore(j, func(k int) bool {
		s, ok := scaleOf(toks[k].lower, d.lang)
		return ok && !s.tight
	}) {
		j++ // "$61-billion", "40-milliarder-euro"
	} else if !written && d.lang == "da" && d.hyphenBefore(j, func(k int) bool { _, ok := compoundScale(toks[k].lower); return ok }) {
		// "en 8-milliarders-pakke", "en 1,5-milliardpakke": the scale starts a compound
		sc, _ = compoundScale(toks[j+1].lower)
		hasScale, compound = true, true
		j += 2
	}
	if !hasScale && j < len(toks) && toks[j].kind == tWord && toks[j].nlBefore == 0 {
		if s, ok := scaleOf(toks[j].lower, d.lang); ok && (!s.tight || !toks[j].spaceBefore) && (!written || !s.tight) {
			sc, hasScale = s, true
			j++
			if s.abbrev && j < len(toks) && toks[j].text == "." && !toks[j].spaceBefore {
				j++
			}
		}
	}
	if !hasScale && !written && j < len(toks) && toks[j].kind == tWord && !toks[j].spaceBefore {
		// glued letters that are not a currency: "100km", "2nd"
		if c, _ := suffixCurrency(toks, j); c == "" {
			return Amount{}, 0, false
		}
	}
	bare := false
	glued := -1 // end of a currency that starts a compound: "20-milliarder-euro-fond"
	if cur == "" && hasScale && d.hyphenBefore(j, func(k int) bool { _, n := suffixCurrency(toks, k); return n > 0 }) {
		j++
	} else if cur == "" && hasScale && d.hyphenBefore(j, func(k int) bool { _, ok := compoundCurrency(toks[k].text); return ok }) {
		head, _ := compoundCurrency(toks[j+1].text)
		cur, glued = currencyNouns[strings.ToLower(head)], toks[j+1].start+len(head)
		j += 2
	}
	if cur == "" {
		if c, n := suffixCurrency(toks, j); n > 0 {
			cur = c
			// English copy writes "crowns" and "kroner" for Danish, Swedish and Norwegian money
			bare = toks[j].lower == "crowns" || toks[j].lower == "crown" ||
				d.lang == "en" && (toks[j].lower == "kroner" || toks[j].lower == "krone")
			j += n
		}
	}
	if cur == "" && !hasScale {
		return Amount{}, 0, false
	}
	if written && !hasScale {
		// a bare written number before a currency only in rate statements
		if j >= len(toks) || !rateVerbs[toks[j].lower] {
			return Amount{}, 0, false
		}
		num.exact = true
	}
	inferred := false
	if cur == "" {
		if written && sc.factor < 1e6 {
			return Amount{}, 0, false // "a thousand" with no currency counts things
		}
		if j < len(toks) && toks[j].kind == tWord && toks[j].sent == toks[i].sent && !mayFollowInferred(d.lang, toks[j].lower) &&
			d.currencyPhraseAfter(j) == "" {
			// "670 million when converted into euros" names its currency after a word that
			// would otherwise count things
			return Amount{}, 0, false
		}
		inferred = true
	}
	from := "stated"
	if inferred {
		from = ""
	}
	a := Amount{
		Start:        toks[i].start,
		End:          toks[j-1].end,
		Currency:     cur,
		CurrencyFrom: from,
		Scale:        sc.name,
		Inferred:     inferred,
		tokStart:     i,
		tokEnd:       j,
		num:          num,
		bare:         bare,
		compound:     compound,
	}
	if glued > 0 {
		a.End = glued
	}
	a.Text = d.src[a.Start:a.End]
	factor := int64(1)
	if hasScale {
		factor = sc.factor
	}
	a.factor = factor
	d.setValue(&a, factor)
	if !hasScale && num.rat.Cmp(big.NewRat(1, 1)) == 0 {
		// "$1 = 6.9626 Danish crowns": the unit side of a rate is exact
		a.num.exact = true
		a.rateUnit = true
	}
	a.Marker, a.markStart = markerBefore(toks, i)
	if a.markStart < i {
		a.MarkerText = d.src[toks[a.markStart].start:toks[i-1].end]
	}
	return a, j, true
}

// fractionSigns are the vulgar fractions written after a number: "1½ milliard".
var fractionSigns = map[string]*big.Rat{"½": big.NewRat(1, 2), "¼": big.NewRat(1, 4), "¾": big.NewRat(3, 4)}

// quarterOf reports the tokens from j up to the scale word's "a" in "a/one/three quarter(s) of
// a billion", or up to the scale in "en/tre kvart milliard"; 0 if there is no such phrase.
func quarterOf(toks []token, j int) int {
	at := func(k int, words ...string) bool {
		if j+k >= len(toks) {
			return false
		}
		for _, w := range words {
			if toks[j+k].lower == w {
				return true
			}
		}
		return false
	}
	switch {
	case at(0, "a", "one") && at(1, "quarter") && at(2, "of") && at(3, "a"):
		return 3
	case at(0, "three") && at(1, "quarters") && at(2, "of") && at(3, "a"):
		return 3
	case at(0, "tre") && at(1, "kvart"):
		return 1
	}
	return 0
}

// andAHalf reports the length of "og en halv" / "and a half" at j when a scale word follows.
func andAHalf(toks []token, j int) int {
	for _, p := range [][]string{{"og", "en", "halv"}, {"og", "et", "halvt"}, {"and", "a", "half"}} {
		if j+len(p) >= len(toks) {
			continue
		}
		ok := true
		for m, w := range p {
			if toks[j+m].lower != w || toks[j+m].sent != toks[j].sent {
				ok = false
				break
			}
		}
		if _, sc := scaleOf(toks[j+len(p)].lower, "en"); ok && sc {
			return len(p)
		}
	}
	return 0
}

// compoundCurrency reads a hyphenated compound that starts with a currency noun ("euro-fond",
// "kroner-pakke", "dollar-loan") and returns that noun.
func compoundCurrency(w string) (string, bool) {
	head, rest, ok := strings.Cut(w, "-")
	if !ok || rest == "" {
		return "", false
	}
	_, known := currencyNouns[strings.ToLower(head)]
	return head, known && strings.ToLower(head) != "kr"
}

// compoundScale reads a Danish compound that starts with a scale: "milliarders-pakke",
// "milliardpakke", "millionstøtte".
func compoundScale(w string) (scaleWord, bool) {
	for _, p := range []struct {
		prefix string
		sc     scaleWord
	}{{"milliard", scaleWord{name: "billion", factor: 1e9}}, {"million", scaleWord{name: "million", factor: 1e6}}} {
		if rest, ok := strings.CutPrefix(w, p.prefix); ok && len(rest) >= 3 && rest != "er" && rest != "erne" {
			return p.sc, true
		}
	}
	return scaleWord{}, false
}

// hyphenBefore reports a hyphen at token j glued to the tokens on both sides whose next
// token satisfies ok.
func (d *doc) hyphenBefore(j int, ok func(k int) bool) bool {
	toks := d.toks
	return j+1 < len(toks) && toks[j].text == "-" && !toks[j].spaceBefore && !toks[j+1].spaceBefore &&
		toks[j+1].kind == tWord && ok(j+1)
}

func (d *doc) setValue(a *Amount, factor int64) {
	v := new(big.Rat).Mul(a.num.rat, new(big.Rat).SetInt64(factor))
	a.Value, _ = v.Float64()
	a.Exact = v.FloatString(2)
}

func (d *doc) findAmounts() {
	toks := d.toks
	var out []Amount
	for i := 0; i < len(toks); {
		if a, next, ok := d.amountAt(i); ok {
			out = append(out, a)
			i = next
			continue
		}
		i++
	}
	out = d.addRangeStarts(out)
	d.bareCrowns(out) // first, so that amounts with no currency word follow settled crowns
	out = d.inferCurrencies(out)
	d.openRanges(out)
	for k := range out {
		out[k].PerYear = d.perYear(&out[k])
	}
	// "mellem 1,5 og 2 milliarder kroner om året", "between $40 billion and $50 billion a
	// year": the first end of a range is as annual as the second
	for k := len(out) - 2; k >= 0; k-- {
		if out[k+1].PerYear && d.rangePair(&out[k], &out[k+1]) {
			out[k].PerYear = true
		}
	}
	if out == nil {
		out = []Amount{}
	}
	d.amounts = out
}

// openRanges reads "2.5 billion to 3 billion euros", "2 til 3 milliarder kroner": a scaled
// figure with no currency word joined by "to"/"til" or a dash to an amount that names one is the
// first end of a range, in the second end's currency, as if "between" led it.
func (d *doc) openRanges(am []Amount) {
	toks := d.toks
	for k := 0; k+1 < len(am); k++ {
		a, b := &am[k], &am[k+1]
		if !a.Inferred || b.Inferred || a.Scale == "" || b.markStart != b.tokStart || a.tokEnd+1 != b.tokStart {
			continue
		}
		switch toks[a.tokEnd].lower {
		case "to", "til", "-", "–":
		default:
			continue
		}
		a.Currency, a.CurrencyFrom, a.Inferred, a.rangeStart = b.Currency, b.CurrencyFrom, false, true
	}
}

// rangePair reports a and b as the two ends of one range: "2,5-3 mia.", "mellem 5 og 10",
// "between $40 billion and $50 billion".
func (d *doc) rangePair(a, b *Amount) bool {
	toks := d.toks
	if b.markStart != b.tokStart || a.tokEnd+1 != b.tokStart {
		return false
	}
	switch toks[a.tokEnd].lower {
	case "-", "–", "og", "and", "til", "to":
	default:
		return false
	}
	if a.rangeStart {
		return true
	}
	if a.markStart == 0 {
		return false
	}
	switch toks[a.markStart-1].lower {
	case "mellem", "between", "fra", "from":
		return true
	}
	return false
}

// addRangeStarts reads the first number of "mellem 5 og 10 mia. kr." and "5-10 mia. kr.",
// which borrows the scale and currency of the second.
func (d *doc) addRangeStarts(in []Amount) []Amount {
	toks := d.toks
	var out []Amount
	for _, a := range in {
		i := a.tokStart
		if a.markStart == i && i >= 2 && toks[i].kind == tNum && toks[i-2].kind == tNum && toks[i-2].sent == toks[i].sent {
			conn := toks[i-1].lower
			dash := (conn == "-" || conn == "–") && !toks[i-1].spaceBefore && !toks[i].spaceBefore
			lead := ""
			if i >= 3 {
				lead = toks[i-3].lower
			}
			word := (conn == "og" || conn == "til" || conn == "and" || conn == "to") &&
				(lead == "mellem" || lead == "fra" || lead == "between" || lead == "from" || lead == "henholdsvis")
			prevTaken := len(out) > 0 && out[len(out)-1].tokEnd > i-2
			if (dash || word) && !prevTaken {
				if num, ok := parseNumber(toks[i-2].text, d.lang); ok {
					b := Amount{Start: toks[i-2].start, End: toks[i-2].end, Currency: a.Currency, Scale: a.Scale,
						Inferred: a.Inferred, CurrencyFrom: a.CurrencyFrom, tokStart: i - 2, tokEnd: i - 1, num: num, rangeStart: true,
						respectively: lead == "henholdsvis"}
					b.Text = d.src[b.Start:b.End]
					b.factor = a.factor
					d.setValue(&b, a.factor)
					b.Marker, b.markStart = markerBefore(toks, i-2)
					if b.markStart < i-2 {
						b.MarkerText = d.src[toks[b.markStart].start:toks[i-3].end]
					}
					out = append(out, b)
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// crownCountries name whose crowns a bare "crowns" in an English story are.
var crownCountries = map[string]string{"sweden": "SEK", "swedish": "SEK", "sweden's": "SEK", "norway": "NOK",
	"norwegian": "NOK", "norway's": "NOK", "iceland": "ISK", "icelandic": "ISK", "denmark": "DKK", "danish": "DKK",
	"denmark's": "DKK"}

// bareCrowns settles "crowns" (and "kroner") with no adjective in English stories, which name
// them after the country of the story: a country in the same sentence, else the last crowns
// named with their country, else Danish. Danish usage writes "svenske kroner" out, so
// "kroner" there is DKK.
func (d *doc) bareCrowns(am []Amount) {
	if d.lang != "en" {
		return
	}
	sentCrown := map[int]string{}
	for _, t := range d.toks {
		if c, ok := crownCountries[t.lower]; ok && sentCrown[t.sent] == "" {
			sentCrown[t.sent] = c
		}
	}
	last := ""
	for k := range am {
		a := &am[k]
		switch {
		case !a.bare && (a.Currency == "DKK" || a.Currency == "SEK" || a.Currency == "NOK" || a.Currency == "ISK"):
			last = a.Currency
		case a.bare && sentCrown[d.toks[a.tokStart].sent] != "":
			a.Currency, a.CurrencyFrom = sentCrown[d.toks[a.tokStart].sent], "context"
		case a.bare && last != "":
			a.Currency, a.CurrencyFrom = last, "context"
		}
	}
}

// moneyCue words make a sentence about money, so a scaled number with no currency word in a
// text with no explicit amount still counts, in the language's home currency.
var moneyCue = setOf("budget", "budgettet", "støtte", "støtten", "bistand", "pakke", "pakken", "donationspakke",
	"værdi", "bevilling", "bevilget", "donerer", "doneret", "giver", "aid", "package", "funding", "fund",
	"worth", "pledged", "pledge", "donated", "budgeted", "allocated", "afsat", "afsætter", "militærhjælp",
	"military", "assistance", "støttefond",
	// verbs of giving, as the reader's candidates use them
	"givet", "gav", "lovet", "lover", "lovede", "sender", "sendt", "sendte", "bevilger", "bevilgede", "donerede",
	"støtter", "støttet", "give", "gives", "gave", "given", "provide", "provides", "provided", "promise",
	"promised", "promises", "pledges", "send", "sends", "sent", "donate", "donates", "committed", "commits")

// inferCurrencies gives amounts without a currency word the currency of the nearest earlier
// explicit amount or currency mention ("Danish crowns" named once, then "2.5 billion"), else
// the nearest later amount, else the home currency when the sentence is about money;
// otherwise the number is dropped.
func (d *doc) inferCurrencies(in []Amount) []Amount {
	next := make([]string, len(in))
	last := ""
	for k := len(in) - 1; k >= 0; k-- {
		next[k] = last
		if !in[k].Inferred {
			last = in[k].Currency
		}
	}
	sentCue := map[int]bool{}
	for _, t := range d.toks {
		if moneyCue[t.lower] {
			sentCue[t.sent] = true
		}
	}
	mentions := d.currencyMentions(in)
	count := map[string]int{}
	for _, a := range in {
		if !a.Inferred {
			count[a.Currency]++
		}
	}
	var out []Amount
	prev, prevAt, m := "", -1, 0
	restated, restatedSent := "", -1 // the currency an equivalent restated, and its sentence
	for k, a := range in {
		// the latest mention before this amount competes with the latest explicit amount
		for m < len(mentions) && mentions[m].at < a.tokStart {
			if mentions[m].at > prevAt {
				prev, prevAt = mentions[m].code, mentions[m].at
			}
			m++
		}
		if !a.Inferred {
			// an equivalent, "$61bn (roughly €52bn)", "... 10,5 milliarder i år. Det svarer til
			// cirka 1,4 milliarder euro", changes the currency the story counts in only if the
			// story states more amounts in it
			restated = ""
			if !d.restates(in, k) || prev == "" {
				prev, prevAt = a.Currency, a.tokStart
			} else if count[a.Currency] > count[prev] {
				// the rest of the equivalent's sentence still speaks of the amount it restates:
				// "DKK5.6bn (roughly 750 million euros), would be followed by a further 2.8 billion"
				restated, restatedSent = prev, d.toks[a.tokStart].sent
				prev, prevAt = a.Currency, a.tokStart
			}
			out = append(out, a)
			continue
		}
		a.CurrencyFrom = "context"
		switch {
		case d.currencyPhraseBefore(a.markStart) != "":
			a.Currency = d.currencyPhraseBefore(a.markStart)
		case d.currencyPhraseAfter(a.tokEnd) != "":
			a.Currency = d.currencyPhraseAfter(a.tokEnd)
		case restated != "" && prevAt < a.tokStart && d.toks[a.tokStart].sent == restatedSent:
			a.Currency = restated
		case prev != "":
			a.Currency = prev
		case next[k] != "":
			a.Currency = next[k]
		case sentCue[d.toks[a.tokStart].sent] || a.compound:
			a.Currency, a.CurrencyFrom = "DKK", "default"
			if d.lang == "en" {
				a.Currency = "USD"
			}
		default:
			continue
		}
		out = append(out, a)
	}
	return out
}

// restates reports that amount k is stated as the equivalent of amount k-1: in parentheses
// or after a conversion cue.
func (d *doc) restates(am []Amount, k int) bool {
	a := &am[k]
	if a.markStart > 0 && d.toks[a.markStart-1].text == "(" {
		return true
	}
	if k == 0 {
		return false
	}
	_, ok := d.conversionCue(&am[k-1], a)
	return ok
}

type mention struct {
	at   int // token index
	code string
}

// mentionNouns are currency words that name a currency outside an amount; "crown" and
// "pound" alone mean other things too often.
var mentionNouns = setOf("kroner", "crowns", "euro", "euros", "dollar", "dollars", "us-dollar", "kronor", "pund", "sterling", "zloty", "hryvnia", "hryvnias")

// currencyMentions finds currencies named outside amounts: "i kroner", "Danish crowns",
// "denominated in euros". Bare "crowns" in English take the country of their sentence.
func (d *doc) currencyMentions(am []Amount) []mention {
	toks := d.toks
	inAmount := make([]bool, len(toks))
	for _, a := range am {
		for k := a.markStart; k < a.tokEnd && k < len(toks); k++ {
			inAmount[k] = true
		}
	}
	var out []mention
	for j := 0; j < len(toks); j++ {
		if inAmount[j] || toks[j].kind != tWord {
			continue
		}
		code, n := suffixCurrency(toks, j)
		if n == 0 {
			continue
		}
		if j > 0 && (toks[j-1].lower == "not" || toks[j-1].lower == "ikke") {
			j += n - 1 // "in crowns, not euros"
			continue
		}
		head := toks[j+n-1].lower
		if toks[j].text == code { // an ISO code
			out = append(out, mention{j, code})
		} else if _, adj := currencyAdjectives[toks[j].lower]; adj || mentionNouns[head] || head == "." && toks[j].lower == "kr" {
			if !adj && (head == "crowns" || head == "kroner") && d.lang == "en" {
				for k := j; k >= 0 && toks[k].sent == toks[j].sent; k-- {
					if c, ok := crownCountries[toks[k].lower]; ok {
						code = c
						break
					}
				}
			}
			out = append(out, mention{j, code})
		}
		j += n - 1
	}
	return out
}

// currencyPhraseBefore finds the currency a sentence speaks in shortly before token k: "i
// danske kroner", "in dollars", or the target of a conversion, "Omregnet til euro er det
// cirka 6,4 milliarder", "converted into euros, that is about 6.4 billion".
func (d *doc) currencyPhraseBefore(k int) string {
	toks := d.toks
	for j := k - 1; j >= 0 && j >= k-10 && toks[j].sent == toks[k].sent; j-- {
		if toks[j].kind == tNum || toks[j].kind == tSym {
			return ""
		}
		if c := d.currencyTargetAt(j, k); c != "" {
			return c
		}
	}
	return ""
}

// phraseAfterWords may stand between an amount and the currency phrase that names it: "670
// million when converted into euros", "670 mio., når det omregnes til euro".
var phraseAfterWords = setOf("when", "if", "once", "converted", "expressed", "measured", "når", "hvis", "det", "it",
	"is", "er", "omregnes", "omregnet", "regnet", "om", "målt", "udtrykt")

// currencyPhraseAfter reads a currency phrase that follows an amount with no currency word: "586
// million in euro terms", "670 mio. i euro", "727 million in U.S. currency", "670 million when
// converted into euros".
func (d *doc) currencyPhraseAfter(k int) string {
	toks := d.toks
	if k >= len(toks) || k == 0 {
		return ""
	}
	for j := k; j < len(toks) && j < k+8 && toks[j].sent == toks[k-1].sent; j++ {
		t := toks[j]
		if c := d.currencyTargetAt(j, min(j+4, len(toks))); c != "" {
			return c
		}
		if (t.lower == "in" || t.lower == "i") && j+2 < len(toks) {
			// "in U.S. currency", "in dollar terms" written with an adjective
			adj, noun := toks[j+1].lower, toks[j+2].lower
			if code := currencyAdjectives[adj]; code != "" && (noun == "currency" || noun == "valuta" || noun == "terms") {
				return code
			}
		}
		if t.kind == tPunct && t.text == "," || t.kind == tWord && phraseAfterWords[t.lower] {
			continue
		}
		return ""
	}
	return ""
}

// currencyTargetAt reads a currency phrase starting at token j and ending before token k:
// "i/in CURRENCY", or "til/into/to CURRENCY" right after a conversion verb ("omregnet til
// euro"), since "til" alone more often names a recipient.
func (d *doc) currencyTargetAt(j, k int) string {
	toks := d.toks
	w := toks[j].lower
	if !currencyTargets[w] {
		return ""
	}
	if w != "i" && w != "in" && (j == 0 || !convertVerbs[toks[j-1].lower] || toks[j-1].sent != toks[j].sent) {
		return ""
	}
	if c, n := suffixCurrency(toks, j+1); n > 0 && j+1+n <= k {
		return c
	}
	return ""
}
