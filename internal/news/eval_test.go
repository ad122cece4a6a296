package news

import (
	"strings"
	"testing"
)

const corpusDir = "../../testdata/news"

// TestEvalCorpus holds the figures `fairshare news eval testdata/news` prints. The tuning
// files and the retired held-out sets (seen, then tuned on) must stay at or above 0.95; the
// current held-out set was never tuned on, so it has floors at its first-run figures instead.
func TestEvalCorpus(t *testing.T) {
	res, err := Eval(corpusDir, testRates)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.String())
	if !strings.Contains(res.String(), "precision") || !strings.Contains(res.String(), "recall") {
		t.Fatal("String() lacks precision and recall lines")
	}
	for _, s := range res.Sets {
		floor := map[string]float64{"amounts P": 0.95, "amounts R": 0.95, "verdicts P": 0.95, "verdicts R": 0.95}
		switch {
		case s.Name == "heldout":
			floor["verdicts R"] = 0.57 // first run: 4/7
		case s.Name != ".":
			floor["verdicts R"] = 0.85
		}
		got := map[string]float64{
			"amounts P": s.Amounts.Precision(), "amounts R": s.Amounts.Recall(),
			"verdicts P": s.Conversions.Precision(), "verdicts R": s.Conversions.Recall(),
		}
		for k, min := range floor {
			if got[k] < min {
				t.Errorf("%s %s = %.3f, want >= %.2f", s.Name, k, got[k], min)
			}
		}
	}
	if res.Set("heldout") == nil {
		t.Error("no held-out set")
	}
}

// TestCorpusLabels compares every labelled field of the tuning files, not only what Eval
// scores: markers, per-year, inferred, spans, sources and candidates.
func TestCorpusLabels(t *testing.T) {
	res, err := Eval(corpusDir, nil)
	if err != nil || res.Total.Files == 0 {
		t.Fatal(err)
	}
	files, _ := globTxt(corpusDir)
	for _, f := range files {
		exp, err := LoadExpected(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadCorpusFile(f, exp, testRates)
		if err != nil {
			t.Fatal(err)
		}
		name := f[strings.LastIndex(f, "/")+1:]
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
		if exp.Attributions != nil {
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
