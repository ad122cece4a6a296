package fairshare

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"sync/atomic"
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

// lazyRat is a rate's decimal text, parsed into a big.Rat on first use: a
// new process reads every rate of the reference data (about 17k daily ECB
// rates) and a report converts at a few hundred of them. Once parsed, the
// same *big.Rat is returned every time (the engine tells rates apart by
// pointer).
type lazyRat struct {
	text string
	v    atomic.Pointer[big.Rat]
}

func (l *lazyRat) rat() *big.Rat {
	if v := l.v.Load(); v != nil {
		return v
	}
	v, _ := new(big.Rat).SetString(l.text) // checked by RateTableBuilder.Add
	if l.v.CompareAndSwap(nil, v) {
		return v
	}
	return l.v.Load()
}

// dailyRates are one currency's daily rates, sorted by day.
type dailyRates struct {
	days []int
	rats []lazyRat
}

type avgRate struct {
	lazyRat
	basis Basis
}

// RateTable answers rate look-ups from daily, monthly and annual rates.
// It is built once and read concurrently.
type RateTable struct {
	daily   map[string]*dailyRates
	average map[string]map[string]*avgRate
}

// NewRateTable indexes rates; later entries for the same period win.
func NewRateTable(rates []Rate) (*RateTable, error) {
	var b RateTableBuilder
	for _, r := range rates {
		if err := b.Add(r.Currency, r.Period, r.Rate); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}

// RateTableBuilder builds a RateTable from rates added one by one, without
// their sources (which look-ups do not need).
type RateTableBuilder struct {
	daily   map[string][]pendingDay
	average map[string]map[string]*avgRate
}

type pendingDay struct {
	day  int
	text string
	seq  int
}

// Add adds a rate: units of currency per 1 EUR for period (YYYY-MM-DD,
// YYYY-MM or YYYY). It checks that the rate is a positive number; a plain
// decimal is parsed only when a look-up needs it.
func (b *RateTableBuilder) Add(currency, period, rate string) error {
	if !positiveDecimal(rate) {
		if v, ok := new(big.Rat).SetString(rate); !ok || v.Sign() <= 0 {
			return fmt.Errorf("rate %s %s: %q is not a positive number", currency, period, rate)
		}
		// Another notation big.Rat reads ("1e3", "3/2"): parsed on use all
		// the same, it is valid.
	}
	switch len(period) {
	case 10:
		d, err := ParseDate(period)
		if err != nil {
			return fmt.Errorf("rate %s: %w", currency, err)
		}
		if b.daily == nil {
			b.daily = map[string][]pendingDay{}
		}
		ds := b.daily[currency]
		b.daily[currency] = append(ds, pendingDay{d.Days(), rate, len(ds)})
	case 7, 4:
		if b.average == nil {
			b.average = map[string]map[string]*avgRate{}
		}
		if b.average[currency] == nil {
			b.average[currency] = map[string]*avgRate{}
		}
		basis := BasisMonth
		if len(period) == 4 {
			basis = BasisYear
		}
		b.average[currency][period] = &avgRate{lazyRat: lazyRat{text: rate}, basis: basis}
	default:
		return fmt.Errorf("rate %s: period %q is not YYYY-MM-DD, YYYY-MM or YYYY", currency, period)
	}
	return nil
}

// Table returns the table of the rates added; the builder is then empty.
func (b *RateTableBuilder) Table() *RateTable {
	t := &RateTable{daily: make(map[string]*dailyRates, len(b.daily)), average: b.average}
	if t.average == nil {
		t.average = map[string]map[string]*avgRate{}
	}
	for c, ds := range b.daily {
		if !slices.IsSortedFunc(ds, func(x, y pendingDay) int { return cmp.Compare(x.day, y.day) }) {
			slices.SortFunc(ds, func(x, y pendingDay) int { return cmp.Or(cmp.Compare(x.day, y.day), cmp.Compare(x.seq, y.seq)) })
		}
		// Of several rates for one day, the one added last wins.
		k := 0
		for i := range ds {
			if k > 0 && ds[k-1].day == ds[i].day {
				k--
			}
			ds[k] = ds[i]
			k++
		}
		ds = ds[:k]
		dr := &dailyRates{days: make([]int, len(ds)), rats: make([]lazyRat, len(ds))}
		for i, d := range ds {
			dr.days[i], dr.rats[i].text = d.day, d.text
		}
		t.daily[c] = dr
	}
	*b = RateTableBuilder{}
	return t
}

// positiveDecimal reports whether s is a plain decimal (digits, at most one
// '.', at least one digit) above zero: what big.Rat surely reads as a
// positive number.
func positiveDecimal(s string) bool {
	digits, dot, nonzero := 0, false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
			nonzero = nonzero || c != '0'
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && nonzero
}

func (a *avgRate) quote(currency, period string) Quote {
	return Quote{Currency: currency, Rate: a.rat(), Text: a.text, Basis: a.basis, Period: period}
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
	return currency == "EUR" || (t.daily[currency] != nil && len(t.daily[currency].days) > 0) || len(t.average[currency]) > 0
}

// Lookup finds the rate for currency on day: that day's rate, else the last
// earlier one within MaxEarlierDays, else the month's average, else the
// year's average.
func (t *RateTable) Lookup(currency string, day Date) (Quote, error) {
	if currency == "EUR" {
		return Quote{Currency: "EUR", Rate: big.NewRat(1, 1), Text: "1", Basis: BasisEUR, Period: day.String()}, nil
	}
	if ds := t.daily[currency]; ds != nil {
		if i, ok := ds.at(day.Days()); ok {
			b := BasisDay
			if ds.days[i] != day.Days() {
				b = BasisEarlier
			}
			r := &ds.rats[i]
			return Quote{Currency: currency, Rate: r.rat(), Text: r.text, Basis: b, Period: DateFromDays(ds.days[i]).String()}, nil
		}
	}
	av := t.average[currency]
	if q, ok := av[day.Time().Format("2006-01")]; ok {
		return q.quote(currency, day.Time().Format("2006-01")), nil
	}
	if q, ok := av[strconv.Itoa(day.Year())]; ok {
		return q.quote(currency, strconv.Itoa(day.Year())), nil
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
		return q.quote(currency, strconv.Itoa(year)), nil
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
	q := av[strconv.Itoa(best)].quote(currency, strconv.Itoa(best))
	q.Basis = BasisLatestYear
	return q, nil
}

// at is the index of the daily rate Lookup takes for day n (days since
// 1970): that day's, or the last one at most MaxEarlierDays before it.
func (ds *dailyRates) at(n int) (int, bool) {
	i := sort.SearchInts(ds.days, n+1) - 1
	return i, i >= 0 && n-ds.days[i] <= MaxEarlierDays
}

// dailyText is the decimal text of the rate Lookup takes for currency on
// day, when that is EUR's own or a daily rate.
func (t *RateTable) dailyText(currency string, day Date) (string, bool) {
	if currency == "EUR" {
		return "1", true
	}
	if ds := t.daily[currency]; ds != nil {
		if i, ok := ds.at(day.Days()); ok {
			return ds.rats[i].text, true
		}
	}
	return "", false
}

// ConvertAmount is Convert without the quotes, for callers that sum many
// conversions (the dashboard's statistics convert every group of the
// ledger): the same amount, without building two quotes each time.
func (t *RateTable) ConvertAmount(a Amount, from, to string, day Date) (Amount, error) {
	if ft, ok := t.dailyText(from, day); ok {
		if tt, ok := t.dailyText(to, day); ok {
			if v, ok := convertExact(a, from, to, ft, tt); ok {
				return v, nil
			}
		}
	}
	v, _, _, err := t.Convert(a, from, to, day)
	return v, err
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
	if v, ok := convertExact(a, from, to, qf.Text, qt.Text); ok {
		return v, qf, qt, nil
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

const rateTableMagic = "FSRATES1\n"

// AppendBinary appends the table in a compact form that DecodeRateTable
// reads back without parsing a date or a rate: a new process keeps it
// beside the saved engine rather than reading every rate row again.
func (t *RateTable) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, rateTableMagic...)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	curs := slices.Sorted(maps.Keys(t.daily))
	b = binary.AppendUvarint(b, uint64(len(curs)))
	for _, c := range curs {
		ds := t.daily[c]
		str(c)
		b = binary.AppendUvarint(b, uint64(len(ds.days)))
		prev := 0
		for i, d := range ds.days {
			b = binary.AppendVarint(b, int64(d-prev))
			prev = d
			str(ds.rats[i].text)
		}
	}
	curs = slices.Sorted(maps.Keys(t.average))
	b = binary.AppendUvarint(b, uint64(len(curs)))
	for _, c := range curs {
		av := t.average[c]
		str(c)
		b = binary.AppendUvarint(b, uint64(len(av)))
		for _, p := range slices.Sorted(maps.Keys(av)) {
			str(p)
			str(av[p].text)
		}
	}
	return b, nil
}

// DecodeRateTable reads what AppendBinary wrote. The texts share one copy
// of data; each is checked as a rate as NewRateTable checks it.
func DecodeRateTable(data []byte) (*RateTable, error) {
	bad := errors.New("rate table: damaged or another format")
	if !bytes.HasPrefix(data, []byte(rateTableMagic)) {
		return nil, bad
	}
	s := string(data[len(rateTableMagic):])
	fail := false
	uv := func() int {
		v, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if k <= 0 || v > uint64(len(s)) {
			fail = true
			return 0
		}
		s = s[k:]
		return int(v)
	}
	vi := func() int {
		v, k := binary.Varint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if k <= 0 || v < -1<<40 || v > 1<<40 {
			fail = true
			return 0
		}
		s = s[k:]
		return int(v)
	}
	str := func() string {
		n := uv()
		if fail || n > len(s) {
			fail = true
			return ""
		}
		out := s[:n]
		s = s[n:]
		return out
	}
	rate := func(text string) bool {
		if positiveDecimal(text) {
			return true
		}
		v, ok := new(big.Rat).SetString(text)
		return ok && v.Sign() > 0
	}
	t := &RateTable{daily: map[string]*dailyRates{}, average: map[string]map[string]*avgRate{}}
	for nc := uv(); nc > 0 && !fail; nc-- {
		c := str()
		n := uv()
		if fail {
			break
		}
		dr := &dailyRates{days: make([]int, n), rats: make([]lazyRat, n)}
		day := 0
		for i := 0; i < n && !fail; i++ {
			day += vi()
			dr.days[i], dr.rats[i].text = day, str()
			if !rate(dr.rats[i].text) || (i > 0 && day <= dr.days[i-1]) {
				fail = true
			}
		}
		t.daily[c] = dr
	}
	for nc := uv(); nc > 0 && !fail; nc-- {
		c := str()
		av := map[string]*avgRate{}
		for n := uv(); n > 0 && !fail; n-- {
			p, text := str(), str()
			basis := BasisMonth
			switch {
			case len(p) == 4:
				basis = BasisYear
			case len(p) != 7:
				fail = true
			}
			if !rate(text) {
				fail = true
			}
			av[p] = &avgRate{lazyRat: lazyRat{text: text}, basis: basis}
		}
		t.average[c] = av
	}
	if fail || len(s) != 0 {
		return nil, bad
	}
	return t, nil
}
