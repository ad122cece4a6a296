package news

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// conversionCues are the word sequences (markers and per-year words removed) that state two
// neighbouring amounts as equivalent.
var conversionCues = setOf(
	"det svarer til", "dette svarer til", "hvilket svarer til", "svarende til", "svarer til", "svarer det til",
	"eller", "eller hvad der svarer til", "omregnet", "omregnet til", "hvilket er", "det er", "er", "eller omregnet",
	"altså", "hvad der svarer til", "det svarer omregnet til", "svarende til i alt",
	"equivalent to", "the equivalent of", "or the equivalent of", "which is equivalent to", "that is equivalent to",
	"or", "which is", "that is", "is", "equal to", "equals", "which equals", "this equals", "that equals",
	"is equivalent to", "or some", "worth", "roughly equivalent to", "=",
)

// gapFillers may sit between an amount and its equivalent without changing the meaning.
var gapFillers = setOf("om", "året", "årligt", "hvert", "år", "a", "year", "annually", "per", "pr")

// conversionCue reports the cue between amounts a and b, if they are stated as equivalent.
func (d *doc) conversionCue(a, b *Amount) (string, bool) {
	toks := d.toks
	lo, hi := a.tokEnd, b.markStart
	if hi < lo {
		return "", false
	}
	// sentences are numbered in order, so this counts the breaks between the two amounts
	sents := toks[hi].sent - toks[lo-1].sent
	if sents == 1 {
		return d.backReference(a, b)
	}
	if sents > 1 || hi-lo > 10 {
		return "", false
	}
	var words []string
	paren, commas := false, 0
	lastBreak := -1 // words before the last comma or dash
	for k := lo; k < hi; k++ {
		t := toks[k]
		switch t.kind {
		case tNum, tSym:
			return "", false
		case tPunct:
			switch t.text {
			case "(", "[":
				paren = true
			case "=":
				words = append(words, "=")
			case ",":
				commas++
				lastBreak = len(words)
			case "-", "–", "—":
				lastBreak = len(words)
			case ".", ":", "/":
			default:
				return "", false
			}
		case tWord:
			if (gapFillers[t.lower] && len(words) == 0) || t.lower == "henholdsvis" || t.lower == "respectively" {
				continue
			}
			words = append(words, t.lower)
		}
	}
	cue := func() string { return d.src[toks[lo].start:toks[hi-1].end] }
	if len(words) == 0 {
		switch {
		case paren:
			return "( )", true
		case commas == 1 && hi-lo == 1:
			// apposition: "DKK 2.7 billion, about €360 million"
			return ",", true
		}
		return "", false
	}
	if conversionCues[strings.Join(words, " ")] {
		return cue(), true
	}
	if a.rateUnit && rateStatement(words) {
		return cue(), true
	}
	// "725 millioner dollar til Ukraine, hvilket svarer til ...": a short phrase may finish
	// the first amount's clause before an explicit equivalence
	if lastBreak > 0 && lastBreak <= 4 && strongCue(words[lastBreak:]) {
		return cue(), true
	}
	return "", false
}

// strongCue is a conversion cue that names equivalence outright, unlike "eller" or "er".
func strongCue(words []string) bool {
	if !conversionCues[strings.Join(words, " ")] {
		return false
	}
	for _, w := range words {
		switch w {
		case "svarer", "svarende", "omregnet", "equivalent", "equal", "equals":
			return true
		}
	}
	return false
}

// rateStatement accepts "En dollar koster i dag 7,66 kroner": a verb of equivalence and at
// most a time adverb.
func rateStatement(words []string) bool {
	verb := false
	for _, w := range words {
		switch {
		case rateVerbs[w]:
			verb = true
		case w == "i" || w == "dag" || w == "today" || w == "nu" || w == "now" || w == "til" || w == "to" || w == "about":
		default:
			return false
		}
	}
	return verb && len(words) <= 4
}

