package news

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// speechVerbs introduce a speaker: after them in Danish ("siger Stoltenberg"), before or
// after them in English ("Stoltenberg said", "said Stoltenberg").
var speechVerbs = setOf(
	"siger", "sagde", "skriver", "skrev", "oplyser", "oplyste", "meddeler", "meddelte", "fortæller", "fortalte",
	"udtaler", "udtalte", "erklærer", "erklærede", "understreger", "understregede", "tilføjer", "tilføjede",
	"melder", "meldte", "rapporterer", "rapporterede", "bekræfter", "bekræftede", "vurderer", "vurderede",
	"said", "says", "stated", "added", "wrote", "reported", "confirmed", "noted", "claimed", "told",
)

// preVerbNext may follow a speech verb whose subject came before it:
// "Stoltenberg siger fredag, at", "Stoltenberg said on Friday".
var preVerbNext = setOf(",", "at", "that", ".", "i", "in", "on", "også", "videre", "nu", "today", "yesterday",
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "blandt", "ifølge", "efter", "after", "during", "under", "it", "the",
	"he", "she", "they", ":", "while", "når", "da", "til", "to", "in", "last", "earlier", "tidligere", "senere", "later")

// nonNames are capitalised words that are not names: pronouns, sentence openers, days, months.
var nonNames = setOf("det", "den", "de", "der", "han", "hun", "vi", "jeg", "i", "it", "he", "she", "they", "we",
	"the", "a", "an", "this", "that", "these", "ifølge", "og", "men", "and", "but", "her", "hans", "his", "in", "on",
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "januar", "februar", "marts", "maj", "juni", "juli",
	"oktober", "som", "da", "når", "if", "when", "as", "også", "nu", "siden", "efter", "after", "there", "here")

// titleWords precede a name and are not part of the source: "Præsident Putin", "Defence Minister Ben Wallace".
var titleWords = setOf("præsident", "statsminister", "forsvarsminister", "udenrigsminister", "minister", "president",
	"prime", "defence", "defense", "foreign", "secretary", "general", "secretary-general", "chancellor", "kansler",
	"spokesperson", "spokesman", "spokeswoman", "chief", "ambassador", "ambassadør", "generalsekretær", "senator",
	"admiral", "mr", "mrs", "ms", "dr", "premierminister", "forbundskansler", "vicepræsident", "vice", "nato-chef",
	"generalsekretæren", "forsvarschef", "commander", "lieutenant", "colonel", "oberst", "general")

// agencies maps wire names to how they are written.
var agencies = map[string]string{"ritzau": "Ritzau", "reuters": "Reuters", "afp": "AFP", "ap": "AP", "dpa": "dpa",
	"ntb": "NTB", "tt": "TT", "bloomberg": "Bloomberg", "anp": "ANP", "belga": "Belga"}

var nameParticles = setOf("von", "van", "der", "de", "la", "le", "du", "af", "bin", "al")

