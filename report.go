package fairshare

import (
	"math/big"
	"sort"
	"time"
)

// ReportInput is everything a report is computed from. The caller selects
// the contributions (current versions as of AsOf, one dataset per donor).
type ReportInput struct {
	Target        Target
	Key           string // overrides Target.Key when set
	KeyYear       int    // overrides Target.KeyYear when set
	GDPYear       int    // GDP year of the %GDP column; 0: the key year
	CustomWeights map[string]*big.Rat
	Currency      string
	AsOf          time.Time
	Donors        []Donor
	Indicators    IndicatorTable
	Rates         *RateTable
	Contributions []Contribution
	Datasets      string            // the selection, as the report names it
	DatasetOf     map[string]string // donor -> the dataset that counted for it
	NoData        map[string]bool   // donors the selected datasets do not cover
	Published     []PublishedTotal  // aggregates to print beside the sum
	// CountedEUR, when set, is the exact euro value of each donor's counted
	// contributions, for callers that hand Compute pre-aggregated
	// Contributions in the report currency (the engine); % of GDP is then
	// taken from it.
	CountedEUR map[string]ExactEUR
	// Shares, when set, is the fair-share half of this report, made by
	// FairShares from the same target, key, currency and reference data.
	Shares *Shares
}

// Report is the fair-share accounting of one target.
type Report struct {
	Target      Target
	Key         string
	KeyYear     int
	GDPYear     int // the year whose GDP the %GDP column divides by
	Currency    string
	AsOf        time.Time
	Datasets    string
	Rows        []Row
	Years       []YearTotal // one per calendar year of the target
	Total       Amount      // target in Currency
	Counted     Amount      // counted by participants
	Shortfall   Amount      // sum of the gaps of those below their share
	TargetRates []Quote     // rates used to convert the target, per year
	Published   []PublishedTotal
	Notes       []string
	// LeftOut names the datasets, not counted, that hold entries the target
	// would count (its statuses, categories, period and participants): the
	// report warns about them rather than add them silently.
	LeftOut []string
}

// Row is one participant's line.
type Row struct {
	Donor     string
	Name      string
	NameDA    string
	Weight    *big.Rat // normalised, sums to 1
	FairShare Amount
	Counted   Amount
	Balance   Amount
	Ratio     *big.Rat  // nil when the fair share is zero
	PctGDP    *Fraction // counted per year of the period as a fraction of GDP of Report.GDPYear; nil without it
	OptedOut  bool
	NoData    bool
	Dataset   string
	Years     []YearTotal
}

// YearTotal is one calendar year of a target, for all or one participant.
type YearTotal struct {
	Year       int
	Target     Amount
	Counted    Amount
	CumTarget  Amount
	CumCounted Amount
}

// Float returns r as a float64 for display; nil stays nil.
func Float(r *big.Rat) *float64 {
	if r == nil {
		return nil
	}
	f, _ := r.Float64()
	return &f
}

