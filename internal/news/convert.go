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
	"converted into", "converted to", "corresponds to", "which corresponds to", "corresponding to",
	"which is roughly", "der er tale om", "hvilket svarer omtrent til", "or converted into", "or converted to", "eller omregnet", "omregnet er det",
	"which converts to", "converts to", "which translates to", "translates to", "translating to", "amounting to",
	"which amounts to", "amounts to", "which comes to", "hvilket omregnet giver", "omregnet giver", "der omregnet er",
	"som omregnet er", "hvilket omregnet er", "der omregnet svarer til", "som omregnet svarer til",
)

// gapFillers may sit between an amount and its equivalent without changing the meaning.
var gapFillers = setOf("om", "året", "årligt", "hvert", "år", "a", "year", "annually", "per", "pr")

// clauseWords start a new clause: a phrase that holds one is no longer about the first amount.
var clauseWords = setOf("og", "and", "men", "but", "mens", "while", "whereas", "hvorimod", "samt", "plus",
	"heraf", "whereof", "including", "herunder", "inklusive", "heriblandt")

// currencyTargets introduce the currency an amount is converted into: "omregnet til euro",
// "converted into euros", "in euros", "i danske kroner".
var currencyTargets = setOf("til", "into", "to", "i", "in")

// convertVerbs name a conversion: "Omregnet til euro er det cirka 6,4 milliarder".
var convertVerbs = setOf("omregnet", "omregner", "omregnes", "omregne", "converted", "convert", "converts",
	"converting", "translated", "translates", "translating")

// Gap limits: the tokens between two amounts stated as equivalent, and the words of a phrase
// that finishes the first amount's clause before the cue ("of military aid in 2024,").
const (
	maxGapTokens  = 14
	maxPhraseWord = 10
)

// dateNumber reports a number in a gap that dates the first amount rather than counting
// something: a year ("in 2024") or a day next to a month ("31. maj", "May 31").
func (d *doc) dateNumber(k int) bool {
	toks := d.toks
	t := toks[k]
	if n, ok := atoiSmall(t.text); ok {
		if len(t.text) == 4 && n >= 1900 && n <= 2100 {
			return true
		}
		if len(t.text) <= 2 && n >= 1 && n <= 31 {
			j := k + 1
			if j < len(toks) && toks[j].text == "." {
				j++
			}
			if j < len(toks) && months[toks[j].lower] != 0 {
				return true
			}
			if k > 0 && months[toks[k-1].lower] != 0 {
				return true
			}
		}
	}
	return false
}

