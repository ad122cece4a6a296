package news

import (
	"testing"
)

const corpusDir = "../../testdata/news"

func TestEvalCorpus(t *testing.T) {
	res, err := Eval(corpusDir, testRates)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.String())
	for _, s := range []EvalSet{res.Total} {
		for what, sc := range map[string]Score{"amounts": s.Amounts, "conversion verdicts": s.Conversions} {
			if sc.Precision() < 0.95 || sc.Recall() < 0.95 {
				t.Errorf("%s %s: precision %.3f recall %.3f, want >= 0.95", s.Name, what, sc.Precision(), sc.Recall())
			}
		}
	}
}
