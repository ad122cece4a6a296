package news

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Conversions the cue rules of convert.go do not see, read the way a careful editor reads them:
// an amount restated in another currency is recognised by what the text says about it (a
// conversion word anywhere in its lead-in, a rate note, "the package is worth") and by its
// figure, which the day's rate turns the earlier amount into. An amount is restated at most
// once and converted at most once, except that every equivalent of one original restates that
// original; the pairs the cue rules found come first.

// looseStrong are words that name a conversion wherever they stand in an equivalent's lead-in:
// "Det svarer ifølge ministeriet til", "In euro terms the increase equals", "Regnet om til
// dollar bliver det".
var looseStrong = setOf("svarer", "svarende", "omregnet", "omregner", "omregnes", "omregning", "omregnede",
	"equivalent", "equals", "equal", "equalling", "equaling", "converted", "converts", "convert", "conversion",
	"translates", "translated", "translating", "corresponds", "corresponding", "tilsvarende", "modsvarer",
	"omtrentlig", "regnet", "terms", "målt", "works", "working", "lig", "omsat", "expressed", "measured", "udtrykt",
	"opgjort", "valued")

// looseWeak are words that say an amount is the value of something named before it: "The
// package is worth about", "Bidraget beløber sig til", "DKK1bn ..., amounts to about". They
// pair only with an amount the day's rate turns into the equivalent.
var looseWeak = setOf("worth", "værd", "værdi", "valued", "value", "amounts", "amounting", "comes", "totals",
	"totalling", "totaling", "beløber", "equates", "equating", "represents", "udgør", "opgør", "opgøres", "put", "puts", "sætter", "satte", "i", "in")

// looseAnaphors open a sentence that speaks of an amount named before: "Det", "Pakken",
// "The package", "That", "It".
var looseAnaphors = setOf("det", "dette", "denne", "beløbet", "summen", "pakken", "støtten", "hjælpen", "bidraget",
	"donationen", "lånet", "tilsagnet", "rammen", "that", "this", "it", "the", "which", "hvilket", "its", "that's",
	"it's", "i", "in", "at", "ved", "efter", "til", "med", "by", "based", "using", "on", "på", "per", "ud", "or", "eller",
	"værdien", "tallet", "pengene", "regningen", "prisen", "udgiften", "udgifterne", "bevillingen")

// Bounds of the loose reading: how far back an equivalent may look, and how far off the day's
// rate a mis-stated equivalent may be and still be read as one (sets 1-7 hold errors of 10-15 %).
const (
	looseSentences = 2
	looseTokens    = 90
	looseMisstated = 0.35
)