// conversionCue reports the cue between amounts a and b, if they are stated as equivalent.
//
// The gap between them is read as [phrase] [break] [cue]: a phrase that finishes a's clause
// ("til Ukraine", "of military aid in 2024"), a comma, dash or opening parenthesis, and words
// that state equivalence ("svarende til", "equivalent to"). A currency phrase that names b's
// currency ("omregnet til euro", "in euros") only says which currency b is in and is dropped.
// Years and dates may sit in the phrase only when an explicit cue follows, since "€2 billion
// in 2023, $3 billion in 2024" lists two amounts.
func (d *doc) conversionCue(a, b *Amount) (string, bool) {
	toks := d.toks
	lo, hi := a.tokEnd, b.markStart
	if hi < lo {
		return "", false
	}
	if hi == lo && b.markStart < b.tokStart && (toks[hi].text == "≈" || toks[hi].text == "~") {
		return toks[hi].text, true // "DKK 5 billion ≈ €670 million"
	}
	// sentences are numbered in order, so this counts the breaks between the two amounts
	sents := toks[hi].sent - toks[lo-1].sent
	if note, ok := d.rateNote(b); ok && sents <= 1 && hi-lo <= maxNoteGap && !d.numberIn(lo, hi) {
		// "a 50 billion euro package ... The facility, worth about $54 billion at current
		// exchange rates": the note says b converts the amount before it
		return note, true
	}
	if sents == 2 && d.sourceSentence(toks[lo-1].sent+1, lo, hi) {
		// "725 millioner dollar. Det oplyser Pentagon torsdag. Omregnet er det omkring 5,5
		// milliarder kroner": a sentence that only names the source may sit between
		sents = 1
	}
	if sents == 1 {
		return d.backReference(a, b)
	}
	if sents > 1 || hi-lo > maxGapTokens {
		return "", false
	}
	var words []string
	paren, commas, dashes, fillers := false, 0, 0, 0
	lastBreak := -1 // words before the last comma, dash or opening parenthesis
	breakText := "" // that break
	dated := false  // a year or date in the gap
	for k := lo; k < hi; k++ {
		t := toks[k]
		switch t.kind {
		case tSym:
			return "", false
		case tNum:
			if !d.dateNumber(k) {
				return "", false
			}
			dated = true
			words = append(words, "#date")
		case tPunct:
			switch t.text {
			case "(", "[":
				paren = true
				lastBreak, breakText = len(words), "("
			case "=":
				words = append(words, "=")
			case ",":
				commas++
				lastBreak, breakText = len(words), ","
			case "-", "–", "—":
				dashes++
				lastBreak, breakText = len(words), "-"
			case ".", ":", "/":
			default:
				return "", false
			}
		case tWord:
			if (gapFillers[t.lower] && len(words) == 0) || t.lower == "henholdsvis" || t.lower == "respectively" {
				fillers++
				continue
			}
			if c, n := suffixCurrency(toks, k); n > 0 && k+n <= hi && len(words) > 0 && currencyTargets[words[len(words)-1]] &&
				(c == b.Currency || b.Inferred) {
				// "omregnet til euro", "in euros": names b's currency; "in"/"i" goes with it
				if w := words[len(words)-1]; w == "i" || w == "in" {
					words = words[:len(words)-1]
				}
				k += n - 1
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
		case commas+dashes == 1 && hi-lo-fillers == 1:
			// apposition: "DKK 2.7 billion, about €360 million", "100 millioner dollar - cirka
			// 767 millioner kroner -", "€40 billion a year — roughly $43.4 billion —"
			return toks[lo].text, true
		}
		return "", false
	}
	if !dated && conversionCues[strings.Join(words, " ")] {
		return cue(), true
	}
	if !dated && a.rateUnit && rateStatement(words) {
		return cue(), true
	}
	// A phrase may finish the first amount's clause before an explicit equivalence: "725
	// millioner dollar til Ukraine, hvilket svarer til ...", "£2.5 billion of military aid in
	// 2024, equivalent to ...".
	for s := 0; s < len(words) && s <= maxPhraseWord; s++ {
		if strongCueInsert(words[s:]) && (s == 0 || modifierPhrase(words[:s]) || s == lastBreak && coordinatedPhrase(words[:s])) {
			return cue(), true
		}
	}
	// Apposition after such a phrase: "3.1 billion euros on weapons for Ukraine through the
	// European Peace Facility, about 3 billion dollars"; "13.3 billion Swedish crowns in military
	// aid ($1.18 billion)". Only a parenthesis, or a rounded restatement after a comma or dash
	// ("about", "knap"), says equivalence; "€2 billion for tanks, $1 billion for shells" lists.
	if lastBreak == len(words) && (!dated || breakText == "(") && modifierPhrase(words) {
		if breakText == "(" || b.Marker == "approx" || b.Marker == "below" {
			return cue(), true
		}
	}
	// "omkring 70 milliarder kroner i militær støtte siden 2022, eller cirka 9,4 milliarder
	// euro": "or" and a rounded figure after the phrase restate it, whatever year it names,
	// with or without a comma
	if n := len(words); (words[n-1] == "eller" || words[n-1] == "or") &&
		modifierPhrase(words[:n-1]) && (b.Marker == "approx" || b.Marker == "below") {
		return cue(), true
	}
	return "", false
}

// maxNoteGap bounds the tokens between an amount and an equivalent that a rate note marks.
const maxNoteGap = 40

// numberIn reports a number or currency sign among tokens lo..hi-1 that is not a date.
func (d *doc) numberIn(lo, hi int) bool {
	for k := lo; k < hi; k++ {
		if d.toks[k].kind == tSym || d.toks[k].kind == tNum && !d.dateNumber(k) && !d.countNumber(k) {
			return true
		}
	}
	return false
}

// countUnits follow a number that counts time or rank, never money: "six months", "31st".
var countUnits = setOf("st", "nd", "rd", "th", "days", "weeks", "months", "years", "dage", "uger", "måneder", "år",
	"day", "week", "month", "year", "dag", "uge", "måned", "anniversary", "årsdag", "time", "times", "gang", "gange")

// countNumber reports a number that counts time or rank: an ordinal ("31st", "17.") or a number of
// days, weeks, months or years ("six months since the invasion", "tre år").
func (d *doc) countNumber(k int) bool {
	toks := d.toks
	if k+1 >= len(toks) {
		return false
	}
	if toks[k+1].text == "." && toks[k+1].start == toks[k].end && k+2 < len(toks) && toks[k+2].kind == tWord &&
		!startsUpper(toks[k+2].text) {
		return true // a Danish ordinal, "den 17. pakke"
	}
	return toks[k+1].kind == tWord && countUnits[toks[k+1].lower]
}

// sourceSentence reports that sentence s, which lies within tokens lo..hi-1, only names a
// source: a speech verb, no number, a few words ("Det oplyser Forsvarsministeriet torsdag.").
func (d *doc) sourceSentence(s, lo, hi int) bool {
	n, verb := 0, false
	for k := lo; k < hi; k++ {
		t := d.toks[k]
		if t.sent != s {
			continue
		}
		if t.kind == tNum || t.kind == tSym {
			return false
		}
		if n++; n > 16 {
			return false
		}
		verb = verb || speechVerbs[t.lower]
	}
	return verb
}

// rateNote reads a note after amount b that says it was converted: "at current exchange
// rates", "at today's rate", "efter dagens kurs", "ved den aktuelle valutakurs".
func (d *doc) rateNote(b *Amount) (string, bool) {
	toks := d.toks
	j := b.tokEnd
	if j >= len(toks) || !notePreps[toks[j].lower] || toks[j].sent != toks[b.tokStart].sent {
		return "", false
	}
	k := j + 1
	if k < len(toks) && (toks[k].lower == "the" || toks[k].lower == "den") {
		k++
	}
	if k >= len(toks) || !noteNows[toks[k].lower] {
		return "", false
	}
	k++
	if k < len(toks) && toks[k].lower == "exchange" {
		k++
	}
	if k >= len(toks) || !noteRates[toks[k].lower] {
		return "", false
	}
	return d.src[toks[j].start:toks[k].end], true
}

var (
	notePreps = setOf("at", "ved", "efter", "til")
	noteNows  = setOf("current", "today's", "present", "prevailing", "dagens", "aktuel", "aktuelle", "nuværende", "gældende",
		"yesterday's", "monday's", "tuesday's", "wednesday's", "thursday's", "friday's", "gårsdagens", "mandagens",
		"tirsdagens", "onsdagens", "torsdagens", "fredagens")
	noteRates = setOf("rate", "rates", "kurs", "kurser", "valutakurs", "valutakurser", "vekselkurs", "vekselkurser")
)

// strongCueInsert is a strong cue, also with a source inserted: "svarer ifølge ministeriet
// til", "is, according to the ministry, equivalent to".
func strongCueInsert(words []string) bool {
	if strongCue(words) {
		return true
	}
	for i, w := range words {
		p := 0
		switch {
		case w == "ifølge":
			p = 1
		case w == "according" && i+1 < len(words) && words[i+1] == "to":
			p = 2
		default:
			continue
		}
		for n := 1; n <= 3 && i+p+n < len(words); n++ {
			rest := append(append([]string{}, words[:i]...), words[i+p+n:]...)
			if strongCue(rest) {
				return true
			}
		}
	}
	return false
}

// modifierPhrase is a short phrase that still belongs to the amount before it: no clause word.
func modifierPhrase(words []string) bool {
	if len(words) == 0 || len(words) > maxPhraseWord {
		return false
	}
	for _, w := range words {
		if clauseWords[w] || w == "=" {
			return false
		}
	}
	return true
}

// coordinatedPhrase is a modifier phrase that joins nouns with "og"/"and": "til humanitær
// hjælp og genopbygning", "for air defence and ammunition". It may finish the first amount's
// clause only before a break and a strong cue, since no other amount lies between the two.
func coordinatedPhrase(words []string) bool {
	if len(words) == 0 || len(words) > maxPhraseWord {
		return false
	}
	for i, w := range words {
		switch {
		case w == "og" || w == "and" || w == "samt":
			if i == 0 || i == len(words)-1 {
				return false
			}
		case clauseWords[w] || w == "=":
			return false
		}
	}
	return true
}

// strongCue is a conversion cue that names equivalence outright, unlike "eller" or "er".
func strongCue(words []string) bool {
	if !conversionCues[strings.Join(words, " ")] {
		return false
	}
	for _, w := range words {
		switch w {
		case "svarer", "svarende", "omregnet", "equivalent", "equal", "equals", "converted", "corresponds", "corresponding",
			"converts", "translates", "translating":
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
	{"that", "is"}, {"that's"}, {"it", "is"}, {"it's"}, {"tale", "om"}, {"amounts", "to"}, {"converts", "to"},
	{"translates", "to"}, {"comes", "to"},
}

var backRefStarts = setOf("det", "dette", "beløbet", "summen", "pakken", "omregnet", "that", "this", "the", "it",
	"which", "hvilket", "i", "in", "amount", "sum", "package", "svarer", "that's", "it's")

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
		if t.kind == tWord && (t.lower == "i" || t.lower == "in") {
			// "Det svarer i euro til omkring 470 millioner": the phrase names b's currency
			if c, n := suffixCurrency(toks, j+1); n > 0 && c == b.Currency && j+n < b.markStart {
				j += n
				continue
			}
		}
		if t.kind == tWord && t.lower != "henholdsvis" {
			words = append(words, t.lower)
		}
	}
	// "I danske kroner er det", "Omregnet til euro er det", "Converted into euros, that is":
	// drop the currency phrase, it names b's currency; what is left must end the opening
	if rest, ok := d.dropCurrencyTarget(start, b); ok {
		if len(rest) == 0 {
			return "", false
		}
		for _, end := range backRefEnds {
			if equalWords(rest, end) {
				return d.src[toks[start].start:toks[b.markStart-1].end], true
			}
		}
		words = rest
	}
	if len(words) == 0 || !backRefStarts[words[0]] {
		return "", false
	}
	if len(words) == 2 && pronounCopula(words[0], words[1]) {
		// "Det er cirka 295 mio. euro.", "That is roughly $5.4 billion.": the whole opening
		// is a pronoun and a copula, so the sentence only restates the amount before
		return d.src[toks[start].start:toks[b.markStart-1].end], true
	}
	for _, end := range backRefEnds {
		if len(words) >= len(end) && equalWords(words[len(words)-len(end):], end) {
			return d.src[toks[start].start:toks[b.markStart-1].end], true
		}
	}
	return "", false
}

// pronounCopula is "det er", "that is", "this was": an opening that restates.
func pronounCopula(p, v string) bool {
	switch p {
	case "det", "dette", "that", "this", "it":
	default:
		return false
	}
	switch v {
	case "er", "var", "is", "was":
		return true
	}
	return false
}

// dropCurrencyTarget reads an opening "[conversion verb] til/into/in CURRENCY" from token start
// that names b's currency and returns the words after it, up to b.
func (d *doc) dropCurrencyTarget(start int, b *Amount) ([]string, bool) {
	toks := d.toks
	j := start
	if j < b.markStart && convertVerbs[toks[j].lower] {
		j++
	}
	if j >= b.markStart || d.currencyTargetAt(j, b.markStart) == "" {
		return nil, false
	}
	c, n := suffixCurrency(toks, j+1)
	if c != b.Currency {
		return nil, false
	}
	var rest []string
	for m := j + 1 + n; m < b.markStart; m++ {
		if toks[m].kind == tWord && toks[m].lower != "henholdsvis" && toks[m].lower != "respectively" {
			rest = append(rest, toks[m].lower)
		}
	}
	return rest, true
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
	d.settleByRate(rates, day)
	am := d.amounts
	origin := map[int]int{} // an equivalent's index -> the amount it restates
	for k := 0; k+1 < len(am); k++ {
		a, b := &am[k], &am[k+1]
		if a.Currency == b.Currency || a.Value <= 0 || b.Value <= 0 {
			continue
		}
		cue, ok := d.conversionCue(a, b)
		if !ok || d.perUnit(b) && !d.perUnit(a) {
			continue
		}
		if b.respectively && k >= 1 && k+2 < len(am) {
			// "44 og 27 mia. euro. Det svarer til henholdsvis 328 og 201 mia. kr.": pair in order
			d.addConversion(rates, day, dayPrecise, k-1, k+1, cue)
			d.addConversion(rates, day, dayPrecise, k, k+2, cue)
			k++
			continue
		}
		if j, ok := origin[k]; ok && am[j].Currency != b.Currency {
			// "DKK 5 billion ($727 million, €670 million)", "svarende til 670 mio. euro eller 727
			// mio. dollar", "Det svarer til 268 mio. euro (291 mio. dollar)": a second equivalent
			// restates the same original
			d.addConversion(rates, day, dayPrecise, j, k+1, cue)
			origin[k+1] = j
			continue
		}
		d.addConversion(rates, day, dayPrecise, k, k+1, cue)
		origin[k+1] = k
	}
	d.findLooseConversions(rates, day, dayPrecise)
	d.res.Amounts = am
}

// perUnit reports an amount given per person or item: "10,000 crowns per Dane", "500 kr. pr.
// indbygger", "$2 million each". It is no equivalent of a total, whatever cue joins them;
// "850 kr. pr. indbygger, eller godt 110 euro" restates one.
func (d *doc) perUnit(a *Amount) bool {
	if a.tokEnd >= len(d.toks) {
		return false
	}
	switch d.toks[a.tokEnd].lower {
	case "per", "pr", "each", "apiece", "hver", "pro":
		k := a.tokEnd + 1
		if k < len(d.toks) && d.toks[k].text == "." {
			k++
		}
		// "per year", "pr. år" and "per month" are rates in time, not per person
		return k >= len(d.toks) || !timeUnits[d.toks[k].lower]
	}
	return false
}

var timeUnits = setOf("year", "years", "month", "months", "week", "day", "annum", "år", "måned", "md", "uge", "dag", "kvartal", "quarter")

// settleByRate gives an amount with no currency word that the text restates in the currency it
// was inferred to have ("Denmark's next package of 2.5 billion (about $364 million)" after a
// dollar amount) the currency, among those the text names, that the day's rate turns into the
// restatement: a restatement is never in the currency it restates.
func (d *doc) settleByRate(rates RateFunc, day time.Time) {
	if rates == nil || day.IsZero() {
		return
	}
	am := d.amounts
	named := map[string]bool{"DKK": true, "EUR": true, "USD": true}
	for _, a := range am {
		if !a.Inferred {
			named[a.Currency] = true
		}
	}
	for _, m := range d.currencyMentions(am) {
		named[m.code] = true
	}
	for k := 0; k+1 < len(am); k++ {
		a, b := &am[k], &am[k+1]
		if !a.Inferred || b.Inferred || a.Currency != b.Currency || a.Value <= 0 || b.Value <= 0 {
			continue
		}
		if _, ok := d.conversionCue(a, b); !ok {
			continue
		}
		rb, ok := rateOf(rates, day, b.Currency)
		if !ok {
			continue
		}
		best, bestDev := "", 0.03
		for c := range named {
			rc, ok := rateOf(rates, day, c)
			if c == b.Currency || !ok {
				continue
			}
			if dev := math.Abs(b.Value/(a.Value*rb/rc) - 1); dev < bestDev || dev == bestDev && c < best {
				best, bestDev = c, dev
			}
		}
		if best != "" {
			a.Currency, a.CurrencyFrom = best, "context"
		}
	}
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
	// and the equivalent of a bound with no marker of its own is that bound: "up to 18 billion
	// euros ($18.1 billion)", "mindst 2 milliarder kroner (268 millioner euro)"
	if b.Marker == "" && bound(a.Marker) {
		b.Marker = a.Marker
	}
	check(&c, a, b, rates, day, dayPrecise && !d.averaged, d.averaged)
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

func check(c *Conversion, a, b *Amount, rates RateFunc, day time.Time, dayPrecise, averaged bool) {
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
	// A bound ("up to EUR35bn, or about $33 billion") is converted as the figure it states:
	// its equivalent restates the bound, so the marker widens neither side.
	aLo, aHi := interval(a)
	if a.Marker == "" || bound(a.Marker) {
		// Journalists convert the figure they have, not its rounding: a round source such as
		// "2 mia. euro" is taken as rounded by at most 1 %.
		h := math.Min(a.num.halfUnit(), 0.01) * a.Value
		aLo, aHi = a.Value-h, a.Value+h
	}
	bLo, bHi := interval(b)
	switch {
	case bound(b.Marker) && bound(a.Marker):
		h := b.num.halfUnit() * b.Value
		bLo, bHi = b.Value-h, b.Value+h
	case bound(b.Marker):
		// the equivalent of a plain figure, "seks milliarder kroner (godt 800 millioner euro)",
		// "$2 billion (just over €1.8 billion)": the marker says which way the converted value
		// was rounded, by as little as "below" ("knap", "nearly") allows the other way
		lo, hi := interval(&Amount{Value: b.Value, Marker: "below", num: b.num})
		if b.Marker == "at_least" {
			lo, hi = 2*b.Value-hi, 2*b.Value-lo
		}
		bLo, bHi = lo, hi
	}
	lo, hi := aLo*ref*(1-rt), aHi*ref*(1+rt)
	c.Consistent = lo <= bHi && bLo <= hi
	said := markerWords[b.Marker] + human(b.Value, b.factor, b.Scale)
	rateName := "the ECB rate"
	if averaged {
		rateName = "the average ECB rate"
	}
	base := fmt.Sprintf("%s %s at %s %s %s/%s (%s) is %s %s; the text says %s %s (%+.2f%%)",
		human(a.Value, a.factor, a.Scale), a.Currency, rateName, fmtRate(ref), b.Currency, a.Currency, day.Format("2006-01-02"),
		human(a.Value*ref, b.factor, b.Scale), b.Currency, said, b.Currency, c.Deviation*100)
	if c.Consistent {
		c.Verdict = "consistent: " + base
		return
	}
	c.Verdict = fmt.Sprintf("inconsistent: %s, outside the %s to %s that its stated precision, marker and a %.1f%% rate tolerance allow",
		base, human(lo, b.factor, b.Scale), human(hi, b.factor, b.Scale), rt*100)
}

func bound(marker string) bool { return marker == "at_least" || marker == "at_most" }

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
