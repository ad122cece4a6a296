package news

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seedPath is the article fairshare started from; CI keeps ../shared beside the repository.
const seedPath = "../../../shared/seed/000_7c294af00ee85bfb.txt"

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	return b
}

func TestSeedGolden(t *testing.T) {
	src := readSeed(t)
	res, err := Read(src, Options{Lang: "auto", Date: day("2024-05-31"), Rates: testRates})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "seed.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("seed JSON differs from %s (run go test -update to accept):\n%s", golden, got)
	}
	if !bytes.Contains(got, []byte(`"value": 100000000000,`)) {
		t.Error("big values must print as plain integers")
	}
}

func TestSeedFigures(t *testing.T) {
	src := readSeed(t)
	res, err := Read(src, Options{Date: day("2024-05-31"), Rates: testRates})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text, cur, marker string
		value             float64
		perYear           bool
	}{
		{"100 milliarder euro", "EUR", "", 100e9, false},
		{"750 milliarder kroner", "DKK", "below", 750e9, false},
		{"40 milliarder euro", "EUR", "at_least", 40e9, true}, // "på minimum 40 milliarder euro", the annual aid
		{"298 milliarder danske kroner", "DKK", "approx", 298e9, true},
		{"40 milliarder euro", "EUR", "approx", 40e9, true}, // "cirka ... hvert år"
	}
	if res.Lang != "da" || len(res.Amounts) != len(want) {
		t.Fatalf("lang %s, %d amounts: %+v", res.Lang, len(res.Amounts), res.Amounts)
	}
	for i, w := range want {
		a := res.Amounts[i]
		if a.Text != w.text || string(src[a.Start:a.End]) != w.text || a.Currency != w.cur || a.Marker != w.marker || a.Value != w.value || a.PerYear != w.perYear || a.Inferred {
			t.Errorf("amount %d = %+v, want %+v", i, a, w)
		}
	}
	if len(res.Conversions) != 2 {
		t.Fatalf("conversions: %+v", res.Conversions)
	}
	for i, c := range res.Conversions {
		if !c.Checked || !c.Consistent || c.ReferenceRate != 7.4588 {
			t.Errorf("conversion %d = %+v", i, c)
		}
	}
	if c := res.Conversions[0]; c.From != 0 || c.To != 1 || c.ImpliedRate != 7.5 {
		t.Errorf("first conversion %+v", c)
	}
	if c := res.Conversions[1]; c.From != 2 || c.To != 3 {
		t.Errorf("second conversion %+v", c)
	}
	// every source named in the issue is attributed, and nothing else is
	need := []string{"Reuters", "AFP", "Stoltenberg", "Blinken", "Ritzau"}
	for _, n := range need {
		found := false
		for _, a := range res.Attributions {
			if strings.HasSuffix(a.Source, n) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s not attributed", n)
		}
	}
	for _, a := range res.Attributions {
		ok := false
		for _, n := range need {
			ok = ok || strings.HasSuffix(a.Source, n)
		}
		if !ok || a.Start < 0 || a.End > len(src) || a.Start >= a.End {
			t.Errorf("unexpected attribution %+v", a)
		}
	}
	if len(res.Candidates) != 0 {
		t.Errorf("candidates %+v", res.Candidates)
	}
}

// TestSeedDateLine: with no --date, the article's own "date 2024-06" line is used; the rate
// lookup falls back from 1 June to 31 May.
func TestSeedDateLine(t *testing.T) {
	res, err := Read(readSeed(t), Options{Rates: testRates})
	if err != nil {
		t.Fatal(err)
	}
	if res.Date != "2024-06" {
		t.Errorf("date %q", res.Date)
	}
	for _, c := range res.Conversions {
		if !c.Checked || !c.Consistent {
			t.Errorf("%+v", c)
		}
	}
}