// findLooseConversions adds the conversions a careful editor reads that the cue rules missed.
func (d *doc) findLooseConversions(rates RateFunc, day time.Time, dayPrecise bool) {
	am := d.amounts
	// an amount is converted once and restated once; an equivalent may itself be converted on
	// ("670 mio. euro (727 mio. dollar)")
	from, to := make([]bool, len(am)), make([]bool, len(am))
	origin := map[int]int{}
	for _, c := range d.res.Conversions {
		from[c.From], to[c.To] = true, true
		origin[c.To] = c.From
	}
	added := false
	for bi := range am {
		b := &am[bi]
		if to[bi] || !d.looseEnd(bi) {
			continue
		}
		strength := d.looseLeadIn(bi)
		best, nearest := -1, -1
		for ai := bi - 1; ai >= 0; ai-- {
			a := &am[ai]
			back := d.toks[b.tokStart].sent - d.toks[a.tokStart].sent
			if back > looseSentences+1 || b.markStart-a.tokEnd > looseTokens ||
				back > looseSentences && (strength != looseStrongCue || ai != bi-1) {
				// a third sentence back only for a conversion word with no amount between
				break
			}
			if a.Currency == b.Currency {
				break // an amount in the equivalent's own currency stands between
			}
			if from[ai] || to[ai] && from[bi] || !d.looseEnd(ai) || a.Value <= 0 || d.perUnit(b) && !d.perUnit(a) || d.newSubject(a, b) {
				continue
			}
			if nearest < 0 {
				nearest = ai
			}
			if _, ok := d.looseDeviation(rates, day, dayPrecise, a, b); ok == looseMatch {
				best = ai
				break
			}
		}
		pick := -1
		switch {
		case strength == looseStrongCue && best >= 0:
			pick = best
		case strength == looseStrongCue && nearest >= 0:
			// a mis-stated equivalent: the amount just before, if the figure is near enough to be
			// meant as its conversion (or no rate says otherwise)
			if dev, ok := d.looseDeviation(rates, day, dayPrecise, &am[nearest], b); ok == looseNoRate || math.Abs(dev) <= looseMisstated {
				pick = nearest
			}
		case strength == looseWeakCue && best >= 0:
			pick = best
		case strength == looseWeakCue && nearest >= 0 && d.pointsBack(&am[nearest], b):
			// "The package is worth about 460 million euros" after "a £350 million package":
			// the value of the thing just named, mis-stated if the rate says otherwise
			if dev, ok := d.looseDeviation(rates, day, dayPrecise, &am[nearest], b); ok == looseNoRate || math.Abs(dev) <= looseMisstated {
				pick = nearest
			}
		case best >= 0 && best == bi-1 && d.looseAdjacent(&am[best], b) && d.tightMatch(rates, day, &am[best], b):
			// no cue: the figure alone, next to the amount, in an apposition or the next sentence
			pick = best
		}
		if pick < 0 {
			continue
		}
		cue := d.looseCueText(pick, bi)
		if j, ok := origin[pick]; ok && am[j].Currency != b.Currency {
			pick = j // the equivalent of an equivalent restates the original
		}
		d.addConversion(rates, day, dayPrecise, pick, bi, cue)
		origin[bi] = pick
		// an equivalent the cue rules converted on now restates the original too
		for i, c := range d.res.Conversions {
			if c.From == bi && am[pick].Currency != am[c.To].Currency {
				n := len(d.res.Conversions)
				d.addConversion(rates, day, dayPrecise, pick, c.To, c.Cue)
				d.res.Conversions[i] = d.res.Conversions[n]
				d.res.Conversions = d.res.Conversions[:n]
				origin[c.To] = pick
			}
		}
		from[pick], to[bi] = true, true
		added = true
	}
	if added {
		sort.SliceStable(d.res.Conversions, func(i, j int) bool {
			ci, cj := d.res.Conversions[i], d.res.Conversions[j]
			if ci.From != cj.From {
				return ci.From < cj.From
			}
			return ci.To < cj.To
		})
	}
}

const (
	looseNoCue = iota
	looseWeakCue
	looseStrongCue
)

const (
	looseNoRate = iota
	looseMatch
	looseOff
)

// looseEnd reports an amount that may stand alone in a conversion: not an end of a range, not a
// rate statement's unit.
func (d *doc) looseEnd(k int) bool {
	a := &d.amounts[k]
	if a.rangeStart || a.rateUnit || a.Value <= 0 || d.rateFigure(k) {
		return false
	}
	if k > 0 && d.amounts[k-1].rangeStart {
		return false
	}
	return true
}

// parenRestates reports b alone in parentheses restating a: "to Ukraine and Moldova ($190
// million)". When a stands in parentheses too, "Sweden (SEK 2 billion) and Norway (NOK 2
// billion)", each parenthesis gives the amount of the name before it.
func (d *doc) parenRestates(a, b *Amount) bool {
	toks := d.toks
	inParen := func(x *Amount) bool { return x.markStart > 0 && toks[x.markStart-1].text == "(" }
	return inParen(b) && !inParen(a)
}

// rateFigure reports an exchange rate written as an amount: "7.46 crowns per euro", "6,87 kr.
// pr. dollar", "7.46 crowns to the euro".
func (d *doc) rateFigure(k int) bool {
	a := &d.amounts[k]
	if a.Scale != "" || a.Value >= 100 || a.tokEnd >= len(d.toks) {
		return false
	}
	switch d.toks[a.tokEnd].lower {
	case "per", "pr", "to", "for", "mod", "a", "an", "til":
		return true
	}
	return false
}

// looseDeviation compares b with a converted at the day's rate: looseMatch when the verdict
// would be consistent, with the deviation of b's figure.
func (d *doc) looseDeviation(rates RateFunc, day time.Time, dayPrecise bool, a, b *Amount) (float64, int) {
	if rates == nil || day.IsZero() {
		return 0, looseNoRate
	}
	var c Conversion
	check(&c, a, b, rates, day, dayPrecise && !d.averaged, d.averaged)
	if !c.Checked {
		return 0, looseNoRate
	}
	if c.Consistent {
		return c.Deviation, looseMatch
	}
	return c.Deviation, looseOff
}

