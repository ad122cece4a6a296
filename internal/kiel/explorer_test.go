package kiel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
)

var r29 = Release{Number: 29, Period: "04/2026", Date: fairshare.MustDate("2026-08-04"),
	Label: "Ukraine Support Tracker, Release 29 (04/2026)"}

func TestParseReleaseInfo(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "release_info.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseReleaseInfo(f)
	if err != nil {
		t.Fatal(err)
	}
	if got != r29 {
		t.Errorf("got %+v, want %+v", got, r29)
	}
	if got.Dataset() != "kiel-r29" || got.Title() != "Ukraine Support Tracker, Release 29" {
		t.Errorf("Dataset %q, Title %q", got.Dataset(), got.Title())
	}

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "is empty"},
		{"no row", `"release","period","date","label"` + "\n", "no data row"},
		{"bad number", "release,date\nabc,2026-08-04\n", `column "release": "abc" is not a release number`},
		{"bad date", "release,date\n29,yesterday\n", `column "date"`},
		{"missing date column", "release,label\n29,x\n", `missing required column(s) "date"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseReleaseInfo(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestReadExplorerFixture(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "data_explorer.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadExplorer(f, r29)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		donor, date, amount string
		netted              bool
	}{
		{"DNK", "2024-05-01", "616576000.00", false},
		{"DNK", "2024-06-01", "110870000.00", true}, // 160.87 m less July's -50 m correction
		{"DNK", "2024-08-01", "104939000.00", false},
		{"EUI", "2024-06-01", "100000000.00", false},
		{"USA", "2024-06-01", "3456789000.00", false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d contributions, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Donor != w.donor || c.Date.String() != w.date || c.Amount.Format("EUR") != w.amount {
			t.Errorf("%d: got %s %s %s, want %s %s %s", i, c.Donor, c.Date, c.Amount.Format("EUR"), w.donor, w.date, w.amount)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%d: %v", i, err)
		}
		if c.Recipient != "UKR" || c.Currency != "EUR" || c.Category != fairshare.InKind ||
			c.Status != fairshare.Delivered || c.Dataset != "kiel-r29" || c.ID != "" {
			t.Errorf("%d: fields %+v", i, c)
		}
		if c.Source != (fairshare.Source{URL: URL, Publisher: Publisher, Title: "Ukraine Support Tracker, Release 29", Date: "2026-08-04"}) {
			t.Errorf("%d: source %+v", i, c.Source)
		}
		if !strings.HasPrefix(c.Description, "Kiel Ukraine Support Tracker R29: military allocations, "+w.date[:7]+" (monthly aggregate") {
			t.Errorf("%d: description %q", i, c.Description)
		}
		if noted := strings.Contains(c.Description, "correction(s) booked in 2024-07"); noted != w.netted {
			t.Errorf("%d: correction noted = %v, want %v: %q", i, noted, w.netted, c.Description)
		}
	}
}

func TestReadExplorer(t *testing.T) {
	const h = "country,iso,year,month,military\n"
	for _, tc := range []struct {
		name, in string
		want     []string // donor date amount
		err      string
	}{
		{name: "exact decimals", in: h + "X,DNK,2024,6,0.1\nX,DNK,2024,7,0.2\nX,DNK,2024,8,1.2345678901\n",
			want: []string{"DNK 2024-06-01 100000000.00", "DNK 2024-07-01 200000000.00", "DNK 2024-08-01 1234567890.10"}},
		{name: "half cent rounds to even", in: h + "X,DNK,2024,6,0.000000000005\nX,DNK,2024,7,0.000000000015\n",
			want: []string{"DNK 2024-07-01 0.02"}},
		{name: "exponent", in: h + "X,FRA,2023,1,2.5e-3\n", want: []string{"FRA 2023-01-01 2500000.00"}},
		{name: "semicolon-free quoted EU", in: `"country","iso","year","month","military"` + "\n" + `"EU","EU","2022","12","0.5"` + "\n",
			want: []string{"EUI 2022-12-01 500000000.00"}},
		{name: "placeholders", in: h + "X,DNK,2024,6,.\nX,DNK,2024,7,\nX,DNK,2024,8,NA\nX,DNK,2024,9,0\n"},
		{name: "negative first month nets forward", in: h + "X,DNK,2024,1,-0.1\nX,DNK,2024,2,0.3\n",
			want: []string{"DNK 2024-02-01 200000000.00"}},
		{name: "negative spreads over earlier months", in: h + "X,DNK,2024,1,0.1\nX,DNK,2024,2,0.1\nX,DNK,2024,3,-0.15\nX,DNK,2024,4,0.1\n",
			want: []string{"DNK 2024-01-01 50000000.00", "DNK 2024-04-01 100000000.00"}},
		{name: "negative total", in: h + "X,DNK,2024,1,0.1\nX,DNK,2024,2,-0.2\n", err: "DNK's military allocations sum to EUR -100000000.00"},
		{name: "missing column", in: "country,iso,year,mon,military\n", err: `missing required column(s) "month"`},
		{name: "bad iso", in: h + "X,DK,2024,6,1\n", err: `line 2, column "iso": "DK" is not an ISO`},
		{name: "bad month", in: h + "X,DNK,2024,13,1\n", err: `line 2, column "month"`},
		{name: "bad year", in: h + "X,DNK,24x,1,1\n", err: `line 2, column "year"`},
		{name: "bad amount", in: h + "X,DNK,2024,1,1.2.3\n", err: `line 2, column "military"`},
		{name: "thousands separator", in: h + "X,DNK,2024,1,\"1,2\"\n", err: `column "military"`},
		{name: "too large", in: h + "X,DNK,2024,1,1e30\n", err: "implausibly large"},
		{name: "duplicate", in: h + "X,DNK,2024,1,1\nX,DNK,2024,1,2\n", err: "second row for DNK 2024-01 (first on line 2)"},
		{name: "csv error", in: h + "X,\"DNK,2024\n", err: "data_explorer.csv, line"},
		{name: "empty", in: "", err: "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadExplorer(strings.NewReader(tc.in), r29)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				if fairshare.ErrorCode(err) != fairshare.EINVALID {
					t.Errorf("code %q, want invalid", fairshare.ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, c := range got {
				s = append(s, c.Donor+" "+c.Date.String()+" "+c.Amount.Format("EUR"))
			}
			if strings.Join(s, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q\nwant %q", s, tc.want)
			}
		})
	}
}

func TestReadExplorerNeedsRelease(t *testing.T) {
	if _, err := ReadExplorer(strings.NewReader("iso,year,month,military\n"), Release{}); err == nil {
		t.Fatal("no error without a release")
	}
}

func FuzzReadExplorer(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "data_explorer.csv")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := ReadExplorer(strings.NewReader(string(b)), r29)
		if err != nil {
			return
		}
		for _, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("invalid contribution %+v: %v", c, err)
			}
		}
	})
}
