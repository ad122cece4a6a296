package fairshare

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
)

// Rate is a euro reference rate: units of Currency per 1 EUR, for a day
// (YYYY-MM-DD), a month's average (YYYY-MM) or a year's average (YYYY).
type Rate struct {
	Currency string `json:"currency"`
	Period   string `json:"period"`
	Rate     string `json:"rate"` // decimal text as published
	Source   Source `json:"source"`
}

// Basis says which rate a conversion used.
type Basis string

const (
	BasisDay        Basis = "day"         // the day's reference rate
	BasisEarlier    Basis = "earlier"     // the last rate published before the day
	BasisMonth      Basis = "month"       // the month's average
	BasisYear       Basis = "year"        // the year's average
	BasisLatestYear Basis = "latest-year" // the latest annual average, for a year not yet averaged
	BasisEUR        Basis = "eur"         // no conversion needed
)

// Quote is a rate found for a currency and day, with how it was found.
type Quote struct {
	Currency string   `json:"currency"`
	Rate     *big.Rat `json:"-"`
	Text     string   `json:"rate"`   // decimal text
	Basis    Basis    `json:"basis"`  // day, earlier, month, year
	Period   string   `json:"period"` // the rate's own period
}

func (q Quote) String() string {
	if q.Basis == BasisEUR {
		return "1 EUR = 1 EUR"
	}
	what := map[Basis]string{BasisDay: "ECB reference rate of", BasisEarlier: "last ECB reference rate before the date, of",
		BasisMonth: "monthly average", BasisYear: "annual average", BasisLatestYear: "latest annual average available,"}[q.Basis]
	return fmt.Sprintf("1 EUR = %s %s (%s %s)", q.Text, q.Currency, what, q.Period)
}

// MaxEarlierDays bounds how far back a daily rate may stand in for a day with
// none (weekends, holidays); past that the month's average is the better guess.
const MaxEarlierDays = 7

type dayRate struct {
	day  int
	rate *big.Rat
	text string
}

// RateTable answers rate look-ups from daily, monthly and annual rates.
// It is built once and read concurrently.
type RateTable struct {
	daily   map[string][]dayRate // sorted by day
	average map[string]map[string]Quote
}

// NewRateTable indexes rates; later entries for the same period win.
func NewRateTable(rates []Rate) (*RateTable, error) {
	t := &RateTable{daily: map[string][]dayRate{}, average: map[string]map[string]Quote{}}
	for _, r := range rates {
		v, ok := new(big.Rat).SetString(r.Rate)
		if !ok || v.Sign() <= 0 {
			return nil, fmt.Errorf("rate %s %s: %q is not a positive number", r.Currency, r.Period, r.Rate)
		}
		switch len(r.Period) {
		case 10:
			d, err := ParseDate(r.Period)
			if err != nil {
				return nil, fmt.Errorf("rate %s: %w", r.Currency, err)
			}
			t.daily[r.Currency] = append(t.daily[r.Currency], dayRate{d.Days(), v, r.Rate})
		case 7, 4:
			if t.average[r.Currency] == nil {
				t.average[r.Currency] = map[string]Quote{}
			}
			basis := BasisMonth
			if len(r.Period) == 4 {
				basis = BasisYear
			}
			t.average[r.Currency][r.Period] = Quote{Currency: r.Currency, Rate: v, Text: r.Rate, Basis: basis, Period: r.Period}
		default:
			return nil, fmt.Errorf("rate %s: period %q is not YYYY-MM-DD, YYYY-MM or YYYY", r.Currency, r.Period)
		}
	}
	for c, ds := range t.daily {
		sort.Slice(ds, func(i, j int) bool { return ds[i].day < ds[j].day })
		t.daily[c] = ds
	}
	return t, nil
}

// Currencies lists the currencies the table knows, sorted.
func (t *RateTable) Currencies() []string {
	seen := map[string]bool{"EUR": true}
	for c := range t.daily {
		seen[c] = true
	}
	for c := range t.average {
		seen[c] = true
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Known reports whether the table has any rate for currency.
func (t *RateTable) Known(currency string) bool {
	return currency == "EUR" || len(t.daily[currency]) > 0 || len(t.average[currency]) > 0
}

// Lookup finds the rate for currency on day: that day's rate, else the last
// earlier one within MaxEarlierDays, else the month's average, else the
// year's average.
func (t *RateTable) Lookup(currency string, day Date) (Quote, error) {
	if currency == "EUR" {
		return Quote{Currency: "EUR", Rate: big.NewRat(1, 1), Text: "1", Basis: BasisEUR, Period: day.String()}, nil
	}
	if ds := t.daily[currency]; len(ds) > 0 {
		n := day.Days()
		i := sort.Search(len(ds), func(i int) bool { return ds[i].day > n }) - 1
		if i >= 0 && n-ds[i].day <= MaxEarlierDays {
			b := BasisDay
			if ds[i].day != n {
				b = BasisEarlier
			}
			return Quote{Currency: currency, Rate: ds[i].rate, Text: ds[i].text, Basis: b, Period: DateFromDays(ds[i].day).String()}, nil
		}
	}
	av := t.average[currency]
	if q, ok := av[day.Time().Format("2006-01")]; ok {
		return q, nil
	}
	if q, ok := av[strconv.Itoa(day.Year())]; ok {
		return q, nil
	}
	return Quote{}, Errorf(ENOTFOUND, "no %s rate for %s (no daily, monthly or annual rate; run 'fairshare fx update' or 'fx import')", currency, day)
}

// YearAverage returns the annual average for year, or the latest earlier
// annual average when the year has none yet (a target in the future).
func (t *RateTable) YearAverage(currency string, year int) (Quote, error) {
	if currency == "EUR" {
		return Quote{Currency: "EUR", Rate: big.NewRat(1, 1), Text: "1", Basis: BasisEUR, Period: strconv.Itoa(year)}, nil
	}
	av := t.average[currency]
	if q, ok := av[strconv.Itoa(year)]; ok {
		return q, nil
	}
	best := -1
	for p := range av {
		if len(p) == 4 {
			if y, err := strconv.Atoi(p); err == nil && y < year && y > best {
				best = y
			}
		}
	}
	if best < 0 {
		return Quote{}, Errorf(ENOTFOUND, "no annual average %s rate for %d or earlier", currency, year)
	}
	q := av[strconv.Itoa(best)]
	q.Basis = BasisLatestYear
	return q, nil
}

// Convert converts amount from one currency to another through the euro,
// each leg at the rate Lookup finds for day, rounding half to even once.
func (t *RateTable) Convert(a Amount, from, to string, day Date) (Amount, Quote, Quote, error) {
	qf, err := t.Lookup(from, day)
	if err != nil {
		return 0, Quote{}, Quote{}, err
	}
	qt, err := t.Lookup(to, day)
	if err != nil {
		return 0, Quote{}, Quote{}, err
	}
	return ConvertAt(a, from, to, qf.Rate, qt.Rate), qf, qt, nil
}

// ConvertAt converts with given per-EUR rates of both currencies.
func ConvertAt(a Amount, from, to string, fromPerEUR, toPerEUR *big.Rat) Amount {
	v := a.Rat(from)
	v.Quo(v, fromPerEUR)
	v.Mul(v, toPerEUR)
	return AmountFromRat(v, to)
}