func TestAmounts(t *testing.T) {
	type want struct {
		text, cur, marker string
		value             float64
		perYear, inferred bool
	}
	tests := []struct {
		lang, in string
		want     []want
	}{
		{"da", "Pakken er på 1,3 milliarder kroner.", []want{{"1,3 milliarder kroner", "DKK", "", 1.3e9, false, false}}},
		{"da", "Det koster 25.000 kr. at uddanne en soldat.", []want{{"25.000 kr.", "DKK", "", 25000, false, false}}},
		{"da", "I alt 1.234,5 mio. euro.", []want{{"1.234,5 mio. euro", "EUR", "", 1234.5e6, false, false}}},
		{"da", "Verden har givet 1 billion kroner.", []want{{"1 billion kroner", "DKK", "", 1e12, false, false}}},
		{"en", "Aid reached $1 billion.", []want{{"$1 billion", "USD", "", 1e9, false, false}}},
		{"da", "Det er halvanden milliard dollar.", []want{{"halvanden milliard dollar", "USD", "", 1.5e9, false, false}}},
		{"da", "Han nævnte ti millioner pund.", []want{{"ti millioner pund", "GBP", "", 10e6, false, false}}},
		{"da", "Beløbet er 100 tusind euro.", []want{{"100 tusind euro", "EUR", "", 1e5, false, false}}},
		{"da", "Næsten 5 mia. kr.", []want{{"5 mia. kr.", "DKK", "below", 5e9, false, false}}},
		{"da", "Mindst 2 mio. euro om året.", []want{{"2 mio. euro", "EUR", "at_least", 2e6, true, false}}},
		{"da", "Op til 3 milliarder kroner årligt.", []want{{"3 milliarder kroner", "DKK", "at_most", 3e9, true, false}}},
		{"da", "Omkring 7 mia. euro hvert år.", []want{{"7 mia. euro", "EUR", "approx", 7e9, true, false}}},
		{"en", "It gave more than $61bn a year.", []want{{"$61bn", "USD", "at_least", 61e9, true, false}}},
		{"en", "Some EUR 1.3 bn per year.", []want{{"EUR 1.3 bn", "EUR", "approx", 1.3e9, true, false}}},
		{"en", "Nearly €40 billion.", []want{{"€40 billion", "EUR", "below", 40e9, false, false}}},
		{"en", "About 5.8 billion Danish crowns.", []want{{"5.8 billion Danish crowns", "DKK", "approx", 5.8e9, false, false}}},
		{"en", "Up to DKK 64.8 billion.", []want{{"DKK 64.8 billion", "DKK", "at_most", 64.8e9, false, false}}},
		{"en", "At least 783 million kroner.", []want{{"783 million kroner", "DKK", "at_least", 783e6, false, false}}},
		{"en", "It cost £250m.", []want{{"£250m", "GBP", "", 250e6, false, false}}},
		{"da", "- 40 milliarder euro er målet, siger han.", []want{{"40 milliarder euro", "EUR", "", 40e9, false, false}}},
		{"da", "Sverige giver 2 mia. svenske kroner og Norge 3 mia. norske kroner.", []want{
			{"2 mia. svenske kroner", "SEK", "", 2e9, false, false}, {"3 mia. norske kroner", "NOK", "", 3e9, false, false}}},
		{"da", "Først 2 mia. euro, siden 3 milliarder.", []want{
			{"2 mia. euro", "EUR", "", 2e9, false, false}, {"3 milliarder", "EUR", "", 3e9, false, true}}},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.in), Options{Lang: tt.lang})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Amounts) != len(tt.want) {
			t.Errorf("%q: %d amounts %+v, want %d", tt.in, len(res.Amounts), res.Amounts, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			a := res.Amounts[i]
			if tt.in[a.Start:a.End] != a.Text || a.Text != w.text || a.Currency != w.cur || a.Marker != w.marker || !closeTo(a.Value, w.value) || a.PerYear != w.perYear || a.Inferred != w.inferred {
				t.Errorf("%q: amount %d = %+v, want %+v", tt.in, i, a, w)
			}
		}
	}
}

