// Package news reads money claims, currency conversions, sources and draft contributions from
// Danish and English news articles about military aid.
//
// It is rule based: a hand-written tokenizer and fixed-size look-ahead and look-behind windows,
// so reading is linear in the input and explainable rule by rule. No existing library reads
// Danish money amounts (long-scale "billion", "mia.", "knap 750 milliarder"), hence this package.
package news

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// RateFunc returns the ECB reference rate: units of currency per 1 EUR on day.
// The caller falls back to the last earlier published rate.
type RateFunc func(day time.Time, currency string) (unitsPerEUR float64, ok bool)

// Options controls Read.
type Options struct {
	Lang  string    // "da", "en" or "auto" ("" means auto)
	Date  time.Time // article date; zero means unknown: the text's own date line is tried
	Rates RateFunc  // may be nil: conversions are then listed without verdicts
	// RatesAveraged says Rates gives period averages (such as monthly means of the ECB
	// rates) rather than the day's reference rate. A month's mean can sit 1-3 % from the
	// rate a newsroom used that day, so verdicts then allow 3 % for the rate, as for an
	// article dated only by its month, and say that the rate is an average.
	RatesAveraged bool
}

// Result is what Read found. Its JSON form is a contract other tools use: fields may be
// added, never renamed.
type Result struct {
	Lang         string        `json:"lang"`
	Date         string        `json:"date"`
	Amounts      []Amount      `json:"amounts"`
	Conversions  []Conversion  `json:"conversions"`
	Attributions []Attribution `json:"attributions"`
	Candidates   []Candidate   `json:"candidates"`
	// Vague are amounts given only by their order of magnitude, flagged for an editor.
	Vague []VagueAmount `json:"vague_amounts"`
}

// Amount is one money amount. Start and End are byte offsets into the input; Text is
// input[Start:End] and excludes the marker and per-year words.
type Amount struct {
	Text     string  `json:"text"`
	Start    int     `json:"start"`
	End      int     `json:"end"`
	Value    float64 `json:"value"`
	Currency string  `json:"currency"` // ISO 4217
	Scale    string  `json:"scale"`    // "thousand", "million", "billion", "trillion" or ""
	Marker   string  `json:"marker"`   // "", "approx", "below", "at_least", "at_most"
	Inferred bool    `json:"inferred"` // no currency word: currency taken from context
	// CurrencyFrom says where Currency comes from: "stated" by the amount itself, "context"
	// (an earlier amount or mention, a phrase such as "in crowns", or the country of bare
	// "crowns"), or "default" (the language's home currency in a sentence about money).
	CurrencyFrom string `json:"currency_from"`
	PerYear      bool   `json:"per_year"`
	// Exact is the value as an exact decimal with two digits, as candidates carry it.
	Exact string `json:"exact"`
	// MarkerText is the marker as written ("knap", "ca."), empty when there is none.
	MarkerText string `json:"marker_text,omitempty"`

	tokStart, tokEnd int // token range of the amount text
	markStart        int // first token of the marker, == tokStart when none
	num              decimal
	factor           int64
	rateUnit         bool // "$1 =", "En euro er": exact unit of a rate statement
	rangeStart       bool // the 5 of "mellem 5 og 10 mia. kr."
	respectively     bool // "henholdsvis 328 og 201 mia. kr.": pairs with the two amounts before
	bare             bool // "crowns" with no adjective: which crowns is settled from context
	compound         bool // "8-milliarders-pakke": the compound says it is money
}

// Conversion is a pair of amounts the text states as equivalent, checked against the
// reference rate. From and To index Result.Amounts; rates are units of To's currency per
// unit of From's currency.
type Conversion struct {
	From          int     `json:"from"`
	To            int     `json:"to"`
	Cue           string  `json:"cue"`
	ImpliedRate   float64 `json:"implied_rate"`
	ReferenceRate float64 `json:"reference_rate"` // 0 when no rate was available
	Deviation     float64 `json:"deviation"`      // implied/reference - 1
	Checked       bool    `json:"checked"`        // a reference rate was available
	Consistent    bool    `json:"consistent"`
	Expected      float64 `json:"expected"` // From's value at the reference rate
	Verdict       string  `json:"verdict"`
}