// tightMatch is the figure test for an equivalent with no cue at all: b states at least two
// significant digits (or a rounding marker) and lies within 1.5 % of a at the day's rate, a
// little more for "about"; two round figures ("$1 billion ... €1 billion") prove nothing.
func (d *doc) tightMatch(rates RateFunc, day time.Time, a, b *Amount) bool {
	if rates == nil || day.IsZero() {
		return false
	}
	ra, ok1 := rateOf(rates, day, a.Currency)
	rb, ok2 := rateOf(rates, day, b.Currency)
	if !ok1 || !ok2 {
		return false
	}
	dev := b.Value/(a.Value*rb/ra) - 1
	lo, hi := -0.015, 0.015
	switch b.Marker {
	case "approx":
		lo, hi = -0.03, 0.03
	case "below":
		// "knap 1 mia. euro", "nearly $1 billion": the figure is a little above the value
		lo, hi = -0.005, 0.05
	case "at_least":
		// "just over €1 billion", "godt 800 millioner euro": a little below
		lo, hi = -0.05, 0.005
	case "":
		if b.num.halfUnitNonzero() > 0.05 {
			return false
		}
	default:
		return false
	}
	if a.Text == b.Text || strings.TrimLeft(a.num.digits, "0") == strings.TrimLeft(b.num.digits, "0") {
		return false
	}
	return lo <= dev && dev <= hi
}

// looseLeadIn grades what stands between the amount before b and b (at most b's sentence and
// the end of the previous one): a conversion word or a rate note is strong, a word of value
// ("worth", "beløber sig til") weak. A rate note after b ("at current rates") is strong too.
func (d *doc) looseLeadIn(bi int) int {
	toks := d.toks
	b := &d.amounts[bi]
	lo := 0
	pi := bi - 1
	for pi >= 0 && d.rateFigure(pi) {
		pi-- // "at an exchange rate of 7.46 crowns per euro is": the rate is part of the lead-in
	}
	if pi >= 0 {
		prev := &d.amounts[pi]
		lo = prev.tokEnd
		if note, ok := d.rateNote(prev); ok {
			// "$54 billion at current exchange rates": the note belongs to the amount before
			for lo < b.markStart && toks[lo].end <= toks[prev.tokEnd].start+len(note) {
				lo++
			}
		}
	}
	sb := toks[b.tokStart].sent
	for lo < b.markStart && toks[lo].sent < sb-1 {
		lo++
	}
	if _, ok := d.rateNote(b); ok {
		return looseStrongCue
	}
	if pi >= 0 && d.parenRestates(&d.amounts[pi], b) && toks[d.amounts[pi].tokStart].sent == sb {
		// a figure alone in parentheses after an amount of its sentence restates it
		return looseStrongCue
	}
	if bi > 0 {
		// verb-second: "Ifølge regeringen svarer 5 mia. kr. til 670 mio. euro"
		if a := &d.amounts[bi-1]; a.markStart > 0 && b.markStart-a.tokEnd == 1 && (toks[a.tokEnd].lower == "til" || toks[a.tokEnd].lower == "to") {
			switch toks[a.markStart-1].lower {
			case "svarer", "svarede", "equals", "equalled", "equaled":
				return looseStrongCue
			}
		}
	}
	strength, cueAt, rateCue := looseNoCue, -1, false
	for k := lo; k < b.markStart; k++ {
		t := toks[k]
		if t.kind != tWord {
			continue
		}
		if restatement(toks, k) {
			strength, cueAt = looseStrongCue, k
			continue
		}
		switch {
		case looseStrong[t.lower]:
			if t.lower == "terms" && (k == 0 || !currencyWord(toks[k-1])) {
				continue // "in euro terms", not "in real terms"
			}
			if (t.lower == "svarer" || t.lower == "svarende" || t.lower == "corresponds" ||
				t.lower == "corresponding" || t.lower == "equal") && !d.tilWithin(k, b.markStart) {
				// "svarer til", "svarer ifølge ministeriet til", not "Ministeren svarer, at ..."
				continue
			}
			if (t.lower == "regnet" || t.lower == "målt") && !(k+1 < len(toks) && (toks[k+1].lower == "om" || toks[k+1].lower == "i")) {
				continue
			}
			if (t.lower == "works" || t.lower == "working") && !(k+1 < len(toks) && toks[k+1].lower == "out") {
				continue
			}
			if (t.lower == "lig" || t.lower == "omsat" || t.lower == "expressed" || t.lower == "measured" || t.lower == "udtrykt" ||
				t.lower == "opgjort" || t.lower == "valued") &&
				!(k+1 < len(toks) && (toks[k+1].lower == "med" || toks[k+1].lower == "til" || toks[k+1].lower == "i" || toks[k+1].lower == "in")) {
				// "lig med", "omsat til euro", "expressed in euros", "valued in dollars"; "valued
				// at" is a value word
				if t.lower == "valued" && strength < looseWeakCue && toks[k].sent == sb {
					strength, cueAt = looseWeakCue, k
				}
				continue
			}
			strength, cueAt, rateCue = looseStrongCue, k, false
		case d.rateWordAt(k):
			strength, cueAt, rateCue = looseStrongCue, k, true
		case looseWeak[t.lower] && toks[k].sent == sb:
			if t.lower == "i" || t.lower == "in" {
				// "i euro", "in dollars": names b's currency
				if c, n := suffixCurrency(toks, k+1); n > 0 && c == b.Currency && strength < looseWeakCue {
					strength, cueAt = looseWeakCue, k
				}
				continue
			}
			if strength < looseWeakCue {
				strength, cueAt = looseWeakCue, k
			}
		}
	}
	// a figure after the cue is what the cue speaks of: "the equivalent of 1.5 % of GDP; Norway
	// gave €5 billion"; a rate's own figure ("kurs af 7,46") is part of its note
	for k := cueAt + 1; cueAt >= 0 && !rateCue && k < b.markStart; k++ {
		if toks[k].kind == tNum && !d.dateNumber(k) && !d.countNumber(k) {
			return looseNoCue
		}
	}
	return strength
}

