package news

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Expected is the labelled answer for one corpus file, NAME.json beside NAME.txt. Only the
// fields given are compared; Eval scores amounts and conversion verdicts.
type Expected struct {
	Lang         string                 `json:"lang"`
	Date         string                 `json:"date"` // article date passed to Read; empty: the text's own
	Amounts      []ExpectedAmount       `json:"amounts"`
	Conversions  []ExpectedConversion   `json:"conversions"`
	Attributions *[]ExpectedAttribution `json:"attributions,omitempty"`
	Candidates   *[]Candidate           `json:"candidates,omitempty"`
	Vague        *[]ExpectedVague       `json:"vague_amounts,omitempty"`
}

// ExpectedVague is a labelled amount with no value ("et trecifret millionbeløb").
type ExpectedVague struct {
	Text     string `json:"text"`
	Currency string `json:"currency"`
}

// ExpectedAmount is a labelled amount.
type ExpectedAmount struct {
	Text     string  `json:"text"`
	Value    float64 `json:"value"`
	Currency string  `json:"currency"`
	Marker   string  `json:"marker"`
	Inferred bool    `json:"inferred"`
	PerYear  bool    `json:"per_year"`
	// CurrencyFrom, when labelled: stated, context or default
	CurrencyFrom string `json:"currency_from,omitempty"`
}

// ExpectedConversion is a labelled conversion; From and To index the expected amounts.
type ExpectedConversion struct {
	From       int  `json:"from"`
	To         int  `json:"to"`
	Consistent bool `json:"consistent"`
}

// ExpectedAttribution is a labelled source.
type ExpectedAttribution struct {
	Source string `json:"source"`
	Kind   string `json:"kind"`
}

// Score counts matches between what was read and what was labelled.
type Score struct {
	Matched, Predicted, Expected int
}

// Precision is the share of predictions that match a label (1 when nothing was predicted).
func (s Score) Precision() float64 {
	if s.Predicted == 0 {
		return 1
	}
	return float64(s.Matched) / float64(s.Predicted)
}

// Recall is the share of labels that were found (1 when nothing was labelled).
func (s Score) Recall() float64 {
	if s.Expected == 0 {
		return 1
	}
	return float64(s.Matched) / float64(s.Expected)
}

// F1 is the harmonic mean of precision and recall.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (s *Score) add(o Score) {
	s.Matched += o.Matched
	s.Predicted += o.Predicted
	s.Expected += o.Expected
}

// EvalSet is the score of one folder of the corpus.
type EvalSet struct {
	Name        string   `json:"name"`
	Files       int      `json:"files"`
	Amounts     Score    `json:"amounts"`
	Conversions Score    `json:"conversions"`
	LangMisses  int      `json:"lang_misses"`
	Misses      []string `json:"misses"`
}

// EvalResult scores a labelled corpus: each sub-folder (such as heldout/) separately, then all.
type EvalResult struct {
	Dir        string    `json:"dir"`
	RatesGiven bool      `json:"rates_given"`
	Sets       []EvalSet `json:"sets"`
	Total      EvalSet   `json:"total"`
}

// Set returns the named set ("." for the top folder), or nil.
func (e *EvalResult) Set(name string) *EvalSet {
	for i := range e.Sets {
		if e.Sets[i].Name == name {
			return &e.Sets[i]
		}
	}
	return nil
}

// Eval reads every NAME.txt under dir with its labels NAME.json and measures precision and
// recall of amounts (same currency, value within 0.5 %) and of conversion verdicts (same
// pair of amounts, same verdict). With rates nil only the pairing of conversions is scored.
func Eval(dir string, rates RateFunc) (*EvalResult, error) {
	return EvalSets(dir, rates, nil)
}

