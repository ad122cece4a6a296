package verify

import (
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
)

func TestGovernmentSource(t *testing.T) {
	for _, tc := range []struct {
		publisher, url string
		bad            bool
	}{
		{"Forsvarsministeriet", "https://www.fmn.dk/da/nyheder/2024/x/", false},
		{"Forsvarsministeriet (via regeringen.dk)", "https://www.regeringen.dk/nyheder/2023/x/", false},
		{"Danish Ministry of Defence", "https://euromaidanpress.com/2024/08/19/x/", true},
		{"Forsvarsministeriet", "https://www.kristeligt-dagblad.dk/danmark/x", true},
		{"NATO", "https://www.nato.int/cps/en/natohq/opinions_226063.htm", false},
		{"NATO (spokesperson), reported by Censor.NET", "https://censor.net/ua/news/1", true},
		{"Euromaidan Press (citing Danish MoD)", "https://euromaidanpress.com/x", false},
		{"Kristeligt Dagblad (Ritzau, quoting the Ministry of Defence)", "https://www.kristeligt-dagblad.dk/x", false},
		{"UK Ministry of Defence", "https://www.gov.uk/government/news/x", false},
		{"The White House", "https://www.whitehouse.gov/briefing-room/x", false},
		{"Government of Canada", "https://www.canada.ca/en/x.html", false},
		{"Ministère des Armées", "https://www.defense.gouv.fr/x", false},
		{"Kiel Institute for the World Economy", "https://www.ifw-kiel.de/x", false},
	} {
		got := CheckGovernmentSource(tc.publisher, tc.url) != ""
		if got != tc.bad {
			t.Errorf("CheckGovernmentSource(%q, %q) flagged=%v, want %v", tc.publisher, tc.url, got, tc.bad)
		}
	}
}

func src(pub, url string) fairshare.Source {
	return fairshare.Source{Publisher: pub, Title: "t", Date: "2024-01-01", URL: url}
}

func baseInput(t *testing.T) Input {
	t.Helper()
	return Input{
		Donors: []fairshare.Donor{{Code: "DNK", NameEN: "Denmark", Kind: "nato", Currencies: []fairshare.CurrencyPeriod{{Code: "DKK"}},
			Source: src("NATO", "https://www.nato.int/x")}},
		Rates:   []fairshare.Rate{{Currency: "DKK", Period: "2024", Rate: "7.4589", Source: src("European Central Bank", "https://www.ecb.europa.eu/x")}},
		Targets: []fairshare.Target{{ID: "nato-2024"}},
	}
}

func contribution(pub, url string, amount fairshare.Amount, day string) fairshare.Contribution {
	d, _ := fairshare.ParseDate(day)
	return fairshare.Contribution{ID: pub + day + url, Donor: "DNK", Recipient: "UKR", Date: d, Amount: amount, Currency: "DKK",
		Category: fairshare.Categories[0], Status: fairshare.Committed, Dataset: "dk-mod", Description: "x", Source: src(pub, url)}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(in *Input)
		want string // a problem containing this; "" for none
	}{
		{"clean", func(in *Input) {
			in.Contributions = []fairshare.Contribution{contribution("Forsvarsministeriet", "https://www.fmn.dk/da/nyheder/1", 100, "2024-05-16")}
		}, ""},
		{"ministry credited for a newspaper page", func(in *Input) {
			in.Contributions = []fairshare.Contribution{contribution("Forsvarsministeriet", "https://www.kristeligt-dagblad.dk/danmark/1", 100, "2024-05-16")}
		}, "is a government body but the URL"},
		{"policy credited to a ministry on a news page", func(in *Input) {
			d, _ := fairshare.ParseDate("2024-05-28")
			in.Policies = []fairshare.Policy{{Donor: "DNK", Date: d, Status: "allowed", Scope: "x", Source: src("Danish Ministry of Foreign Affairs", "https://euromaidanpress.com/x")}}
		}, "policy DNK 2024-05-28: publisher"},
		{"total names a missing target", func(in *Input) {
			in.Datasets = []fairshare.Dataset{{ID: "nato-reported", Totals: []fairshare.PublishedTotal{{Target: "nato-2025", Period: "2025-Q1",
				Amount: "1", Publisher: "Europe Says", URL: "https://www.europesays.com/1"}}}}
		}, `refers to target "nato-2025", which does not exist`},
		{"row status the dataset does not declare", func(in *Input) {
			in.Datasets = []fairshare.Dataset{{ID: "dk-mod", Statuses: []string{"committed"}}}
			k := contribution("Forsvarsministeriet", "https://www.fmn.dk/da/nyheder/1", 100, "2024-05-16")
			k.Status = fairshare.Delivered
			in.Contributions = []fairshare.Contribution{k}
		}, "status delivered, but the dataset's description says its rows are committed"},
		{"unvalued item without a note", func(in *Input) {
			in.Datasets = []fairshare.Dataset{{ID: "dk-mod", Unvalued: []fairshare.UnvaluedItem{{Donor: "DNK", Date: "2023-01-19",
				Description: "Caesar", Source: src("Forsvarsministeriet", "https://www.fmn.dk/x")}}}}
		}, "no note saying why"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInput(t)
			tc.edit(&in)
			f := Check(in)
			if tc.want == "" {
				if !f.OK() {
					t.Fatalf("problems: %v", f.Problems)
				}
				return
			}
			if !strings.Contains(strings.Join(f.Problems, "\n"), tc.want) {
				t.Errorf("problems %v lack %q", f.Problems, tc.want)
			}
		})
	}
}

func TestCumulativeLines(t *testing.T) {
	d := fairshare.Dataset{ID: "dk-mod", Totals: []fairshare.PublishedTotal{{Scope: "DNK", Measure: "total decided", Amount: "1000000000",
		Currency: "DKK", Qualifier: "about", AsOf: "2024-12-31", Compare: CompareCumulative, Publisher: "Forsvarsministeriet"}},
		Unvalued: []fairshare.UnvaluedItem{{Date: "2023-01-19"}}}
	cs := []fairshare.Contribution{
		contribution("p", "https://a/1", 60000000000, "2024-05-16"), // DKK 600 m
		contribution("p", "https://a/2", 20000000000, "2025-01-02"), // after as_of: not counted
	}
	got := CumulativeLines(d, cs)
	if len(got) != 1 {
		t.Fatalf("lines: %v", got)
	}
	for _, want := range []string{"its 1 rows dated up to 2024-12-31 add up to DKK 600 m", "about DKK 1.0 bn", "60.0 %", "DKK 400 m less", "1 item(s) given without a published value"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("%q lacks %q", got[0], want)
		}
	}
}