// currencyWord reports a currency noun, code or adjective: "euro terms", "dollar terms".
func currencyWord(t token) bool {
	_, noun := currencyNouns[t.lower]
	return noun || currencyCodes[t.text] || currencyAdjectives[t.lower] != ""
}

// tilWithin reports "til"/"to" within a few words after token k, before token end: the
// preposition that makes "svarer" and "equal" name an equivalence.
func (d *doc) tilWithin(k, end int) bool {
	for j := k + 1; j < end && j <= k+5; j++ {
		if w := d.toks[j].lower; w == "til" || w == "to" {
			return true
		}
		if w := d.toks[j].lower; w == "," || w == "at" || w == "that" {
			return false
		}
	}
	return end <= k+5 && end > k+1 && d.toks[end-1].lower != "," // "svarende omtrent 670 mio. euro"
}

// restatement reads "in other words", "med andre ord", "that is to say" at token k.
func restatement(toks []token, k int) bool {
	if k+1 >= len(toks) {
		return false
	}
	a, b := toks[k].lower, toks[k+1].lower
	return a == "other" && b == "words" || a == "andre" && b == "ord" || a == "to" && b == "say" && k > 0 && toks[k-1].lower == "is"
}

// rateWordAt reads a rate named as such: "exchange rate(s)", "valutakurs", "dagens kurs",
// "current rates", "at today's rate".
func (d *doc) rateWordAt(k int) bool {
	toks := d.toks
	w := toks[k].lower
	switch w {
	case "valutakurs", "valutakurser", "vekselkurs", "vekselkurser", "valutakursen", "kursen", "exchange-rate":
		return true
	case "rate", "rates", "kurs", "kurser":
		// "at current rates", "exchange rate", "til en kurs af 7,46", "at a rate of 7.46 crowns"
		return k > 0 && (toks[k-1].lower == "exchange" || noteNows[toks[k-1].lower]) ||
			k+2 < len(toks) && (toks[k+1].lower == "af" || toks[k+1].lower == "of" || toks[k+1].lower == "på") && toks[k+2].kind == tNum
	}
	return false
}