// Attribution is who said or reported something. Start and End span the cue with its
// source ("ifølge Reuters"), the whole quote line for quotes, or the sign-off.
type Attribution struct {
	Source string `json:"source"`
	Cue    string `json:"cue"`
	Kind   string `json:"kind"` // "said", "according_to", "quote", "signoff"
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

// Candidate is a draft contribution: donor, amount and a pledge or donation verb met in
// one sentence. It is for review, never recorded silently.
type Candidate struct {
	Donor       string `json:"donor"`  // ISO 3166 alpha-3
	Amount      string `json:"amount"` // decimal with two digits
	Currency    string `json:"currency"`
	Status      string `json:"status"` // pledged, committed, delivered
	Date        string `json:"date"`
	Description string `json:"description"`
	AmountIndex int    `json:"amount_index"`
	Verb        string `json:"verb"`
}

// doc is the working state of one Read.
type doc struct {
	src     string
	toks    []token
	lang    string
	res     *Result
	amounts []Amount
	// averaged: the rates are period averages, not the day's fixing
	averaged bool
}

// Read finds amounts, conversions, attributions and candidate contributions in input.
func Read(input []byte, opt Options) (*Result, error) {
	lang := strings.ToLower(strings.TrimSpace(opt.Lang))
	switch lang {
	case "", "auto":
		lang = ""
	case "da", "en":
	default:
		return nil, fmt.Errorf("news: unknown language %q (want da, en or auto)", opt.Lang)
	}
	d := &doc{src: string(input), averaged: opt.RatesAveraged}
	d.toks = tokenize(d.src)
	if lang == "" {
		lang = detectLang(d.toks)
	}
	d.lang = lang
	res := &Result{Lang: lang, Amounts: []Amount{}, Conversions: []Conversion{}, Attributions: []Attribution{}, Candidates: []Candidate{}, Vague: []VagueAmount{}}
	d.res = res

	var rateDay time.Time
	var dayPrecise bool
	if !opt.Date.IsZero() {
		rateDay, dayPrecise = opt.Date, true
		res.Date = opt.Date.Format("2006-01-02")
	} else if day, text, precise, ok := d.dateLine(); ok {
		rateDay, dayPrecise = day, precise
		res.Date = text
	}

	d.findAmounts()
	res.Amounts = d.amounts
	d.findVague()
	d.findConversions(opt.Rates, rateDay, dayPrecise)
	d.findAttributions()
	d.findCandidates()
	return res, nil
}

// detectLang counts frequent function words; æ, ø and å weigh for Danish.
func detectLang(toks []token) string {
	da, en := 0, 0
	for _, t := range toks {
		if t.kind != tWord {
			continue
		}
		if daWords[t.lower] {
			da++
		}
		if enWords[t.lower] {
			en++
		}
		if strings.ContainsAny(t.lower, "æøå") {
			da++
		}
	}
	if en > da {
		return "en"
	}
	return "da"
}

var daWords = setOf("og", "i", "at", "det", "er", "til", "på", "af", "med", "som", "har", "ikke", "der", "den",
	"fra", "om", "siger", "ifølge", "kroner", "milliarder", "millioner", "mia", "mio", "svarer", "også", "efter",
	"skal", "blev", "var", "hvert", "år", "kr", "danske", "donerer", "giver", "sagde", "vil", "mod", "eller", "en", "et")

var enWords = setOf("the", "and", "of", "to", "in", "is", "that", "on", "with", "as", "was", "said", "has", "have",
	"by", "from", "it", "billion", "million", "according", "which", "are", "be", "this", "will", "its", "a", "an",
	"crowns", "dollars", "euros", "pledged", "year", "says")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var months = map[string]time.Month{
	"januar": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2, "marts": 3, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "maj": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
	"november": 11, "nov": 11, "december": 12, "dec": 12,
}

// dateLine looks for "date 2024-05-31", "dato: 2024-06" or "Dato: 31. maj 2024" among the
// first tokens. A month-only date stands for its first day: the rate lookup falls back to the
// last rate before it.
func (d *doc) dateLine() (day time.Time, text string, precise, ok bool) {
	toks := d.toks
	for k := 0; k < len(toks) && k < 40; k++ {
		switch toks[k].lower {
		case "date", "dato", "published", "udgivet", "dateline":
		default:
			continue
		}
		j := k + 1
		if j < len(toks) && toks[j].text == ":" {
			j++
		}
		if day, text, precise, ok := parseDateAt(toks, j); ok {
			return day, text, precise, true
		}
	}
	return time.Time{}, "", false, false
}

func atoiSmall(s string) (int, bool) {
	if len(s) == 0 || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func parseDateAt(toks []token, j int) (time.Time, string, bool, bool) {
	tok := func(i int) token {
		if i < len(toks) {
			return toks[i]
		}
		return token{}
	}
	glued := func(i int) bool { return i < len(toks) && !toks[i].spaceBefore }
	// ISO: 2024-05-31 or 2024-06
	if y, ok := atoiSmall(tok(j).text); ok && tok(j).kind == tNum && len(tok(j).text) == 4 {
		if tok(j+1).text == "-" && glued(j+1) && glued(j+2) {
			if m, ok := atoiSmall(tok(j + 2).text); ok && m >= 1 && m <= 12 {
				if tok(j+3).text == "-" && glued(j+3) && glued(j+4) {
					if dd, ok := atoiSmall(tok(j + 4).text); ok && dd >= 1 && dd <= 31 {
						t := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
						return t, t.Format("2006-01-02"), true, true
					}
				}
				t := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
				return t, t.Format("2006-01"), false, true
			}
		}
	}
	// 31. maj 2024 / 31 May 2024
	if dd, ok := atoiSmall(tok(j).text); ok && tok(j).kind == tNum && dd >= 1 && dd <= 31 {
		i := j + 1
		if tok(i).text == "." {
			i++
		}
		if m, ok := months[tok(i).lower]; ok {
			if y, ok := atoiSmall(tok(i + 1).text); ok && len(tok(i+1).text) == 4 {
				t := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
				return t, t.Format("2006-01-02"), true, true
			}
		}
	}
	// May 31, 2024
	if m, ok := months[tok(j).lower]; ok {
		if dd, ok := atoiSmall(tok(j + 1).text); ok && dd >= 1 && dd <= 31 {
			i := j + 2
			if tok(i).text == "," {
				i++
			}
			if y, ok := atoiSmall(tok(i).text); ok && len(tok(i).text) == 4 {
				t := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
				return t, t.Format("2006-01-02"), true, true
			}
		}
	}
	return time.Time{}, "", false, false
}

// Text renders the result for people: one line per finding.
func (r *Result) Text() string {
	var b strings.Builder
	date := r.Date
	if date == "" {
		date = "unknown"
	}
	fmt.Fprintf(&b, "language %s, date %s\n", r.Lang, date)
	fmt.Fprintf(&b, "\namounts (%d)\n", len(r.Amounts))
	for i, a := range r.Amounts {
		var notes []string
		if a.Marker != "" {
			notes = append(notes, a.Marker+" ("+a.MarkerText+")")
		}
		if a.PerYear {
			notes = append(notes, "per year")
		}
		if a.Inferred {
			notes = append(notes, "currency inferred")
		}
		if a.CurrencyFrom != "stated" {
			notes = append(notes, "currency from "+a.CurrencyFrom)
		}
		note := ""
		if len(notes) > 0 {
			note = "  [" + strings.Join(notes, ", ") + "]"
		}
		fmt.Fprintf(&b, "  %d. %q  %s %s  at %d-%d%s\n", i, a.Text, a.Exact, a.Currency, a.Start, a.End, note)
	}
	if len(r.Vague) > 0 {
		fmt.Fprintf(&b, "\nvague amounts (%d): no value read\n", len(r.Vague))
		for _, v := range r.Vague {
			fmt.Fprintf(&b, "  %q  %s %s at %d-%d: %s\n", v.Text, v.Scale, v.Currency, v.Start, v.End, v.Note)
		}
	}
	fmt.Fprintf(&b, "\nconversions (%d)\n", len(r.Conversions))
	for _, c := range r.Conversions {
		fmt.Fprintf(&b, "  %d -> %d  implied %s", c.From, c.To, fmtRate(c.ImpliedRate))
		if c.Checked {
			fmt.Fprintf(&b, ", reference %s, deviation %+.2f%%", fmtRate(c.ReferenceRate), c.Deviation*100)
		}
		fmt.Fprintf(&b, "\n     %s\n", c.Verdict)
	}
	fmt.Fprintf(&b, "\nattributions (%d)\n", len(r.Attributions))
	for _, a := range r.Attributions {
		cue := a.Cue
		if a.Kind == "quote" {
			cue = "quote line"
		}
		fmt.Fprintf(&b, "  %-20s %-12s %q at %d-%d\n", a.Source, a.Kind, cue, a.Start, a.End)
	}
	fmt.Fprintf(&b, "\ncandidate contributions (%d)\n", len(r.Candidates))
	for _, c := range r.Candidates {
		fmt.Fprintf(&b, "  %s %s %s %s, %s: %s\n", c.Donor, c.Status, c.Amount, c.Currency, orUnknown(c.Date), c.Description)
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "date unknown"
	}
	return s
}

func fmtRate(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

// round keeps JSON readable; rates and deviations carry no meaning beyond 6 decimals.
func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	r := math.Round(v*p) / p
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return 0
	}
	return r
}

var errNoCorpus = errors.New("news: no labelled files found")

func sortAttributions(a []Attribution) {
	sort.SliceStable(a, func(i, j int) bool { return a[i].Start < a[j].Start })
}