func TestNotMoney(t *testing.T) {
	for _, in := range []string{
		"Den 31. maj 2024 mødtes de i Prag.",
		"Det er Danmarks 18. donationspakke.",
		"Ukraine har fået 2 millioner granater.",
		"Inflationen er 5,2 procent, og 40 % går til drift.",
		"Danmark sender 19 F-16-fly og 300 kampvogne.",
		"In 2023, 1 million shells were delivered, 5 percent more.",
		"Ring 33 92 00 00 kl. 14.30.",
		"The 22nd package arrived on May 31, 2024.",
		"- 5 soldater blev såret.",
	} {
		res, err := Read([]byte(in), Options{Lang: "auto"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Amounts) != 0 {
			t.Errorf("%q: amounts %+v", in, res.Amounts)
		}
	}
}

func TestConversionVerdicts(t *testing.T) {
	tests := []struct {
		in         string
		consistent bool
		checked    bool
	}{
		{"Fonden er på 100 milliarder euro. Det svarer til knap 750 milliarder kroner.", true, true},
		{"Fonden er på 100 milliarder euro. Det svarer til 753 milliarder kroner.", false, true}, // 1 % off a 3-digit figure
		{"Det er 40 milliarder euro - svarende til omkring 298 milliarder danske kroner.", true, true},
		{"En euro er 7,46 danske kroner.", true, true},
		{"En euro er 7,56 danske kroner.", false, true},
		{"($1 = 6.8731 Danish crowns)", true, true},
		{"It gave €40 billion ($43.4 billion).", true, true},
		{"It gave €40 billion ($45 billion).", false, true},
		{"Pakken på 2 mia. euro svarer til 16 mia. kr.", false, true}, // a round source is not ±25 %
		{"Pakken på 2 mia. euro svarer til 2 mia. hryvnia.", false, false},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.in), Options{Date: day("2024-05-31"), Rates: testRates})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Conversions) != 1 {
			t.Errorf("%q: conversions %+v (amounts %+v)", tt.in, res.Conversions, res.Amounts)
			continue
		}
		c := res.Conversions[0]
		if c.Consistent != tt.consistent || c.Checked != tt.checked || c.Verdict == "" {
			t.Errorf("%q: %+v", tt.in, c)
		}
	}
	// no rates: listed, not judged
	res, _ := Read([]byte("100 mia. euro (746 mia. kr.)"), Options{Lang: "da"})
	if len(res.Conversions) != 1 || res.Conversions[0].Checked || res.Conversions[0].ImpliedRate != 7.46 {
		t.Errorf("no rates: %+v", res.Conversions)
	}
	// same currency is no conversion; "og" is no equivalence
	for _, in := range []string{"5 mia. kr. (heraf 2 mia. kr.)", "Danmark giver 5 mia. kr. og Norge 3 mia. euro."} {
		res, _ := Read([]byte(in), Options{Lang: "da", Rates: testRates, Date: day("2024-05-31")})
		if len(res.Conversions) != 0 {
			t.Errorf("%q: %+v", in, res.Conversions)
		}
	}
}