// looseAdjacent is the structure of an uncued equivalent: in the same sentence after a break
// (comma, dash, parenthesis, slash, "or") with no clause word and no new name between; or
// opening the next sentence with a word that points back ("Det er knap 465 millioner").
func (d *doc) looseAdjacent(a, b *Amount) bool {
	toks := d.toks
	sa, sb := toks[a.tokStart].sent, toks[b.tokStart].sent
	if a.PerYear != b.PerYear {
		return false
	}
	switch sb - sa {
	case 0:
		brk, words := false, 0
		// "DKK 5 billion to the fund for air defence and demining (about €670 million)": a
		// parenthesis that holds only the figure restates, whatever the phrase before it joins
		paren := d.parenRestates(a, b)
		for k := a.tokEnd; k < b.markStart; k++ {
			t := toks[k]
			switch t.kind {
			case tNum, tSym:
				if !d.dateNumber(k) {
					return false
				}
			case tPunct:
				switch t.text {
				case ",", "-", "–", "—", "(", "/", ":", ";":
					brk = true
				}
			case tWord:
				if (clauseWords[t.lower] || startsUpper(t.text)) && !paren {
					return false
				}
				if t.lower == "or" || t.lower == "eller" {
					brk = true
				}
				words++
			}
		}
		return brk && words <= 12
	case 1:
		// nothing after a in its sentence but a short phrase, and b's sentence opens by
		// pointing back
		words := 0
		first := -1
		for k := a.tokEnd; k < b.markStart; k++ {
			t := toks[k]
			if t.kind == tNum || t.kind == tSym {
				return false
			}
			if t.kind != tWord {
				continue
			}
			if t.sent == sa {
				if clauseWords[t.lower] {
					return false
				}
				words++
				continue
			}
			if first < 0 {
				first = k
				if !looseAnaphors[t.lower] {
					return false
				}
			} else if startsUpper(t.text) {
				return false
			}
			words++
		}
		return first >= 0 && words <= 16
	}
	return false
}

// otherWords say that what follows is another sum: "the previous package was worth", "en ny
// pakke på", "another", "further".
var otherWords = setOf("previous", "earlier", "last", "next", "another", "other", "second", "further",
	"additional", "former", "forrige", "sidste", "tidligere", "næste", "anden", "andet", "andre",
	"yderligere", "flere", "more", "mere", "than", "end", "also", "også", "too", "desuden", "derudover", "additionally", "compared", "sammenlignet", "against", "mod", "versus")

// newSubject reports that b is said of something other than a: in one sentence, a clause word
// and then a name between them ("5 mia. kr. til Ukraine, og Norge giver et beløb svarende
// til"); in a later sentence, one that does not open by pointing back or naming a source.
func (d *doc) newSubject(a, b *Amount) bool {
	toks := d.toks
	sa, sb := toks[a.tokStart].sent, toks[b.tokStart].sent
	if sa == sb {
		clause := false
		paren := d.parenRestates(a, b) // a figure in parentheses restates
		for k := a.tokEnd; k < b.markStart; k++ {
			t := toks[k]
			if t.kind != tWord {
				continue
			}
			if otherWords[t.lower] && !restatement(toks, k) {
				return true
			}
			if clauseWords[t.lower] {
				clause = true
			} else if clause && startsUpper(t.text) && !paren {
				return true
			}
		}
		return false
	}
	k := b.markStart - 1
	for k > a.tokEnd && toks[k-1].sent == sb {
		k--
	}
	for k < b.markStart && toks[k].kind != tWord {
		k++
	}
	if k >= b.markStart {
		return false
	}
	for j := k; j < b.markStart; j++ {
		if otherWords[toks[j].lower] && !restatement(toks, j) {
			return true
		}
	}
	// a sentence that opens with a conversion word ("Omregnet til dollar er det", "Expressed in
	// euros, that is") or a source ("Ifølge ministeriet svarer det til") speaks of what came before
	w := toks[k].lower
	if (w == "the" || w == "den" || w == "det") && k+1 < b.markStart && toks[k+1].kind == tWord && startsUpper(toks[k+1].text) &&
		!demonym(toks[k+1].lower) {
		return true // "The Netherlands gives the equivalent of": a name is the subject, not "The British package"
	}
	if looseAnaphors[w] || looseStrong[w] || w == "ifølge" || w == "according" {
		return false
	}
	// "Ministeriet oplyser, at beløbet svarer til", "The ministry said that the sum equals",
	// "Danish officials put the figure at": a source first, then words that point back
	for j := k + 1; j < b.markStart; j++ {
		t := toks[j]
		if backNouns[t.lower] && (toks[j-1].lower == "the" || t.lower != strings.TrimSuffix(t.lower, "et") || t.lower != strings.TrimSuffix(t.lower, "en") || t.lower != strings.TrimSuffix(t.lower, "ene")) {
			return false
		}
		if (t.lower == "that" || t.lower == "it" || t.lower == "det" || t.lower == "dette" || t.lower == "this") &&
			(toks[j-1].kind == tPunct || speechVerbs[toks[j-1].lower] || toks[j-1].lower == "at" && j >= 2 && (speechVerbs[toks[j-2].lower] || toks[j-2].kind == tPunct)) {
			return false
		}
	}
	return true
}

