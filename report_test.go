package fairshare

import (
	"math/big"
	"testing"
	"time"
)

// A small world: three allies, one opted out, one non-member donor.
func world(t *testing.T) ([]Donor, IndicatorTable, *RateTable) {
	t.Helper()
	donors := []Donor{
		{Code: "AAA", NameEN: "A", NATOAccession: MustDate("1949-08-24"), Currencies: []CurrencyPeriod{{Code: "EUR"}}},
		{Code: "BBB", NameEN: "B", NATOAccession: MustDate("1999-03-12"), Currencies: []CurrencyPeriod{{Code: "DKK"}}},
		{Code: "CCC", NameEN: "C", NATOAccession: MustDate("2024-03-07"), Currencies: []CurrencyPeriod{{Code: "EUR"}}},
		{Code: "HHH", NameEN: "H", NATOAccession: MustDate("1999-03-12"), Currencies: []CurrencyPeriod{{Code: "EUR"}}},
		{Code: "JJJ", NameEN: "J", Kind: "other", Currencies: []CurrencyPeriod{{Code: "EUR"}}},
	}
	ind, err := NewIndicatorTable([]Indicator{
		{Kind: KeyGDP, Donor: "AAA", Year: 2023, Value: "600"}, {Kind: KeyGDP, Donor: "BBB", Year: 2023, Value: "300"},
		{Kind: KeyGDP, Donor: "CCC", Year: 2023, Value: "100"}, {Kind: KeyGDP, Donor: "HHH", Year: 2023, Value: "1000"},
		{Kind: KeyPopulation, Donor: "AAA", Year: 2023, Value: "1"}, {Kind: KeyPopulation, Donor: "BBB", Year: 2023, Value: "1"},
		{Kind: KeyPopulation, Donor: "CCC", Year: 2023, Value: "2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return donors, ind, testRates(t)
}

func target(t *testing.T, renorm bool) Target {
	tg := Target{ID: "t", Name: "T", AmountText: "100.00", Currency: "EUR", Start: MustDate("2024-01-01"), End: MustDate("2024-12-31"),
		MembersOn: MustDate("2024-07-10"), OptOuts: []string{"HHH"}, Renormalise: renorm, KeyYear: 2023}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	return tg
}

func contribution(donor, day, amount, cur string, st Status, cat Category) Contribution {
	a, _ := ParseAmount(amount, cur)
	return Contribution{ID: donor + day, Donor: donor, Date: MustDate(day), Amount: a, Currency: cur, Status: st, Category: cat, Dataset: "d"}
}

func TestCompute(t *testing.T) {
	donors, ind, rt := world(t)
	cs := []Contribution{
		contribution("AAA", "2024-05-31", "70", "EUR", Delivered, InKind),
		contribution("BBB", "2024-05-31", "74.61", "DKK", Committed, Training),  // 9.9996 EUR at the day's rate: 10.00
		contribution("BBB", "2024-05-31", "1000", "DKK", Pledged, Training),     // pledges do not count
		contribution("CCC", "2023-12-31", "50", "EUR", Delivered, InKind),       // before the period
		contribution("CCC", "2024-02-01", "50", "EUR", Delivered, Humanitarian), // not a counted category
		contribution("JJJ", "2024-02-01", "50", "EUR", Delivered, InKind),       // not a participant
	}
	tests := []struct {
		name      string
		renorm    bool
		key       string
		currency  string
		wantShare map[string]string
	}{
		{"gdp renormalised", true, "", "EUR", map[string]string{"AAA": "60.00", "BBB": "30.00", "CCC": "10.00"}},
		{"gdp with opt-out kept", false, "", "EUR", map[string]string{"AAA": "30.00", "BBB": "15.00", "CCC": "5.00", "HHH": "50.00"}},
		{"equal", true, KeyEqual, "EUR", map[string]string{"AAA": "33.34", "BBB": "33.33", "CCC": "33.33"}},
		{"population", true, KeyPopulation, "EUR", map[string]string{"AAA": "25.00", "BBB": "25.00", "CCC": "50.00"}},
		{"in DKK", true, "", "DKK", map[string]string{"AAA": "447.53", "BBB": "223.77", "CCC": "74.59"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Compute(ReportInput{Target: target(t, tt.renorm), Key: tt.key, Currency: tt.currency, AsOf: time.Now(),
				Donors: donors, Indicators: ind, Rates: rt, Contributions: cs})
			if err != nil {
				t.Fatal(err)
			}
			var sum Amount
			for _, r := range rep.Rows {
				if got := r.FairShare.Format(tt.currency); got != tt.wantShare[r.Donor] {
					t.Errorf("%s fair share %s, want %s", r.Donor, got, tt.wantShare[r.Donor])
				}
				sum += r.FairShare
			}
			if sum != rep.Total || len(rep.Rows) != len(tt.wantShare) {
				t.Errorf("shares sum to %d, total %d, rows %d", sum, rep.Total, len(rep.Rows))
			}
			if tt.currency == "EUR" {
				for _, r := range rep.Rows {
					want := map[string]Amount{"AAA": 7000, "BBB": 1000}[r.Donor]
					if r.Counted != want {
						t.Errorf("%s counted %d, want %d", r.Donor, r.Counted, want)
					}
					if r.Balance != r.Counted-r.FairShare {
						t.Errorf("%s balance %d", r.Donor, r.Balance)
					}
				}
			}
		})
	}
}

func TestComputeRatioShortfallAndGDPRate(t *testing.T) {
	donors, ind, rt := world(t)
	cs := []Contribution{contribution("AAA", "2024-05-31", "90", "EUR", Delivered, InKind)}
	rep, err := Compute(ReportInput{Target: target(t, true), Currency: "EUR", Donors: donors, Indicators: ind, Rates: rt, Contributions: cs})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows[0].Donor != "AAA" || rep.Rows[0].Ratio.Cmp(big.NewRat(3, 2)) != 0 {
		t.Errorf("AAA ratio %v, want 1.5", rep.Rows[0].Ratio)
	}
	if rep.Shortfall != 4000 || rep.Counted != 9000 {
		t.Errorf("shortfall %d counted %d, want 4000 and 9000", rep.Shortfall, rep.Counted)
	}
	rate := Target{ID: "r", Name: "R", GDPRate: "0.01", Currency: "EUR", Start: MustDate("2024-01-01"), End: MustDate("2024-12-31"),
		Participants: []string{"AAA", "BBB"}, KeyYear: 2023}
	if err := rate.Validate(); err != nil {
		t.Fatal(err)
	}
	rep, err = Compute(ReportInput{Target: rate, Currency: "EUR", Donors: donors, Indicators: ind, Rates: rt})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 900 { // 1 % of 600 + 300 (2023 GDP stands in for 2024)
		t.Errorf("gdp-rate target total %d, want 900", rep.Total)
	}
}

func TestComputeErrors(t *testing.T) {
	donors, ind, rt := world(t)
	tg := target(t, true)
	if _, err := Compute(ReportInput{Target: tg, Currency: "XYZ", Donors: donors, Indicators: ind, Rates: rt}); ErrorCode(err) != EINVALID {
		t.Errorf("unknown currency: %v", err)
	}
	if _, err := Compute(ReportInput{Target: tg, KeyYear: 1990, Donors: donors, Indicators: ind, Rates: rt}); ErrorCode(err) != ENOTFOUND {
		t.Errorf("key year without GDP: %v", err)
	}
	if _, err := Compute(ReportInput{Target: tg, Key: KeyCustom, CustomWeights: map[string]*big.Rat{"AAA": big.NewRat(1, 1)}, Donors: donors, Indicators: ind, Rates: rt}); err == nil {
		t.Error("custom weights missing participants were accepted")
	}
}
