package news

import (
	"testing"
	"time"
)

// TestCurrencyFrom holds the forms of issue 16: amounts in words, attached and hyphenated
// forms, and a currency named once and then implied.
func TestCurrencyFrom(t *testing.T) {
	day := time.Date(2024, 5, 16, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, text   string
		exact, cur   string
		from, amount string
	}{
		{"da", "Danmark giver yderligere otte milliarder kroner.\n", "8000000000.00", "DKK", "stated", "otte milliarder kroner"},
		{"en", "Denmark counts its aid in Danish crowns. Of the fund, 2.5 billion goes to air defence.", "2500000000.00", "DKK", "context", "2.5 billion"},
		{"en", "The package is worth half a billion.", "500000000.00", "USD", "default", "half a billion"},
		{"da", "Pakken har en værdi af to mia.", "2000000000.00", "DKK", "default", "to mia."},
		{"en", "Congress passed a $61-billion package.", "61000000000.00", "USD", "stated", "$61-billion"},
		{"en", "The fund holds EUR40bn.", "40000000000.00", "EUR", "stated", "EUR40bn"},
		{"da", "EU giver 40-milliarder-euro.", "40000000000.00", "EUR", "stated", "40-milliarder-euro"},
		{"da", "Regeringen giver to og en halv milliard kroner.", "2500000000.00", "DKK", "stated", "to og en halv milliard kroner"},
		{"en", "The US pledged two and a half billion dollars.", "2500000000.00", "USD", "stated", "two and a half billion dollars"},
		{"da", "Pakken er på kr. 2,5 mia.", "2500000000.00", "DKK", "stated", "kr. 2,5 mia."},
		{"da", "EU giver en kvart milliard euro.", "250000000.00", "EUR", "stated", "en kvart milliard euro"},
		{"en", "Germany adds a 2 billion-euro package.", "2000000000.00", "EUR", "stated", "2 billion-euro"},
		{"en", "Norway gives 5 billion crowns.", "5000000000.00", "NOK", "context", "5 billion crowns"},
		{"da", "Danmark har siden krigens start givet knap 60 milliarder.", "60000000000.00", "DKK", "default", "60 milliarder"},
		{"en", "The United States has provided more than 60 billion since the invasion.", "60000000000.00", "USD", "default", "60 billion"},
		{"en", "Norway's parliament approved a 75 billion kroner package.", "75000000000.00", "NOK", "context", "75 billion kroner"},
		{"da", "Regeringen har vedtaget en 8-milliarders-pakke.", "8000000000.00", "DKK", "default", "8-milliarders-pakke"},
		{"da", "Det er en 1,5-milliardpakke.", "1500000000.00", "DKK", "default", "1,5-milliardpakke"},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.text), Options{Lang: tt.lang, Date: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Amounts) != 1 {
			t.Errorf("%q: %d amounts, want 1: %+v", tt.text, len(res.Amounts), res.Amounts)
			continue
		}
		a := res.Amounts[0]
		if a.Exact != tt.exact || a.Currency != tt.cur || a.CurrencyFrom != tt.from || a.Text != tt.amount {
			t.Errorf("%q: %q %s %s from %s, want %q %s %s from %s", tt.text, a.Text, a.Exact, a.Currency, a.CurrencyFrom, tt.amount, tt.exact, tt.cur, tt.from)
		}
	}
}

// TestVagueAmount: an order of magnitude is flagged, never given a value or a draft.
func TestVagueAmount(t *testing.T) {
	res, err := Read([]byte("Danmark giver Ukraine et trecifret millionbeløb til droner."), Options{Lang: "da"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Amounts) != 0 || len(res.Candidates) != 0 {
		t.Errorf("amounts %+v candidates %+v, want none", res.Amounts, res.Candidates)
	}
	if len(res.Vague) != 1 || res.Vague[0].Digits != 3 || res.Vague[0].Scale != "million" {
		t.Fatalf("vague %+v, want one of 3 digits before million", res.Vague)
	}
}

func TestVagueForms(t *testing.T) {
	tests := []struct{ lang, text, vague, cur, scale string }{
		{"en", "Britain promised a multibillion-pound package.", "multibillion-pound", "GBP", "billion"},
		{"en", "A Danish yard won a double-digit million-euro order.", "double-digit million-euro order", "EUR", "million"},
		{"da", "Regeringen giver et tocifret milliardbeløb.", "tocifret milliardbeløb", "DKK", "billion"},
		{"da", "Støtten er milliardstor.", "milliardstor", "DKK", "billion"},
		{"en", "The cost runs to hundreds of millions of dollars.", "hundreds of millions of dollars", "USD", "million"},
		{"en", "It will cost several billion euros.", "several billion euros", "EUR", "billion"},
		{"da", "Forsvaret har brugt flere milliarder kroner.", "flere milliarder kroner", "DKK", "billion"},
		{"da", "Det koster hundredvis af millioner.", "hundredvis af millioner", "DKK", "million"},
	}
	for _, tt := range tests {
		res, err := Read([]byte(tt.text), Options{Lang: tt.lang})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Vague) != 1 || res.Vague[0].Text != tt.vague || res.Vague[0].Currency != tt.cur || res.Vague[0].Scale != tt.scale || len(res.Amounts) != 0 {
			t.Errorf("%q: vague %+v amounts %+v", tt.text, res.Vague, res.Amounts)
		}
	}
	// Written numbers below a million with no currency count things, not money; so do
	// plural scales before a noun.
	for _, text := range []string{"The aid package is worth a lot; a thousand soldiers and a thousand.",
		"Billions of people watched. Tens of millions of refugees fled.", "Flere millioner mennesker er flygtet."} {
		res, _ := Read([]byte(text), Options{})
		if len(res.Amounts) != 0 || len(res.Vague) != 0 {
			t.Errorf("%q: amounts %+v vague %+v", text, res.Amounts, res.Vague)
		}
	}
}