func TestAttributions(t *testing.T) {
	tests := []struct {
		in   string
		want []string // source/kind
	}{
		{"Selvforsvar er ikke eskalering, siger Stoltenberg ifølge Reuters.", []string{"Stoltenberg/said", "Reuters/according_to"}},
		{"Det oplyser Forsvarsministeriet.", []string{"Forsvarsministeriet/said"}},
		{"Pakken er stor, skriver AFP.", []string{"AFP/said"}},
		{"Ruslands præsident, Vladimir Putin, siger Nato-chef.", nil},
		{"Natos generalsekretær, Jens Stoltenberg, siger fredag, at det er nok.", []string{"Jens Stoltenberg/said"}},
		{"\"It is enough,\" Stoltenberg said on Friday.", []string{"Stoltenberg/said"}},
		{"According to the Pentagon, the aid arrived.", []string{"Pentagon/according_to"}},
		{"Lloyd Austin told Reuters the aid arrived.", []string{"Lloyd Austin/said", "Reuters/told"}},
		{"Tekst.\n\n/ritzau/", []string{"Ritzau/signoff"}},
		{"KYIV (Reuters) - Aid arrived.", []string{"Reuters/signoff"}},
		{"- Vi giver mere.\n\n- Det er vigtigt, siger Frederiksen.", []string{"Frederiksen/quote", "Frederiksen/quote", "Frederiksen/said"}},
		{"Prisen er - 5 kroner.", nil},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.in), Options{Lang: "auto"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range res.Attributions {
			got = append(got, a.Source+"/"+a.Kind)
			if a.Cue != tt.in[a.Start:a.End] && a.Kind != "quote" {
				t.Errorf("%q: cue %q is not the span %q", tt.in, a.Cue, tt.in[a.Start:a.End])
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		in   string
		want []string // donor amount currency status
	}{
		{"Danmark donerer en pakke på 5,6 milliarder kroner.", []string{"DNK 5600000000.00 DKK pledged"}},
		{"Tyskland har leveret våben for 2 mia. euro.", []string{"DEU 2000000000.00 EUR delivered"}},
		{"The United Kingdom committed £2.5bn.", []string{"GBR 2500000000.00 GBP committed"}},
		{"USA's kongres har bevilget 61 mia. dollar.", []string{"USA 61000000000.00 USD committed"}},
		{"Danmarks 18. donationspakke er på 1,3 mia. kr.", []string{"DNK 1300000000.00 DKK pledged"}},
		{"Ukraine har brug for 5 mia. euro.", nil},
		{"Tyskland giver 2 mia. euro, og EU afsætter 1 mia. euro.", []string{"DEU 2000000000.00 EUR pledged"}},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.in), Options{Lang: "auto", Date: day("2024-05-31")})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range res.Candidates {
			got = append(got, c.Donor+" "+c.Amount+" "+c.Currency+" "+c.Status)
			if c.Date != "2024-05-31" || c.Description == "" {
				t.Errorf("%q: %+v", tt.in, c)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, lang string
		want     string // exact, "" for rejected
	}{
		{"1,3", "da", "1.30"}, {"25.000", "da", "25000.00"}, {"1.234,5", "da", "1234.50"},
		{"6.9626", "da", "6.96"}, {"1,300", "en", "1300.00"}, {"1.3", "en", "1.30"},
		{"1,234.5", "en", "1234.50"}, {"1.234.567", "da", "1234567.00"}, {"25\u00a0000", "da", "25000.00"},
		{"1,2,3", "da", ""}, {"1.2.3", "en", ""},
	}
	for _, tt := range tests {
		d, ok := parseNumber(tt.in, tt.lang)
		got := ""
		if ok {
			got = d.rat.FloatString(2)
		}
		if got != tt.want {
			t.Errorf("parseNumber(%q, %s) = %q, want %q", tt.in, tt.lang, got, tt.want)
		}
	}
}

func TestOptions(t *testing.T) {
	if _, err := Read([]byte("x"), Options{Lang: "de"}); err == nil {
		t.Error("unknown language accepted")
	}
	res, err := Read(nil, Options{})
	if err != nil || res.Amounts == nil || res.Conversions == nil || res.Attributions == nil || res.Candidates == nil {
		t.Errorf("empty input: %+v %v", res, err)
	}
	for in, want := range map[string]string{
		"dato: 31. maj 2024\nTekst": "2024-05-31", "Published May 31, 2024": "2024-05-31", "date 2024-06-14 x": "2024-06-14",
	} {
		res, _ := Read([]byte(in), Options{})
		if res.Date != want {
			t.Errorf("%q: date %q, want %q", in, res.Date, want)
		}
	}
	if res, _ := Read([]byte("x"), Options{Date: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)}); res.Date != "2024-05-31" {
		t.Error(res.Date)
	}
	res, _ = Read([]byte("Fonden er på 100 milliarder euro. Det svarer til knap 750 milliarder kroner."), Options{Date: day("2024-05-31"), Rates: testRates})
	if txt := res.Text(); !strings.Contains(txt, "100 milliarder euro") || !strings.Contains(txt, "consistent") {
		t.Error(txt)
	}
}

// TestConversionRules covers the gap rules of conversionCue and the currency target of
// backReference with sentences written for them (not corpus sentences): appositions by
// comma, dash and parenthesis; a phrase with a year or date before an explicit cue; a
// conversion target ("omregnet til euro", "converted into euros") naming the currency of an
// amount with no currency word. Lists of amounts must not pair.
func TestConversionRules(t *testing.T) {
	tests := []struct {
		in       string
		pairs    int
		inferred string // currency of the last amount, when it has no currency word
	}{
		{"Sverige giver 2 mia. svenske kroner - omkring 1,3 mia. danske kroner - til luftforsvar.", 1, ""},
		{"Sverige giver 2 mia. svenske kroner – omkring 1,3 mia. danske kroner – til luftforsvar.", 1, ""},
		{"Denmark will give DKK 5 billion to Ukraine in 2024, equivalent to about €670 million.", 1, ""},
		{"Denmark will give DKK 5 billion on 31 May 2024, equivalent to about €670 million.", 1, ""},
		{"Danmark giver 5 mia. kr. i 2024, svarende til cirka 670 mio. euro.", 1, ""},
		{"Sweden gave 13.3 billion Swedish crowns in military aid ($1.18 billion).", 1, ""},
		{"Norway gives NOK 5 billion to the fund for air defence, about $470 million.", 1, ""},
		{"Danmark har doneret for 48 mia. kr., omregnet til euro cirka 6,4 milliarder.", 1, "EUR"},
		{"Denmark has donated 48 billion crowns. Converted into euros, that is about 6.4 billion.", 1, "EUR"},
		{"Danmark har doneret 48 mia. kr. Omregnet til euro svarer det til 6,4 milliarder.", 1, "EUR"},
		// a count in the phrase: the equivalent is still the money's, as its figure shows
		{"Danmark giver 5 mia. kr. til 18 fly, svarende til 670 mio. euro.", 1, ""},
		// lists, not equivalents
		{"Germany pledged €2 billion in 2023, $3 billion in 2024.", 0, ""},
		{"Germany pledged €2 billion in 2023, about $3 billion in 2024.", 0, ""},
		{"Germany pledged €2 billion for tanks, $1.1 billion for shells.", 0, ""},
		{"Norway gives NOK 5 billion to Ukraine and Moldova, about $470 million.", 0, ""},
		{"Danmark giver 5 mia. kr. til Ukraine, og Norge giver et beløb svarende til 670 mio. euro.", 0, ""},
		{"Holland giver 2 mia. euro til F-16 - Danmark 3 mia. kr.", 0, ""},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.in), Options{Date: day("2024-05-31"), Rates: testRates})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Conversions) != tt.pairs {
			t.Errorf("%q: %d conversions, want %d: %+v (amounts %+v)", tt.in, len(res.Conversions), tt.pairs, res.Conversions, res.Amounts)
		}
		if tt.inferred != "" {
			last := res.Amounts[len(res.Amounts)-1]
			if !last.Inferred || last.Currency != tt.inferred {
				t.Errorf("%q: last amount %+v, want %s inferred", tt.in, last, tt.inferred)
			}
		}
	}
}

// TestAveragedRates: with monthly averages a rate statement made on the day may sit more than
// 1 % from the rate used; the verdict allows for it and says the rate is an average.
func TestAveragedRates(t *testing.T) {
	// October 2022: the 12th's fixing was 0.9706 USD per EUR, the month's mean 0.9826.
	monthly := func(_ time.Time, cur string) (float64, bool) {
		r, ok := map[string]float64{"USD": 0.9826, "DKK": 7.4389}[cur]
		return r, ok
	}
	in := []byte("En dollar koster i dag 7,66 kroner.")
	for _, averaged := range []bool{false, true} {
		res, err := Read(in, Options{Lang: "da", Date: day("2022-10-12"), Rates: monthly, RatesAveraged: averaged})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Conversions) != 1 {
			t.Fatalf("averaged=%v: %+v", averaged, res.Conversions)
		}
		c := res.Conversions[0]
		if c.Consistent != averaged || strings.Contains(c.Verdict, "average") != averaged {
			t.Errorf("averaged=%v: %+v", averaged, c)
		}
	}
}