// demonym reports an adjective of a country ("British", "Danish", "danske", "amerikanske"), which
// describes a subject rather than naming it.
func demonym(w string) bool {
	for _, suf := range []string{"ish", "ian", "ese", "ske", "sk", "ic", "an"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
			return true
		}
	}
	return false
}

// backNouns name an amount already given: "the figure", "the sum", "beløbet", "pakken".
var backNouns = setOf("figure", "sum", "amount", "total", "money", "package", "pledge", "aid", "contribution",
	"beløbet", "summen", "tallet", "pengene", "pakken", "støtten", "bidraget", "hjælpen", "donationen", "tilsagnet")

// pointsBack reports that the words before b name amount a: in a's sentence, a short phrase
// with no clause word or name ("DKK1bn for reconstruction, amounts to", "3,2 mia. kr. er
// værd"); in the next sentences, an opening that repeats a noun next to a ("a £350 million
// package ... The package is worth") or a pronoun in the sentence right after a's.
func (d *doc) pointsBack(a, b *Amount) bool {
	toks := d.toks
	sa, sb := toks[a.tokStart].sent, toks[b.tokStart].sent
	if sa == sb {
		words := 0
		for k := a.tokEnd; k < b.markStart; k++ {
			t := toks[k]
			if t.kind == tNum || t.kind == tSym {
				return false
			}
			if t.kind == tWord {
				if clauseWords[t.lower] || startsUpper(t.text) {
					return false
				}
				words++
			}
		}
		return words <= 10
	}
	k := b.markStart - 1
	for k > a.tokEnd && toks[k-1].sent == sb {
		k--
	}
	var opening []token
	for ; k < b.markStart; k++ {
		if toks[k].kind == tWord {
			opening = append(opening, toks[k])
		}
	}
	if len(opening) == 0 {
		return false
	}
	switch opening[0].lower {
	case "it", "this", "that", "det", "dette", "den":
		return sb-sa == 1
	}
	lo, hi := max(a.markStart-4, 0), min(a.tokEnd+4, len(toks))
	for _, w := range opening {
		for _, stem := range nounStems(w.lower) {
			for j := lo; j < hi; j++ {
				if (j < a.markStart || j >= a.tokEnd) && toks[j].kind == tWord && strings.Contains(toks[j].lower, stem) {
					return true
				}
			}
		}
	}
	return false
}

// nounStems are the forms of a word that its indefinite or compound forms contain: "pakken"
// gives "pakke" and "pakk", "package" itself; short and function words give none.
func nounStems(w string) []string {
	if len([]rune(w)) < 4 || looseAnaphors[w] || looseWeak[w] || looseStrong[w] {
		return nil
	}
	out := []string{w}
	for _, suf := range []string{"en", "et", "n", "t"} {
		if s := strings.TrimSuffix(w, suf); s != w && len([]rune(s)) >= 4 {
			out = append(out, s)
		}
	}
	return out
}

// looseCueText is what leads to b as a conversion's cue: the words between the two amounts, or
// b's sentence up to b when the two stand in different sentences.
func (d *doc) looseCueText(ai, bi int) string {
	a, b := &d.amounts[ai], &d.amounts[bi]
	lo, hi := a.tokEnd, b.markStart
	for lo < hi && d.toks[lo].sent < d.toks[b.tokStart].sent {
		lo++
	}
	if hi <= lo {
		return ""
	}
	return strings.TrimRight(d.src[d.toks[lo].start:d.toks[hi-1].end], " ([")
}