// EvalSets is Eval over the sets for which keep returns true (nil keeps all); the others are
// not opened. keep sees a set's name as Eval reports it: "." for dir itself, "heldout-blind".
func EvalSets(dir string, rates RateFunc, keep func(set string) bool) (*EvalResult, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() && keep != nil {
			rel, _ := filepath.Rel(dir, path)
			if !keep(filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
		}
		if !de.IsDir() && strings.HasSuffix(path, ".txt") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w in %s", errNoCorpus, dir)
	}
	sort.Strings(files)
	res := &EvalResult{Dir: dir, RatesGiven: rates != nil, Total: EvalSet{Name: "all"}}
	sets := map[string]*EvalSet{}
	var order []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, filepath.Dir(f))
		rel = filepath.ToSlash(rel)
		set := sets[rel]
		if set == nil {
			set = &EvalSet{Name: rel}
			sets[rel] = set
			order = append(order, rel)
		}
		if err := evalFile(f, rates, set); err != nil {
			return nil, err
		}
	}
	sort.Strings(order)
	for _, name := range order {
		s := sets[name]
		res.Sets = append(res.Sets, *s)
		res.Total.Files += s.Files
		res.Total.Amounts.add(s.Amounts)
		res.Total.Conversions.add(s.Conversions)
		res.Total.LangMisses += s.LangMisses
	}
	return res, nil
}

// LoadExpected reads the labels for a corpus text file.
func LoadExpected(txtPath string) (*Expected, error) {
	b, err := os.ReadFile(strings.TrimSuffix(txtPath, ".txt") + ".json")
	if err != nil {
		return nil, fmt.Errorf("news: labels for %s: %w", txtPath, err)
	}
	var exp Expected
	if err := json.Unmarshal(b, &exp); err != nil {
		return nil, fmt.Errorf("news: labels for %s: %w", txtPath, err)
	}
	return &exp, nil
}

// ReadCorpusFile reads one corpus text with the date its labels give.
func ReadCorpusFile(txtPath string, exp *Expected, rates RateFunc) (*Result, error) {
	text, err := os.ReadFile(txtPath)
	if err != nil {
		return nil, err
	}
	opt := Options{Lang: "auto", Rates: rates}
	if exp.Date != "" {
		day, err := time.Parse("2006-01-02", exp.Date)
		if err != nil {
			return nil, fmt.Errorf("news: labels for %s: bad date %q", txtPath, exp.Date)
		}
		opt.Date = day
	}
	return Read(text, opt)
}

func evalFile(path string, rates RateFunc, set *EvalSet) error {
	exp, err := LoadExpected(path)
	if err != nil {
		return err
	}
	got, err := ReadCorpusFile(path, exp, rates)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	set.Files++
	if exp.Lang != "" && exp.Lang != got.Lang {
		set.LangMisses++
		set.Misses = append(set.Misses, fmt.Sprintf("%s: language %s, labelled %s", name, got.Lang, exp.Lang))
	}
	toExp := MatchAmounts(got.Amounts, exp.Amounts)
	matched := map[int]bool{}
	for p, e := range toExp {
		if e >= 0 {
			matched[e] = true
		} else {
			a := got.Amounts[p]
			set.Misses = append(set.Misses, fmt.Sprintf("%s: unexpected amount %q = %s %s", name, a.Text, a.Exact, a.Currency))
		}
	}
	for e, a := range exp.Amounts {
		if !matched[e] {
			set.Misses = append(set.Misses, fmt.Sprintf("%s: missed amount %q = %.2f %s", name, a.Text, a.Value, a.Currency))
		}
	}
	set.Amounts.add(Score{Matched: len(matched), Predicted: len(got.Amounts), Expected: len(exp.Amounts)})

	conv := Score{Predicted: len(got.Conversions), Expected: len(exp.Conversions)}
	for _, c := range got.Conversions {
		ef, et := toExp[c.From], toExp[c.To]
		ok := false
		for _, ec := range exp.Conversions {
			if ec.From == ef && ec.To == et && (rates == nil || ec.Consistent == c.Consistent) {
				ok = true
				break
			}
		}
		if ok {
			conv.Matched++
		} else {
			set.Misses = append(set.Misses, fmt.Sprintf("%s: conversion %d->%d consistent=%v not labelled so: %s", name, c.From, c.To, c.Consistent, c.Verdict))
		}
	}
	if conv.Matched < conv.Expected {
		set.Misses = append(set.Misses, fmt.Sprintf("%s: %d labelled conversions not found", name, conv.Expected-conv.Matched))
	}
	set.Conversions.add(conv)
	return nil
}