// isName reports a capitalised word whose hyphen parts are all capitalised: "Jean-Claude"
// and "AFP" are names, "Nato-chef" is a title.
func isName(t token) bool {
	if t.kind != tWord || !startsUpper(t.text) || nonNames[t.lower] {
		return false
	}
	for _, part := range strings.Split(t.text, "-") {
		r, _ := utf8.DecodeRuneInString(part)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// nameAt reads a name of up to six words starting at k; titles inside the run are dropped:
// "NATO Secretary General Jens Stoltenberg" is Jens Stoltenberg.
func (d *doc) nameAt(k int) (start, end int, ok bool) {
	toks := d.toks
	if k >= len(toks) {
		return 0, 0, false
	}
	sent := toks[k].sent
	n := 0
	j := k
	for j < len(toks) && n < 6 && toks[j].sent == sent {
		if currencyCodes[toks[j].text] && j+1 < len(toks) && toks[j+1].kind == tNum {
			break // "DKK5.6bn" is money, not a name
		}
		if isName(toks[j]) {
			j++
			n++
			continue
		}
		if nameParticles[toks[j].lower] && n > 0 && j+1 < len(toks) && isName(toks[j+1]) {
			j++
			continue
		}
		break
	}
	if n == 0 {
		return 0, 0, false
	}
	for m := j - 2; m >= k; m-- {
		if titleWords[toks[m].lower] {
			k = m + 1
			break
		}
	}
	return k, j, true
}

// nameBefore reads a name ending at token e (inclusive), up to four words.
func (d *doc) nameBefore(e int) (start int, ok bool) {
	toks := d.toks
	s := e
	for s >= 0 && e-s < 4 && isName(toks[s]) && toks[s].sent == toks[e].sent {
		s--
	}
	if s == e {
		return 0, false
	}
	s++
	// drop leading titles: "Præsident Putin"
	for s < e && titleWords[toks[s].lower] {
		s++
	}
	return s, true
}

func (d *doc) nameText(s, e int) string {
	n := d.src[d.toks[s].start:d.toks[e-1].end]
	for _, suf := range []string{"'s", "’s"} {
		n = strings.TrimSuffix(n, suf)
	}
	if a, ok := agencies[strings.ToLower(n)]; ok {
		return a
	}
	return n
}

// sourceAfter finds the source after a cue ending before token k, skipping up to four
// title words ("siger landets udenrigsminister, Antony Blinken").
func (d *doc) sourceAfter(k int) (start, end int, ok bool) {
	toks := d.toks
	if k >= len(toks) {
		return 0, 0, false
	}
	sent := toks[k-1].sent
	j := k
	for skipped := 0; j < len(toks) && toks[j].sent == sent && skipped <= 4; skipped++ {
		if s, e, ok := d.nameAt(j); ok {
			// a genitive before a title is the title's owner: "Natos generalsekretær"
			last := toks[e-1]
			if e < len(toks) && toks[e].kind == tWord && !isName(toks[e]) && strings.HasSuffix(last.lower, "s") && e-s == 1 && !nameParticles[toks[e].lower] && !preVerbNext[toks[e].lower] && !stopTitle[toks[e].lower] {
				j = e
				continue
			}
			return s, e, true
		}
		t := toks[j]
		switch {
		case t.text == "," && j > k:
			j++
		case t.kind == tWord && !isName(t) && !stopTitle[t.lower] && (d.lang == "da" || enTitleLead[t.lower]):
			j++
		case t.kind == tWord && titleWords[t.lower]:
			j++
		case t.kind == tWord && strings.Contains(t.text, "-") && !isName(t):
			j++
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// enTitleLead are the lower-case words an English source may start with; Danish titles
// ("landets udenrigsminister") are free-form, English ones are mostly capitalised.
var enTitleLead = setOf("the", "a", "an", "defence", "defense", "foreign", "prime", "minister", "secretary",
	"president", "spokesperson", "spokesman", "spokeswoman", "chief", "general", "official", "officials")

// stopTitle words end a title run: a source cannot be further away than these.
var stopTitle = setOf("at", "om", "til", "that", "to", "on", "in", "i", "på", "og", "and", "ifølge", "fra", "from",
	"han", "hun", "de", "he", "she", "they", "det", "it", "der", "som", "who", "which", "efter", "after", "with",
	"med", "også", "nu", "for")

func (d *doc) addAttr(src, kind string, s, e int) {
	d.res.Attributions = append(d.res.Attributions, Attribution{Source: src, Cue: d.src[s:e], Kind: kind, Start: s, End: e})
}

func (d *doc) findAttributions() {
	toks := d.toks
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		switch {
		case t.lower == "ifølge" || (t.lower == "according" && k+1 < len(toks) && toks[k+1].lower == "to"):
			next := k + 1
			if t.lower == "according" {
				next = k + 2
			}
			if s, e, ok := d.sourceAfter(next); ok {
				d.addAttr(d.nameText(s, e), "according_to", t.start, toks[e-1].end)
			}
		case t.lower == "lyder" && k+2 < len(toks) && toks[k+1].lower == "det" && toks[k+2].lower == "fra":
			if s, e, ok := d.nameAt(k + 3); ok {
				d.addAttr(d.nameText(s, e), "said", t.start, toks[e-1].end)
			}
		case t.lower == "told":
			d.told(k)
		case speechVerbs[t.lower]:
			d.speech(k)
		case t.text == "/" && k+2 < len(toks) && toks[k+2].text == "/" && !toks[k+1].spaceBefore && !toks[k+2].spaceBefore:
			if a, ok := agencies[toks[k+1].lower]; ok {
				d.addAttr(a, "signoff", t.start, toks[k+2].end)
				k += 2
			}
		case t.text == "(" && k+2 < len(toks) && toks[k+2].text == ")":
			if a, ok := agencies[toks[k+1].lower]; ok && toks[k+1].text != toks[k+1].lower {
				d.addAttr(a, "signoff", t.start, toks[k+2].end)
				k += 2
			}
		}
	}
	sortAttributions(d.res.Attributions)
	d.quoteLines()
	sortAttributions(d.res.Attributions)
}

// speech handles "siger Stoltenberg" and "Stoltenberg siger fredag, at".
func (d *doc) speech(k int) {
	toks := d.toks
	if s, e, ok := d.sourceAfter(k + 1); ok {
		d.addAttr(d.nameText(s, e), "said", toks[k].start, toks[e-1].end)
		return
	}
	if k+1 < len(toks) && !preVerbNext[toks[k+1].lower] && toks[k+1].sent == toks[k].sent {
		return
	}
	if s, ok := d.subjectBefore(k); ok {
		d.addAttr(d.nameText(s.start, s.end), "said", toks[s.start].start, toks[k].end)
		return
	}
	if s, ok := d.institutionBefore(k); ok {
		d.addAttr(d.src[toks[s].start:toks[k-1].end], "said", toks[s].start, toks[k].end)
		return
	}
	if s, e, ok := d.institutionAfter(k + 1); ok {
		d.addAttr(d.src[toks[s].start:toks[e-1].end], "said", toks[k].start, toks[e-1].end)
	}
}

// institutions are bodies that speak without a name: "the defence ministry said",
// "oplyser regeringen".
var institutions = setOf("government", "ministry", "department", "officials", "official", "spokesperson",
	"spokesman", "spokeswoman", "regeringen", "ministeriet", "styrelsen", "myndighederne", "embedsmænd")

// institutionBefore reads "the (Danish) (defence) ministry" ending right before verb k.
func (d *doc) institutionBefore(k int) (int, bool) {
	toks := d.toks
	e := k - 1
	if d.lang != "en" || e < 0 || toks[e].sent != toks[k].sent || !institutions[toks[e].lower] {
		return 0, false
	}
	s := e
	for s-1 >= 0 && e-s < 3 && toks[s-1].kind == tWord && toks[s-1].sent == toks[k].sent && !stopTitle[toks[s-1].lower] {
		if toks[s-1].lower == "the" {
			return s - 1, true
		}
		s--
	}
	if toks[e].lower == "officials" || toks[e].lower == "official" {
		return s, true
	}
	return 0, false
}

// institutionAfter reads "oplyser regeringen", "said the defence ministry" after a verb.
func (d *doc) institutionAfter(k int) (int, int, bool) {
	toks := d.toks
	if k >= len(toks) || toks[k].sent != toks[k-1].sent {
		return 0, 0, false
	}
	if d.lang == "da" && institutions[toks[k].lower] {
		return k, k + 1, true
	}
	if d.lang == "en" && toks[k].lower == "the" {
		for e := k + 1; e < len(toks) && e <= k+3 && toks[e].kind == tWord && toks[e].sent == toks[k].sent; e++ {
			if institutions[toks[e].lower] {
				return k, e + 1, true
			}
		}
	}
	return 0, 0, false
}

type span struct{ start, end int }

// subjectBefore finds the speaker before verb k: "Stoltenberg said", "Jens Stoltenberg, siger",
// "Jens Stoltenberg, NATO's secretary general, said".
func (d *doc) subjectBefore(k int) (span, bool) {
	toks := d.toks
	e := k - 1
	if e < 0 || toks[e].sent != toks[k].sent {
		return span{}, false
	}
	if toks[e].text == "," {
		e--
		if e >= 0 && !isName(toks[e]) {
			// skip an apposition back to its opening comma
			j := e
			for j >= 0 && e-j < 6 && toks[j].text != "," && toks[j].sent == toks[k].sent {
				j--
			}
			if j < 0 || toks[j].text != "," {
				return span{}, false
			}
			e = j - 1
		}
	}
	if e < 0 || toks[e].sent != toks[k].sent || !isName(toks[e]) {
		return span{}, false
	}
	s, ok := d.nameBefore(e)
	if !ok {
		return span{}, false
	}
	return span{s, e + 1}, true
}

// told handles "Stoltenberg told Reuters": the speaker, and the outlet that was told.
func (d *doc) told(k int) {
	toks := d.toks
	if sp, ok := d.subjectBefore(k); ok {
		end := toks[k].end
		if s, e, ok := d.nameAt(k + 1); ok && s == k+1 {
			end = toks[e-1].end
		}
		d.addAttr(d.nameText(sp.start, sp.end), "said", toks[sp.start].start, end)
	}
	if s, e, ok := d.nameAt(k + 1); ok && s == k+1 {
		d.addAttr(d.nameText(s, e), "told", toks[k].start, toks[e-1].end)
	}
}

// quoteLines attributes Danish quote lines ("- Selvforsvar er ikke eskalering, siger
// Stoltenberg."). A line without its own speech cue takes the speaker of the next quote line,
// else the previous one: Danish wire style names the speaker once per run of quotes.
func (d *doc) quoteLines() {
	toks := d.toks
	type qline struct {
		start, end int // byte span
		first      int // token index of the dash
		speaker    string
	}
	var lines []qline
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if !isQuoteDash(t) || !(k == 0 || t.nlBefore > 0) || k+1 >= len(toks) || !toks[k+1].spaceBefore || toks[k+1].nlBefore > 0 {
			continue
		}
		j := k + 1
		for j+1 < len(toks) && toks[j+1].nlBefore == 0 {
			j++
		}
		lines = append(lines, qline{start: t.start, end: toks[j].end, first: k})
		k = j
	}
	if len(lines) == 0 {
		return
	}
	// both lists are sorted by offset: one merge pass
	attrs := d.res.Attributions
	ai := 0
	for i := range lines {
		for ai < len(attrs) && attrs[ai].Start < lines[i].start {
			ai++
		}
		for j := ai; j < len(attrs) && attrs[j].Start < lines[i].end; j++ {
			if attrs[j].Kind == "said" && attrs[j].End <= lines[i].end {
				lines[i].speaker = attrs[j].Source
				break
			}
		}
	}
	// consecutive quote lines form a run: no non-quote paragraph between them
	adjacent := func(i, j int) bool {
		a, b := lines[i], lines[j]
		between := d.src[a.end:b.start]
		return strings.TrimSpace(between) == ""
	}
	for i := range lines {
		if lines[i].speaker != "" {
			continue
		}
		for j := i + 1; j < len(lines) && j <= i+3 && adjacent(j-1, j); j++ {
			if lines[j].speaker != "" {
				lines[i].speaker = lines[j].speaker
				break
			}
		}
		if lines[i].speaker == "" {
			for j := i - 1; j >= 0 && j >= i-3 && adjacent(j, j+1); j-- {
				if lines[j].speaker != "" {
					lines[i].speaker = lines[j].speaker
					break
				}
			}
		}
		if lines[i].speaker == "" {
			lines[i].speaker = "unknown"
		}
	}
	for _, l := range lines {
		dash := toks[l.first]
		d.res.Attributions = append(d.res.Attributions, Attribution{Source: l.speaker, Cue: dash.text + " ", Kind: "quote", Start: l.start, End: l.end})
	}
}