// backRefEnds end the opening of a sentence that restates the previous sentence's last
// amount in another currency: "Det svarer til", "Omregnet svarer det til", "I danske kroner
// er det".
var backRefEnds = [][]string{
	{"svarer", "til"}, {"svarer", "det", "til"}, {"svarende", "til"}, {"svarer", "det", "omregnet", "til"},
	{"omregnet", "til"}, {"equivalent", "to"}, {"equals"}, {"equal", "to"}, {"er", "det"}, {"is", "that"},
	{"that", "is"}, {"that's"}, {"it", "is"}, {"it's"},
}

var backRefStarts = setOf("det", "dette", "beløbet", "summen", "pakken", "omregnet", "that", "this", "the", "it",
	"which", "hvilket", "i", "in", "amount", "sum", "package", "svarer")

func (d *doc) backReference(a, b *Amount) (string, bool) {
	toks := d.toks
	k := b.markStart - 1
	for k >= 0 && toks[k].sent == toks[b.markStart].sent {
		k--
	}
	start := k + 1
	if start >= b.markStart || b.markStart-start > 8 || a.tokEnd > start {
		return "", false
	}
	// the first amount must end its sentence's money talk: no other amount after it
	var words []string
	for j := start; j < b.markStart; j++ {
		t := toks[j]
		if t.kind == tNum || t.kind == tSym {
			return "", false
		}
		if t.kind == tWord && t.lower != "henholdsvis" {
			words = append(words, t.lower)
		}
	}
	// "I danske kroner er det": drop the currency phrase, it names b's currency
	if len(words) >= 2 && (words[0] == "i" || words[0] == "in") {
		j := start
		for j < b.markStart && toks[j].lower != words[0] {
			j++
		}
		if c, n := suffixCurrency(toks, j+1); n > 0 && (c == b.Currency || b.Inferred) {
			w := 1
			for m := j + 1; m < j+1+n; m++ {
				if toks[m].kind == tWord {
					w++
				}
			}
			if w >= len(words) {
				return "", false
			}
			words = words[w:]
			for _, end := range backRefEnds {
				if equalWords(words, end) {
					return d.src[toks[start].start:toks[b.markStart-1].end], true
				}
			}
		}
	}
	if len(words) == 0 || !backRefStarts[words[0]] {
		return "", false
	}
	for _, end := range backRefEnds {
		if len(words) >= len(end) && equalWords(words[len(words)-len(end):], end) {
			return d.src[toks[start].start:toks[b.markStart-1].end], true
		}
	}
	return "", false
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (d *doc) findConversions(rates RateFunc, day time.Time, dayPrecise bool) {
	am := d.amounts
	for k := 0; k+1 < len(am); k++ {
		a, b := &am[k], &am[k+1]
		if a.Currency == b.Currency || a.Value <= 0 || b.Value <= 0 {
			continue
		}
		cue, ok := d.conversionCue(a, b)
		if !ok {
			continue
		}
		if b.respectively && k >= 1 && k+2 < len(am) {
			// "44 og 27 mia. euro. Det svarer til henholdsvis 328 og 201 mia. kr.": pair in order
			d.addConversion(rates, day, dayPrecise, k-1, k+1, cue)
			d.addConversion(rates, day, dayPrecise, k, k+2, cue)
			k++
			continue
		}
		d.addConversion(rates, day, dayPrecise, k, k+1, cue)
	}
	d.res.Amounts = am
}

func (d *doc) addConversion(rates RateFunc, day time.Time, dayPrecise bool, from, to int, cue string) {
	a, b := &d.amounts[from], &d.amounts[to]
	if a.Currency == b.Currency || a.Value <= 0 || b.Value <= 0 {
		return
	}
	c := Conversion{From: from, To: to, Cue: strings.Trim(cue, " \t\r\n.,:-–—"), ImpliedRate: round(b.Value/a.Value, 6)}
	// the equivalent of an annual amount is annual too
	if a.PerYear || b.PerYear {
		a.PerYear, b.PerYear = true, true
	}
	check(&c, a, b, rates, day, dayPrecise)
	d.res.Conversions = append(d.res.Conversions, c)
}

func rateOf(rates RateFunc, day time.Time, cur string) (float64, bool) {
	if cur == "EUR" {
		return 1, true
	}
	r, ok := rates(day, cur)
	if !ok || r <= 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return 0, false
	}
	return r, true
}