// MatchAmounts pairs each read amount with a labelled one of the same currency whose value is
// within 0.5 %, preferring the same text; the result maps read index to labelled index or -1.
func MatchAmounts(got []Amount, exp []ExpectedAmount) []int {
	toExp := make([]int, len(got))
	for i := range toExp {
		toExp[i] = -1
	}
	used := make([]bool, len(got))
	for e, ea := range exp {
		best := -1
		for p, a := range got {
			if used[p] || a.Currency != ea.Currency || !closeTo(a.Value, ea.Value) {
				continue
			}
			if best < 0 || (a.Text == ea.Text && got[best].Text != ea.Text) {
				best = p
			}
		}
		if best >= 0 {
			used[best] = true
			toExp[best] = e
		}
	}
	return toExp
}

func closeTo(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want) <= 0.005*math.Abs(want)
}

// String prints precision and recall per set and in total, then what was missed.
func (e *EvalResult) String() string {
	var b strings.Builder
	verdicts := "conversion verdicts"
	if !e.RatesGiven {
		verdicts = "conversion pairs (no rates: verdicts not scored)"
	}
	line := func(s EvalSet, title string) {
		fmt.Fprintf(&b, "%s: %d files\n", title, s.Files)
		fmt.Fprintf(&b, "  amounts              precision %.3f (%d/%d)  recall %.3f (%d/%d)  F1 %.3f\n",
			s.Amounts.Precision(), s.Amounts.Matched, s.Amounts.Predicted, s.Amounts.Recall(), s.Amounts.Matched, s.Amounts.Expected, s.Amounts.F1())
		fmt.Fprintf(&b, "  %-20s precision %.3f (%d/%d)  recall %.3f (%d/%d)  F1 %.3f\n", shortVerdicts(verdicts),
			s.Conversions.Precision(), s.Conversions.Matched, s.Conversions.Predicted, s.Conversions.Recall(), s.Conversions.Matched, s.Conversions.Expected, s.Conversions.F1())
		if s.LangMisses > 0 {
			fmt.Fprintf(&b, "  language wrong in %d files\n", s.LangMisses)
		}
	}
	if !e.RatesGiven {
		fmt.Fprintf(&b, "no exchange rates: %s\n", verdicts)
	}
	for _, s := range e.Sets {
		title := filepath.ToSlash(filepath.Join(e.Dir, s.Name))
		switch {
		case strings.HasPrefix(s.Name, "heldout"):
			title += " (held out, not tuned on)"
		case strings.HasPrefix(s.Name, "retired-"):
			title += " (former held-out, tuned on since)"
		case s.Name == ".":
			title += " (tuning)"
		}
		line(s, title)
	}
	line(e.Total, "all")
	for _, s := range e.Sets {
		if strings.HasPrefix(s.Name, "heldout") {
			// a held-out set's misses are not shown: whoever reads them could tune on them
			if len(s.Misses) > 0 {
				fmt.Fprintf(&b, "%s: %d misses not shown (held out)\n", s.Name, len(s.Misses))
			}
			continue
		}
		for _, m := range s.Misses {
			fmt.Fprintf(&b, "miss %s\n", m)
		}
	}
	return b.String()
}

func shortVerdicts(s string) string {
	if strings.HasPrefix(s, "conversion pairs") {
		return "conversion pairs"
	}
	return s
}
