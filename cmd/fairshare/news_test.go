package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewsReadSeed(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "seed", "000_7c294af00ee85bfb.txt")
	text, err := os.ReadFile(seed)
	if err != nil {
		t.Skipf("seed article not found (%v): it lives in ../shared beside the repository", err)
	}
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustFS(t, db, "news", "read", seed, "--format", "json", "--date", "2024-05-31")
	var r struct {
		Amounts []struct {
			Text     string  `json:"text"`
			Start    int     `json:"start"`
			End      int     `json:"end"`
			Value    float64 `json:"value"`
			Currency string  `json:"currency"`
		} `json:"amounts"`
		Conversions []struct {
			Consistent bool `json:"consistent"`
		} `json:"conversions"`
		Attributions []struct {
			Source string `json:"source"`
		} `json:"attributions"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		value float64
		cur   string
	}{{100e9, "EUR"}, {750e9, "DKK"}, {40e9, "EUR"}, {298e9, "DKK"}, {40e9, "EUR"}}
	if len(r.Amounts) != len(want) {
		t.Fatalf("%d amounts, want %d: %s", len(r.Amounts), len(want), out)
	}
	for i, w := range want {
		a := r.Amounts[i]
		if a.Value != w.value || a.Currency != w.cur || string(text[a.Start:a.End]) != a.Text {
			t.Errorf("amount %d = %+v, want %v %s with a span that cuts its text", i, a, w.value, w.cur)
		}
	}
	if len(r.Conversions) != 2 || !r.Conversions[0].Consistent || !r.Conversions[1].Consistent {
		t.Errorf("conversions = %+v, want two consistent", r.Conversions)
	}
	var sources []string
	for _, a := range r.Attributions {
		sources = append(sources, a.Source)
	}
	for _, s := range []string{"Reuters", "AFP", "Stoltenberg", "Blinken", "Ritzau"} {
		if !strings.Contains(strings.Join(sources, "|"), s) {
			t.Errorf("attributions %v lack %s", sources, s)
		}
	}
}

func TestNewsApplyDraft(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	file := filepath.Join(dir, "a.txt")
	os.WriteFile(file, []byte("Danmark donerer en pakke på 5,6 milliarder kroner til Ukraine, oplyser Forsvarsministeriet.\n"), 0o644)
	if r := fs(t, db, "news", "read", file, "--apply", "user"); r.code != 2 {
		t.Fatalf("--apply to a counted dataset: exit %d, want 2", r.code)
	}
	if r := fs(t, db, "news", "read", file, "--apply", "news-review"); r.code != 2 || !strings.Contains(r.stderr, "--source-url") {
		t.Fatalf("--apply without --source-url: %+v", r)
	}
	mustFS(t, db, "news", "read", file, "--date", "2024-02-01", "--apply", "news-review",
		"--source-url", "https://example.org/article", "--publisher", "Ritzau")
	out := mustFS(t, db, "contributions", "list", "--dataset", "news-review", "--format", "json")
	var cs []struct {
		Donor, Amount, Currency, Status, Dataset, SourceURL string
	}
	json.Unmarshal([]byte(out), &cs)
	if len(cs) != 1 || cs[0].Donor != "DNK" || cs[0].Amount != "5600000000.00" || cs[0].Currency != "DKK" {
		t.Fatalf("drafts = %s", out)
	}
	if !strings.Contains(out, "https://example.org/article") {
		t.Fatalf("draft does not cite the article: %s", out)
	}
}

func TestNewsEvalCorpus(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustFS(t, db, "news", "eval", filepath.Join("..", "..", "testdata", "news"))
	if !strings.Contains(out, "precision") || !strings.Contains(out, "recall") {
		t.Fatalf("eval output: %s", out)
	}
}

// TestNewsEvalSetRates: a set may pin the days of its own articles in its folder's rates.csv
// (as a new held-out set does before its days join the corpus's rates.csv); without them the
// verdict of an article dated before every corpus rate could not be checked.
func TestNewsEvalSetRates(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "heldout-blind")
	files := map[string]string{
		filepath.Join(dir, "rates.csv"): "Date,USD,DKK,\n2024-05-31,1.0852,7.4588,\n",
		filepath.Join(set, "rates.csv"): "Date,USD,DKK,\n2021-01-04,1.2296,7.4393,\n",
		filepath.Join(set, "a.txt"):     "Regeringen afsætter 2 mia. kr. Det er cirka 269 mio. euro.\n",
		filepath.Join(set, "a.json"): `{"lang": "da", "date": "2021-01-04", "amounts": [
 {"text": "2 mia. kr.", "value": 2000000000, "currency": "DKK", "marker": "", "inferred": false, "per_year": false},
 {"text": "269 mio. euro", "value": 269000000, "currency": "EUR", "marker": "approx", "inferred": false, "per_year": false}],
 "conversions": [{"from": 0, "to": 1, "consistent": true}]}`,
	}
	if err := os.MkdirAll(set, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := mustFS(t, filepath.Join(t.TempDir(), "f.db"), "news", "eval", dir)
	if !strings.Contains(out, filepath.Join(set, "rates.csv")) || !strings.Contains(out, "conversion verdicts  precision 1.000 (1/1)  recall 1.000 (1/1)") {
		t.Fatalf("eval output: %s", out)
	}
}
