package refdata

import (
	"strings"
	"testing"
)

func TestEmbeddedDataLoads(t *testing.T) {
	rd, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	nato := 0
	for _, d := range rd.Donors {
		if d.Kind == "nato" {
			nato++
		}
		if d.Source.URL == "" {
			t.Errorf("donor %s has no source URL", d.Code)
		}
	}
	if nato != 32 {
		t.Errorf("%d NATO allies, want 32", nato)
	}
	for _, i := range rd.Indicators {
		if i.Source.URL == "" || i.Source.Publisher == "" {
			t.Errorf("%s %s %d has no source", i.Kind, i.Donor, i.Year)
		}
	}
	for _, r := range rd.Rates {
		if r.Source.URL == "" {
			t.Errorf("rate %s %s has no source", r.Currency, r.Period)
		}
	}
}

func TestParseTargets(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ok", `{"id":"t1","name":"T","amount":"10.00","start":"2024-01-01","end":"2024-12-31"}`, ""},
		{"gdp rate", `{"id":"t2","name":"T","gdp_rate":"0.0025","start":"2026-01-01","end":"2026-12-31"}`, ""},
		{"both", `{"id":"t3","name":"T","amount":"1","gdp_rate":"0.1","start":"2024-01-01","end":"2024-12-31"}`, "not both"},
		{"negative", `{"id":"t4","name":"T","amount":"-1","start":"2024-01-01","end":"2024-12-31"}`, "amount"},
		{"bad key", `{"id":"t5","name":"T","amount":"1","key":"wealth","start":"2024-01-01","end":"2024-12-31"}`, "unknown key"},
		{"end before start", `{"id":"t6","name":"T","amount":"1","start":"2024-01-01","end":"2023-12-31"}`, "end"},
		{"bad id", `{"id":"a b/c","name":"T","amount":"1","start":"2024-01-01","end":"2024-12-31"}`, "id"},
		{"bad json", `{"id":`, "f.json"},
		{"huge rate", `{"id":"t7","name":"T","gdp_rate":"2","start":"2024-01-01","end":"2024-12-31"}`, "gdp_rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTargets([]byte(tt.in), "f.json")
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseTargets(f *testing.F) {
	f.Add([]byte(`[{"id":"t1","name":"T","amount":"10.00","start":"2024-01-01","end":"2024-12-31"}]`))
	f.Add([]byte(`{"id":"x","name":"y","gdp_rate":"1/3","start":"2024-01-01","end":"2024-01-01"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		ts, err := ParseTargets(in, "f.json")
		if err != nil {
			return
		}
		for _, x := range ts {
			if x.ID == "" || x.End.Before(x.Start) || (x.GDPRate == "" && x.Amount <= 0) {
				t.Fatalf("accepted %+v", x)
			}
		}
	})
}

func FuzzParseWeights(f *testing.F) {
	f.Add("donor,weight\nDNK,1\nUSA,52.9\n")
	f.Add("donor;weight\nDNK;1e9\n")
	f.Add("donor,weight\nDNK,-1\nDNK,NaN\n")
	f.Fuzz(func(t *testing.T, in string) {
		ws, err := ParseWeights(strings.NewReader(in), "w.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "w.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for d, w := range ws {
			if w.Sign() < 0 || d == "" {
				t.Fatalf("accepted %s=%s", d, w)
			}
		}
	})
}

// The weapon-use timeline covers the allies the issue names from before
// their first change, in English and Danish.
func TestPolicies(t *testing.T) {
	rd, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]string{}
	for _, p := range rd.Policies {
		if p.ScopeDA == "" || p.Scope == "" {
			t.Errorf("policy %s %s: scope in English and Danish required", p.Donor, p.Date)
		}
		if d := p.Date.String(); first[p.Donor] == "" || d < first[p.Donor] {
			first[p.Donor] = d
		}
	}
	for _, c := range strings.Fields("USA GBR FRA DEU ITA CAN NLD BEL DNK NOR SWE FIN POL CZE EST LVA LTU PRT ESP") {
		if first[c] == "" {
			t.Errorf("no policy row for %s", c)
		}
	}
	for _, c := range []string{"USA", "DEU", "FRA"} {
		if first[c] >= "2024-01-01" {
			t.Errorf("%s: first row %s, want the state before 2024 recorded", c, first[c])
		}
	}
}
