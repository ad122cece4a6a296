package news

import (
	"path/filepath"
	"strings"
	"testing"
)

const corpusDir = "../../testdata/news"

// blindSet is written by someone who does not work on the reader; the tests score it but never
// print what it holds, and the other tests do not open it.
const blindSet = "heldout-blind"

func notBlind(set string) bool { return set != blindSet && !strings.HasPrefix(set, blindSet+"/") }

// corpusRates are the rates the corpus pins in rates.csv, as `fairshare news eval` uses them.
func corpusRates(t *testing.T, extra ...string) RateFunc {
	t.Helper()
	rates, err := fileRates(append([]string{filepath.Join(corpusDir, "rates.csv")}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return rates
}

// setFloors are the figures each set must hold, as fractions: the tuning files and the
// retired held-out sets (seen, then tuned on) must stay at or above their current figures,
// which are all 1.000 (README.md has their first runs).
var setFloors = map[string]map[string]float64{
	".":                 {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	"retired-heldout-1": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	"retired-heldout-2": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	"retired-heldout-3": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	// set 4: first run in README.md, 1.000 on every figure since issue 16
	"retired-heldout-4": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	// set 5: first run in README.md, 1.000 on every figure since its misses were worked on
	"retired-heldout-5": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	// set 6: first run in README.md, 1.000 on every figure since its misses were worked on
	"retired-heldout-6": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
	// set 7: first run in README.md, retired at once for work on its misses
	"retired-heldout-7": {"amounts P": 1, "amounts R": 1, "verdicts P": 1, "verdicts R": 1},
}

func setFigures(s EvalSet) map[string]float64 {
	return map[string]float64{
		"amounts P": s.Amounts.Precision(), "amounts R": s.Amounts.Recall(),
		"verdicts P": s.Conversions.Precision(), "verdicts R": s.Conversions.Recall(),
	}
}

// TestEvalCorpus holds the figures `fairshare news eval testdata/news` prints for every set
// but the blind one.
func TestEvalCorpus(t *testing.T) {
	res, err := EvalSets(corpusDir, corpusRates(t), notBlind)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.String())
	if !strings.Contains(res.String(), "precision") || !strings.Contains(res.String(), "recall") {
		t.Fatal("String() lacks precision and recall lines")
	}
	for _, s := range res.Sets {
		floor, ok := setFloors[s.Name]
		if !ok {
			// a set added since: the tuning standard until its floors are recorded here
			floor = map[string]float64{"amounts P": 0.95, "amounts R": 0.95, "verdicts P": 0.95, "verdicts R": 0.95}
		}
		got := setFigures(s)
		for k, min := range floor {
			if got[k] < min-1e-9 {
				t.Errorf("%s %s = %.3f, want >= %.3f", s.Name, k, got[k], min)
			}
		}
	}
	for name := range setFloors {
		if res.Set(name) == nil {
			t.Errorf("set %s missing", name)
		}
	}
}

// blindFloors are the figures the blind held-out set must hold: its first run, recorded by
// the lead (README.md) when the set is added. Set 8, first run on 2026-11-29: amounts
// 130/131 and 130/133, verdicts 40/40 and 40/40.
var blindFloors = map[string]float64{"amounts P": 0.992, "amounts R": 0.977, "verdicts P": 1, "verdicts R": 1}

// TestHeldoutBlind scores the blind held-out set, which nobody tuning the reader has read. Its
// floors guard against regressions; the set must be retired, not tuned on, if anyone works on
// its misses. It reports the figures only, never which amounts were missed.
func TestHeldoutBlind(t *testing.T) {
	dir := filepath.Join(corpusDir, blindSet)
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("%s has no .txt files yet: the blind held-out set is still being written", dir)
	}
	res, err := Eval(dir, corpusRates(t, filepath.Join(dir, "rates.csv")))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Total
	got := setFigures(s)
	t.Logf("%s: %d files, amounts P %.3f R %.3f F1 %.3f, verdicts P %.3f R %.3f", blindSet, s.Files,
		got["amounts P"], got["amounts R"], s.Amounts.F1(), got["verdicts P"], got["verdicts R"])
	if len(blindFloors) == 0 {
		t.Fatalf("%s holds %d files but blindFloors records no first run: record the figures above in blindFloors and README.md", blindSet, s.Files)
	}
	for k, floor := range blindFloors {
		if got[k] < floor-0.0005 {
			t.Errorf("%s %s = %.3f, want >= %.3f (%d files; misses not shown: the set is blind)", blindSet, k, got[k], floor, s.Files)
		}
	}
}

// attributionsNotHeld are sets whose sources the reader does not yet find as labelled: the misses
// of sets 5, 6 and 7 were worked on for money and conversions only.
var attributionsNotHeld = map[string]bool{"retired-heldout-5": true, "retired-heldout-6": true, "retired-heldout-7": true}

// TestCorpusLabels compares every labelled field of the tuning files and the retired held-out
// sets, not only what Eval scores: markers, per-year, inferred, spans, sources and candidates.
func TestCorpusLabels(t *testing.T) {
	res, err := EvalSets(corpusDir, nil, notBlind)
	if err != nil || res.Total.Files == 0 {
		t.Fatal(err)
	}
	files, _ := globTxt(corpusDir)
	// the retired held-out sets were tuned on, so their labels are held field by field too
	retired, _ := filepath.Glob(filepath.Join(corpusDir, "retired-heldout-*", "*.txt"))
	for _, f := range append(files, retired...) {
		exp, err := LoadExpected(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadCorpusFile(f, exp, corpusRates(t))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(f, corpusDir+"/")
		if got.Lang != exp.Lang {
			t.Errorf("%s: lang %s, want %s", name, got.Lang, exp.Lang)
		}
		if len(got.Amounts) != len(exp.Amounts) {
			t.Errorf("%s: %d amounts, want %d: %+v", name, len(got.Amounts), len(exp.Amounts), got.Amounts)
			continue
		}
		for i, e := range exp.Amounts {
			a := got.Amounts[i]
			if a.Text != e.Text || a.Currency != e.Currency || !closeTo(a.Value, e.Value) || a.Marker != e.Marker || a.PerYear != e.PerYear || a.Inferred != e.Inferred {
				t.Errorf("%s: amount %d = %q %v %s marker=%q per_year=%v inferred=%v, want %+v", name, i, a.Text, a.Value, a.Currency, a.Marker, a.PerYear, a.Inferred, e)
			}
			if e.CurrencyFrom != "" && a.CurrencyFrom != e.CurrencyFrom {
				t.Errorf("%s: amount %d %q currency_from %q, want %q", name, i, a.Text, a.CurrencyFrom, e.CurrencyFrom)
			}
			if a.CurrencyFrom != "stated" && a.CurrencyFrom != "context" && a.CurrencyFrom != "default" {
				t.Errorf("%s: amount %d %q currency_from %q", name, i, a.Text, a.CurrencyFrom)
			}
		}
		if len(got.Conversions) != len(exp.Conversions) {
			t.Errorf("%s: %d conversions, want %d", name, len(got.Conversions), len(exp.Conversions))
		} else {
			for i, e := range exp.Conversions {
				c := got.Conversions[i]
				if c.From != e.From || c.To != e.To || c.Consistent != e.Consistent || !c.Checked {
					t.Errorf("%s: conversion %d = %+v, want %+v", name, i, c, e)
				}
			}
		}
		if exp.Attributions != nil && !attributionsNotHeld[filepath.Base(filepath.Dir(f))] {
			var gs, ws []string
			for _, a := range got.Attributions {
				gs = append(gs, a.Source+"/"+a.Kind)
			}
			for _, a := range *exp.Attributions {
				ws = append(ws, a.Source+"/"+a.Kind)
			}
			if strings.Join(gs, ",") != strings.Join(ws, ",") {
				t.Errorf("%s: attributions\n got %v\nwant %v", name, gs, ws)
			}
		}
		if exp.Vague != nil {
			var gs, ws []string
			for _, v := range got.Vague {
				gs = append(gs, v.Text+" "+v.Currency)
			}
			for _, v := range *exp.Vague {
				ws = append(ws, v.Text+" "+v.Currency)
			}
			if strings.Join(gs, ",") != strings.Join(ws, ",") {
				t.Errorf("%s: vague amounts\n got %v\nwant %v", name, gs, ws)
			}
		}
		if exp.Candidates != nil {
			var gs, ws []string
			for _, c := range got.Candidates {
				gs = append(gs, c.Donor+" "+c.Amount+" "+c.Currency+" "+c.Status)
			}
			for _, c := range *exp.Candidates {
				ws = append(ws, c.Donor+" "+c.Amount+" "+c.Currency+" "+c.Status)
			}
			if strings.Join(gs, ",") != strings.Join(ws, ",") {
				t.Errorf("%s: candidates\n got %v\nwant %v", name, gs, ws)
			}
		}
	}
}