// Compute builds the report. Fair shares are apportioned per year in the
// report currency by largest remainder, so they add up exactly to the target.
func Compute(in ReportInput) (*Report, error) {
	t := in.Target
	key, keyYear := t.Key, t.KeyYear
	if in.Key != "" {
		key = in.Key
	}
	if in.KeyYear != 0 {
		keyYear = in.KeyYear
	}
	cur := in.Currency
	if cur == "" {
		cur = t.Currency
	}
	if !in.Rates.Known(cur) {
		return nil, Errorf(EINVALID, "unknown currency %q (no rates for it)", cur)
	}
	codes, optedOut := t.ParticipantCodes(in.Donors)
	if len(codes) == 0 {
		return nil, Errorf(EINVALID, "target %s has no participants", t.ID)
	}
	byCode := make(map[string]*Donor, len(in.Donors)) // maps sized once: the engine makes a report per request
	for i := range in.Donors {
		byCode[in.Donors[i].Code] = &in.Donors[i]
	}
	rep := &Report{Target: t, Key: key, KeyYear: keyYear, GDPYear: in.GDPYear, Currency: cur, AsOf: in.AsOf,
		Datasets: in.Datasets, Published: in.Published}
	idx := make(map[string]int, len(codes))
	for i, c := range codes {
		d := byCode[c]
		if d == nil {
			return nil, Errorf(ENOTFOUND, "target %s names unknown donor %s", t.ID, c)
		}
		idx[c] = i
		rep.Rows = append(rep.Rows, Row{Donor: c, Name: d.NameEN, NameDA: d.NameDA,
			NoData: in.NoData[c], Dataset: in.DatasetOf[c]})
	}
	for _, o := range optedOut {
		rep.Rows[idx[o]].OptedOut = true
	}
	years := t.Years()
	// %GDP uses the key year's GDP unless asked otherwise, so that the
	// column and the shares rest on the same figures; a key without a year
	// falls back to the target's first year.
	if rep.GDPYear == 0 {
		rep.GDPYear = keyYear
	}
	if rep.GDPYear == 0 && len(years) > 0 {
		rep.GDPYear = years[0]
	}
	for i := range rep.Rows {
		rep.Rows[i].Years = make([]YearTotal, len(years))
		for y := range years {
			rep.Rows[i].Years[y].Year = years[y]
		}
	}

	// Fair shares, year by year.
	if !in.Shares.apply(rep) {
		if err := fairShares(rep, in, key, keyYear, codes, years); err != nil {
			return nil, err
		}
	}

	// Counted contributions, each converted at the rate of its own date.
	yearIdx := make(map[int]int, len(years))
	for y, year := range years {
		yearIdx[year] = y
	}
	countedEUR := make([]*big.Rat, len(rep.Rows))
	for i := range countedEUR {
		countedEUR[i] = new(big.Rat)
	}
	for k := range in.Contributions {
		c := &in.Contributions[k]
		i, ok := idx[c.Donor]
		if !ok || !t.Counts(c) {
			continue
		}
		qe, err := in.Rates.Lookup(c.Currency, c.Date)
		if err != nil {
			return nil, Errorf(EINVALID, "contribution %s: %v", c.ID, err)
		}
		v := c.Amount // converting to its own currency gives it back exactly
		if c.Currency != cur {
			qt, err := in.Rates.Lookup(cur, c.Date)
			if err != nil {
				return nil, Errorf(EINVALID, "contribution %s: %v", c.ID, err)
			}
			v = ConvertAt(c.Amount, c.Currency, cur, qe.Rate, qt.Rate)
		}
		rep.Rows[i].Years[yearIdx[c.Date.Year()]].Counted += v
		if in.CountedEUR == nil {
			countedEUR[i].Add(countedEUR[i], new(big.Rat).Quo(c.Amount.Rat(c.Currency), qe.Rate))
		}
	}

	// Totals per row and per year.
	rep.Years = make([]YearTotal, len(years))
	for y := range years {
		rep.Years[y].Year = years[y]
	}
	for i := range rep.Rows {
		r := &rep.Rows[i]
		var cumT, cumC Amount
		for y := range r.Years {
			yt := &r.Years[y]
			cumT += yt.Target
			cumC += yt.Counted
			yt.CumTarget, yt.CumCounted = cumT, cumC
			rep.Years[y].Target += yt.Target
			rep.Years[y].Counted += yt.Counted
		}
		r.FairShare, r.Counted = cumT, cumC
		r.Balance = r.Counted - r.FairShare
		if r.FairShare != 0 {
			r.Ratio = new(big.Rat).SetFrac64(int64(r.Counted), int64(r.FairShare))
		}
		if g := in.Indicators.Get(KeyGDP, r.Donor, rep.GDPYear); g != nil && g.Sign() > 0 && len(years) > 0 {
			gdp := new(big.Rat).Mul(g, big.NewRat(int64(len(years)), 1))
			if in.CountedEUR != nil {
				r.PctGDP = in.CountedEUR[r.Donor].Over(gdp)
			} else {
				r.PctGDP = RatFraction(new(big.Rat).Quo(countedEUR[i], gdp))
			}
		}
		rep.Total += r.FairShare
		rep.Counted += r.Counted
		if r.Balance < 0 {
			rep.Shortfall -= r.Balance
		}
	}
	var cumT, cumC Amount
	for y := range rep.Years {
		cumT += rep.Years[y].Target
		cumC += rep.Years[y].Counted
		rep.Years[y].CumTarget, rep.Years[y].CumCounted = cumT, cumC
	}
	sort.SliceStable(rep.Rows, func(a, b int) bool {
		if rep.Rows[a].FairShare != rep.Rows[b].FairShare {
			return rep.Rows[a].FairShare > rep.Rows[b].FairShare
		}
		return rep.Rows[a].Donor < rep.Rows[b].Donor
	})
	return rep, nil
}