// pegged pairs move less than 0.2 %: DKK is held near 7.46038 per EUR in ERM II.
func pegged(a, b string) bool {
	p := a + b
	return p == "EURDKK" || p == "DKKEUR" || p == "EURBGN" || p == "BGNEUR" || p == "DKKBGN" || p == "BGNDKK"
}

// interval is the range of true values a stated amount allows, given its last stated digit
// and its marker: "knap 750" allows 712.5 to 750.5, "omkring 300" 270 to 330.
func interval(a *Amount) (lo, hi float64) {
	v := a.Value
	h := a.num.halfUnit() * v
	switch a.Marker {
	case "approx":
		hh := math.Max(h, math.Max(0.02*v, math.Min(a.num.halfUnitNonzero()*v, 0.10*v)))
		return v - hh, v + hh
	case "below":
		return v*0.95 - h, v + h
	case "at_least":
		return v - h, v*1.5 + h
	case "at_most":
		return v*0.5 - h, v + h
	}
	return v - h, v + h
}

func check(c *Conversion, a, b *Amount, rates RateFunc, day time.Time, dayPrecise bool) {
	switch {
	case rates == nil:
		c.Verdict = "not checked: no exchange rates given"
		return
	case day.IsZero():
		c.Verdict = "not checked: the article date is unknown (give --date)"
		return
	}
	ra, ok1 := rateOf(rates, day, a.Currency)
	rb, ok2 := rateOf(rates, day, b.Currency)
	if !ok1 || !ok2 {
		missing := a.Currency
		if ok1 {
			missing = b.Currency
		}
		c.Verdict = fmt.Sprintf("not checked: no ECB reference rate for %s on %s", missing, day.Format("2006-01-02"))
		return
	}
	ref := rb / ra
	c.Checked = true
	c.ReferenceRate = round(ref, 6)
	c.Deviation = round(b.Value/a.Value/ref-1, 6)
	c.Expected = round(a.Value*ref, 2)
	// The rate itself is uncertain: newsrooms convert at another hour or day than the ECB fixing.
	rt := 0.01
	switch {
	case pegged(a.Currency, b.Currency):
		rt = 0.002
	case !dayPrecise:
		rt = 0.03
	}
	aLo, aHi := interval(a)
	if a.Marker == "" {
		// Journalists convert the figure they have, not its rounding: a round source such as
		// "2 mia. euro" is taken as rounded by at most 1 %.
		h := math.Min(a.num.halfUnit(), 0.01) * a.Value
		aLo, aHi = a.Value-h, a.Value+h
	}
	bLo, bHi := interval(b)
	lo, hi := aLo*ref*(1-rt), aHi*ref*(1+rt)
	c.Consistent = lo <= bHi && bLo <= hi
	said := markerWords[b.Marker] + human(b.Value, b.factor, b.Scale)
	base := fmt.Sprintf("%s %s at the ECB rate %s %s/%s (%s) is %s %s; the text says %s %s (%+.2f%%)",
		human(a.Value, a.factor, a.Scale), a.Currency, fmtRate(ref), b.Currency, a.Currency, day.Format("2006-01-02"),
		human(a.Value*ref, b.factor, b.Scale), b.Currency, said, b.Currency, c.Deviation*100)
	if c.Consistent {
		c.Verdict = "consistent: " + base
		return
	}
	c.Verdict = fmt.Sprintf("inconsistent: %s, outside the %s to %s that its stated precision, marker and a %.1f%% rate tolerance allow",
		base, human(lo, b.factor, b.Scale), human(hi, b.factor, b.Scale), rt*100)
}

var markerWords = map[string]string{"approx": "about ", "below": "just below ", "at_least": "at least ", "at_most": "at most "}

// human writes v in the amount's own scale: 745.88 billion.
func human(v float64, factor int64, scale string) string {
	if factor <= 0 {
		factor = 1
	}
	x := v / float64(factor)
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if scale != "" {
		s += " " + scale
	}
	return s
}