// fairShares sets each row's weight and target per year, and the rates
// that converted the target.
func fairShares(rep *Report, in ReportInput, key string, keyYear int, codes []string, years []int) error {
	t, cur := rep.Target, rep.Currency
	if t.GDPRate != "" {
		if err := gdpRateShares(rep, in, years); err != nil {
			return err
		}
	} else {
		ws, err := Weights(key, keyYear, codes, in.Indicators, in.CustomWeights)
		if err != nil {
			return err
		}
		sum := new(big.Rat)
		for _, w := range ws {
			sum.Add(sum, w)
		}
		if sum.Sign() == 0 {
			return Errorf(EINVALID, "key %s gives every participant a zero weight", key)
		}
		for i := range rep.Rows {
			rep.Rows[i].Weight = new(big.Rat).Quo(ws[i], sum)
		}
		tranches := Apportion(t.Amount, equalWeights(len(years)))
		for y, year := range years {
			q, err := in.Rates.YearAverage(t.Currency, year)
			if err != nil {
				return err
			}
			qc, err := in.Rates.YearAverage(cur, year)
			if err != nil {
				return err
			}
			if cur != t.Currency {
				rep.TargetRates = append(rep.TargetRates, qc)
			}
			tr := ConvertAt(tranches[y], t.Currency, cur, q.Rate, qc.Rate)
			shares := Apportion(tr, ws)
			for i := range rep.Rows {
				rep.Rows[i].Years[y].Target = shares[i]
			}
		}
	}
	return nil
}

// Shares is the fair-share half of a report (weights, targets per year,
// the rates that converted the target): it depends on the target, key,
// currency and reference data, not on the ledger, so a caller that
// computes many reports from the same ones (the engine) makes it once with
// FairShares and hands it to Compute in ReportInput.Shares.
type Shares struct {
	rows  map[string]shareRow // by donor
	rates []Quote
}

type shareRow struct {
	weight  *big.Rat
	targets []Amount // per year
}

// FairShares computes the fair-share half of the report in asks for.
func FairShares(in ReportInput) (*Shares, error) {
	in.Contributions, in.CountedEUR, in.Shares = nil, nil, nil
	rep, err := Compute(in)
	if err != nil {
		return nil, err
	}
	sh := &Shares{rows: make(map[string]shareRow, len(rep.Rows)), rates: rep.TargetRates}
	for _, r := range rep.Rows {
		ts := make([]Amount, len(r.Years))
		for y := range r.Years {
			ts[y] = r.Years[y].Target
		}
		sh.rows[r.Donor] = shareRow{r.Weight, ts}
	}
	return sh, nil
}

// apply sets rep's rows' weights and targets from s; false (rep unchanged)
// when s is nil or made for other rows.
func (s *Shares) apply(rep *Report) bool {
	if s == nil || len(s.rows) != len(rep.Rows) {
		return false
	}
	for i := range rep.Rows {
		if sr, ok := s.rows[rep.Rows[i].Donor]; !ok || len(sr.targets) != len(rep.Rows[i].Years) {
			return false
		}
	}
	for i := range rep.Rows {
		r := &rep.Rows[i]
		sr := s.rows[r.Donor]
		if sr.weight != nil {
			r.Weight = new(big.Rat).Set(sr.weight) // a report's rationals are its own
		}
		for y := range r.Years {
			r.Years[y].Target = sr.targets[y]
		}
	}
	rep.TargetRates = append([]Quote(nil), s.rates...)
	return true
}

// gdpRateShares sets each participant's share to GDPRate times its own GDP of
// each year (the latest earlier year when a year has no figure yet).
func gdpRateShares(rep *Report, in ReportInput, years []int) error {
	rate, _ := new(big.Rat).SetString(rep.Target.GDPRate)
	total := new(big.Rat)
	for i := range rep.Rows {
		rep.Rows[i].Weight = new(big.Rat)
		for y, year := range years {
			g := gdpNearest(in.Indicators, rep.Rows[i].Donor, year)
			if g == nil {
				return Errorf(ENOTFOUND, "no GDP for %s in or before %d", rep.Rows[i].Donor, year)
			}
			q, err := in.Rates.YearAverage(rep.Currency, year)
			if err != nil {
				return err
			}
			v := new(big.Rat).Mul(g, rate)
			v.Mul(v, q.Rate)
			rep.Rows[i].Years[y].Target = AmountFromRat(v, rep.Currency)
			rep.Rows[i].Weight.Add(rep.Rows[i].Weight, v)
		}
		total.Add(total, rep.Rows[i].Weight)
	}
	if total.Sign() > 0 {
		for i := range rep.Rows {
			rep.Rows[i].Weight.Quo(rep.Rows[i].Weight, total)
		}
	}
	return nil
}

// gdpNearest is the GDP look-back rule (rules.go).
func gdpNearest(ind IndicatorTable, donor string, year int) *big.Rat {
	return GDPNearest(ind, donor, year)
}

func equalWeights(n int) []*big.Rat {
	ws := make([]*big.Rat, n)
	for i := range ws {
		ws[i] = big.NewRat(1, 1)
	}
	return ws
}
