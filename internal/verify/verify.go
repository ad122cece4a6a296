// Package verify holds the rules of 'fairshare data verify': it takes the
// reference data and the ledger's contents and returns findings, touching
// no storage, so the CLI, the API and tests run the same checks.
package verify

import (
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Tolerances of the published-totals check.
const (
	// ExactEUR is how far (EUR) a dataset's sum may be from a published
	// figure given without qualifier: Kiel's per-year all-donor totals are
	// sums of monthly figures published in EUR thousands, so rounding stays
	// far below EUR 1 m.
	ExactEUR = 1_000_000
	// AboutPct is how far (per cent) a sum may be from an "about" figure
	// (rounded by the publisher, e.g. to EUR 0.1 bn); an "over" figure must
	// be reached to within the same margin.
	AboutPct = 5
)

// Input is everything checked: the reference data as stored (donors,
// indicators, rates, policies, dataset descriptions) and the current
// contributions of the ledger.
type Input struct {
	Donors        []fairshare.Donor
	Indicators    []fairshare.Indicator
	Rates         []fairshare.Rate
	Policies      []fairshare.Policy
	Datasets      []fairshare.Dataset
	Targets       []fairshare.Target // every target a published total names must be here
	Contributions []fairshare.Contribution
}

// Findings are what the checks found: Problems fail the check, Notes do
// not, Summary says what was checked (one line each).
type Findings struct {
	Summary  []string `json:"summary"`
	Notes    []string `json:"notes"`
	Problems []string `json:"problems"`
}

// OK reports whether no problem was found.
func (f *Findings) OK() bool { return len(f.Problems) == 0 }

func (f *Findings) problem(format string, args ...any) {
	f.Problems = append(f.Problems, fmt.Sprintf(format, args...))
}

func (f *Findings) note(format string, args ...any) {
	f.Notes = append(f.Notes, fmt.Sprintf(format, args...))
}

// checker carries the indexes built once from the input.
type checker struct {
	in     Input
	byCode map[string]*fairshare.Donor
	rates  *fairshare.RateTable
	f      *Findings
}

// Check runs every rule over in.
func Check(in Input) Findings {
	var f Findings
	c := &checker{in: in, byCode: map[string]*fairshare.Donor{}, f: &f}
	for i := range in.Donors {
		c.byCode[in.Donors[i].Code] = &in.Donors[i]
	}
	rt, err := fairshare.NewRateTable(in.Rates)
	if err != nil {
		f.problem("rates: %v", err)
		rt, _ = fairshare.NewRateTable(nil)
	}
	c.rates = rt
	datasets := c.contributions()
	f.Summary = append(f.Summary, fmt.Sprintf("checked %d contributions in %d datasets (%s): source URLs, government publishers with government pages, donors, currencies and rates, categories, statuses, duplicate ids and content",
		len(in.Contributions), len(datasets), strings.Join(datasets, ", ")))
	f.Summary = append(f.Summary, c.reference())
	f.Summary = append(f.Summary, c.totals()...)
	f.Summary = append(f.Summary, c.cumulative()...)
	return f
}

// CheckURL reports what is wrong with a source URL, or "".
func CheckURL(s string) string {
	if strings.TrimSpace(s) == "" {
		return "no source URL"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("source URL %q is not an http(s) URL", s)
	}
	return ""
}

// checkSource checks a source's URL and, when its publisher is a
// government body, that the URL is that government's own page: a ministry
// credited for a newspaper's page says the ministry said what the paper
// wrote.
func (c *checker) checkSource(where string, s fairshare.Source) {
	if msg := CheckURL(s.URL); msg != "" {
		c.f.problem("%s: %s", where, msg)
		return
	}
	if msg := CheckGovernmentSource(s.Publisher, s.URL); msg != "" {
		c.f.problem("%s: %s", where, msg)
	}
}

func shortID(id string) string { return id[:min(8, len(id))] }

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// contributions checks each current contribution and returns the datasets
// seen ("NAME COUNT").
func (c *checker) contributions() []string {
	ids := map[string]int{}
	content := map[string]string{}
	perDataset := map[string]int{}
	known := map[string]bool{}
	declared := map[string]map[fairshare.Status]bool{} // dataset -> the statuses its description says its rows carry
	for _, d := range c.in.Datasets {
		known[d.ID] = true
		if len(d.Statuses) > 0 {
			declared[d.ID] = map[fairshare.Status]bool{}
			for _, st := range d.Statuses {
				declared[d.ID][fairshare.Status(st)] = true
			}
		}
	}
	cs := c.in.Contributions
	for i := range cs {
		k := &cs[i]
		perDataset[k.Dataset]++
		where := fmt.Sprintf("contribution %s (%s %s %s %s, dataset %s)", shortID(k.ID), k.Donor, k.Date, k.Amount.Format(k.Currency), k.Currency, k.Dataset)
		c.checkSource(where, k.Source)
		if c.byCode[k.Donor] == nil {
			c.f.problem("%s: unknown donor %q", where, k.Donor)
		}
		if !c.rates.Known(k.Currency) {
			c.f.problem("%s: currency %q has no rates", where, k.Currency)
		} else if _, err := c.rates.Lookup(k.Currency, k.Date); err != nil {
			c.f.problem("%s: %v", where, err)
		}
		if _, err := fairshare.ParseCategory(string(k.Category)); err != nil {
			c.f.problem("%s: %v", where, err)
		}
		if _, err := fairshare.ParseStatus(string(k.Status)); err != nil {
			c.f.problem("%s: %v", where, err)
		} else if ds := declared[k.Dataset]; ds != nil && !ds[k.Status] {
			// A comparison reads the description to say what each side
			// counts: a row with another status would make it wrong.
			c.f.problem("%s: status %s, but the dataset's description says its rows are %s", where, k.Status, statusList(ds))
		}
		if err := k.Validate(); err != nil {
			c.f.problem("%s: %v", where, err)
		}
		ids[k.ID]++
		if ids[k.ID] == 2 {
			c.f.problem("duplicate id %s", k.ID)
		}
		key := strings.Join([]string{k.Dataset, k.Donor, k.Recipient, k.Date.String(), fmt.Sprint(int64(k.Amount)), k.Currency,
			string(k.Category), string(k.Status), k.Description}, "\x00")
		if first, dup := content[key]; dup {
			c.f.problem("duplicate content in dataset %s: contributions %s and %s are both %s %s %s %s, %s, %s (%q)",
				k.Dataset, shortID(first), shortID(k.ID), k.Donor, k.Date, k.Amount.Format(k.Currency), k.Currency,
				k.Category, k.Status, trunc(k.Description, 60))
		} else {
			content[key] = k.ID
		}
	}
	var names []string
	for d, n := range perDataset {
		names = append(names, fmt.Sprintf("%s %d", d, n))
		if !known[d] && d != "user" {
			c.f.note("dataset %s (%d contributions) has no description; reports refuse it until one is recorded (e.g. by 'fairshare import kiel')", d, n)
		}
	}
	sort.Strings(names)
	return names
}

func (c *checker) reference() string {
	f := c.f
	kinds := map[string]bool{"nato": true, "eu-institution": true, "other": true}
	noRate := map[string][]string{} // currency -> donors using it
	for _, d := range c.in.Donors {
		c.checkSource("donor "+d.Code, d.Source)
		if !kinds[d.Kind] {
			f.problem("donor %s: kind %q is not nato, eu-institution or other", d.Code, d.Kind)
		}
		for _, p := range d.Currencies {
			if !c.rates.Known(p.Code) {
				noRate[p.Code] = append(noRate[p.Code], d.Code)
			}
		}
	}
	if len(noRate) > 0 {
		var cs []string
		for cur, ds := range noRate {
			cs = append(cs, cur+" ("+strings.Join(ds, ", ")+")")
		}
		sort.Strings(cs)
		// Not a failure: no contribution uses them (those would be problems
		// above), but none can be recorded in them until rates are added.
		f.note("no rates for donor currencies %s: contributions in them cannot be recorded until rates are added (fx_extra.csv or 'fairshare fx import')", strings.Join(cs, ", "))
	}
	for _, i := range c.in.Indicators {
		where := fmt.Sprintf("indicator %s %s %d", i.Kind, i.Donor, i.Year)
		c.checkSource(where, i.Source)
		if c.byCode[i.Donor] == nil {
			f.problem("%s: unknown donor", where)
		}
		if x, ok := new(big.Rat).SetString(i.Value); !ok || x.Sign() <= 0 {
			f.problem("%s: value %q is not a positive number", where, i.Value)
		}
	}
	for _, r := range c.in.Rates {
		where := fmt.Sprintf("rate %s %s", r.Currency, r.Period)
		c.checkSource(where, r.Source)
		if x, ok := new(big.Rat).SetString(r.Rate); !ok || x.Sign() <= 0 {
			f.problem("%s: rate %q is not a positive number", where, r.Rate)
		}
	}
	statuses := map[string]bool{}
	for _, s := range fairshare.PolicyStatuses {
		statuses[s] = true
	}
	policyDonors := map[string]bool{}
	for _, p := range c.in.Policies {
		where := fmt.Sprintf("policy %s %s", p.Donor, p.Date)
		policyDonors[p.Donor] = true
		c.checkSource(where, p.Source)
		if !statuses[p.Status] {
			f.problem("%s: status %q is not one of %s", where, p.Status, strings.Join(fairshare.PolicyStatuses, ", "))
		}
		if c.byCode[p.Donor] == nil {
			f.problem("%s: unknown donor", where)
		}
		if p.Date.IsZero() {
			f.problem("%s: no date", where)
		}
		if strings.TrimSpace(p.Scope) == "" {
			f.problem("%s: no scope", where)
		}
	}
	targets := map[string]bool{}
	for _, t := range c.in.Targets {
		targets[t.ID] = true
	}
	totals := 0
	for _, d := range c.in.Datasets {
		if d.URL != "" {
			if msg := CheckURL(d.URL); msg != "" {
				f.problem("dataset %s: %s", d.ID, msg)
			}
		}
		for _, s := range d.Statuses {
			if _, err := fairshare.ParseStatus(s); err != nil {
				f.problem("dataset %s: statuses: %v", d.ID, err)
			}
		}
		for _, cd := range d.NoData {
			if c.byCode[cd] == nil {
				f.problem("dataset %s: no-data donor %q is unknown", d.ID, cd)
			}
		}
		for k, p := range d.Totals {
			totals++
			if p.Target != "" && !targets[p.Target] {
				f.problem("dataset %s: published total %d (%s) refers to target %q, which does not exist", d.ID, k+1, p.Period, p.Target)
			}
			c.checkSource(fmt.Sprintf("dataset %s: published total %d (%s %s)", d.ID, k+1, p.Scope, p.Period),
				fairshare.Source{Publisher: p.Publisher, URL: p.URL})
		}
		for k, n := range d.Unvalued {
			where := fmt.Sprintf("dataset %s: unvalued item %d (%s)", d.ID, k+1, n.Date)
			c.checkSource(where, n.Source)
			if _, ok := ItemDate(n.Date); !ok {
				f.problem("%s: date %q is not YYYY-MM-DD or YYYY-MM", where, n.Date)
			}
			if strings.TrimSpace(n.Note) == "" {
				f.problem("%s: no note saying why it has no amount", where)
			}
		}
	}
	return fmt.Sprintf("checked %d donors, %d indicators, %d rates, %d policy rows (%d donors), %d dataset descriptions with %d published totals: sources, codes, statuses",
		len(c.in.Donors), len(c.in.Indicators), len(c.in.Rates), len(c.in.Policies), len(policyDonors), len(c.in.Datasets), totals)
}

var periodRange = regexp.MustCompile(`^(\d{4})-(\d{2})/(\d{4})-(\d{2})$`)

// toEUR converts a contribution at the rate of its own date.
func (c *checker) toEUR(k *fairshare.Contribution) (fairshare.Amount, error) {
	if k.Currency == "EUR" {
		return k.Amount, nil
	}
	v, _, _, err := c.rates.Convert(k.Amount, k.Currency, "EUR", k.Date)
	return v, err
}

// totals compares each dataset's per-year sums with its published totals.
func (c *checker) totals() []string {
	byDataset := map[string][]*fairshare.Contribution{}
	for i := range c.in.Contributions {
		k := &c.in.Contributions[i]
		byDataset[k.Dataset] = append(byDataset[k.Dataset], k)
	}
	var out []string
	for _, d := range c.in.Datasets {
		checked, skipped := 0, 0
		worst := -1.0
		for _, p := range d.Totals {
			want, ok := publishedEUR(p)
			if !ok || p.Year == 0 || p.Target != "" || len(byDataset[d.ID]) == 0 {
				skipped++
				continue
			}
			from, to := fairshare.NewDate(p.Year, 1, 1), fairshare.NewDate(p.Year, 12, 31)
			if m := periodRange.FindStringSubmatch(p.Period); m != nil {
				var y1, m1, y2, m2 int
				fmt.Sscan(m[1], &y1)
				fmt.Sscan(m[2], &m1)
				fmt.Sscan(m[3], &y2)
				fmt.Sscan(m[4], &m2)
				from = fairshare.NewDate(y1, time.Month(m1), 1)
				to = fairshare.NewDate(y2, time.Month(m2)+1, 1).AddDays(-1)
			}
			inScope, ok := c.scopeFilter(p.Scope)
			if !ok {
				skipped++
				c.f.note("dataset %s: published total for %q %s not checked: unknown scope", d.ID, p.Scope, p.Period)
				continue
			}
			measure := strings.ToLower(p.Measure)
			var sum fairshare.Amount
			for _, k := range byDataset[d.ID] {
				if k.Date.Before(from) || k.Date.After(to) || !inScope(k.Donor) || !measureCounts(measure, k) {
					continue
				}
				eur, err := c.toEUR(k)
				if err != nil {
					continue // reported by the contribution checks
				}
				sum += eur
			}
			checked++
			diff := sum - want
			if diff < 0 {
				diff = -diff
			}
			label := fmt.Sprintf("dataset %s, %s %s: sum EUR %s vs published %s", d.ID, p.Scope, p.Period,
				sum.Format("EUR"), strings.TrimSpace(p.Qualifier+" EUR "+want.Format("EUR")))
			switch p.Qualifier {
			case "":
				if diff > fairshare.Amount(ExactEUR*100) {
					c.f.problem("%s: differs by EUR %s (tolerance EUR %d m)", label, diff.Format("EUR"), ExactEUR/1_000_000)
				}
			case "over":
				if sum*100 < want*(100-AboutPct) {
					c.f.problem("%s: falls short of the stated minimum by more than %d %%", label, AboutPct)
				}
			default: // about
				if diff*100 > want*AboutPct {
					c.f.problem("%s: differs by %.1f %% (tolerance %d %%)", label, pctOf(diff, want), AboutPct)
				}
			}
			worst = max(worst, pctOf(diff, want))
		}
		if checked+skipped == 0 {
			continue
		}
		s := fmt.Sprintf("dataset %s: %d published total(s) checked against its contributions", d.ID, checked)
		if checked > 0 {
			s += fmt.Sprintf(" (exact figures within EUR %d m, 'about' within %d %%; largest difference %.2f %%)", ExactEUR/1_000_000, AboutPct, worst)
		}
		if skipped > 0 {
			s += fmt.Sprintf(", %d not checkable as per-year EUR figures of its rows (cumulative totals are compared below; frames and aggregates are shown beside reports)", skipped)
		}
		out = append(out, s)
	}
	return out
}

// cumulative states, for every dataset total marked "compare":
// "cumulative", what the dataset's rows add up to against it.
func (c *checker) cumulative() []string {
	var out []string
	for _, d := range c.in.Datasets {
		out = append(out, CumulativeLines(d, c.in.Contributions)...)
	}
	return out
}

func pctOf(diff, want fairshare.Amount) float64 {
	if want == 0 {
		return 0
	}
	f, _ := new(big.Rat).SetFrac64(int64(diff)*100, int64(want)).Float64()
	return f
}

// publishedEUR reads a published total's amount in EUR.
func publishedEUR(p fairshare.PublishedTotal) (fairshare.Amount, bool) {
	s := p.AmountEUR
	if s == "" && (p.Currency == "EUR" || p.Currency == "") {
		s = p.Amount
	}
	if s == "" {
		return 0, false
	}
	a, err := fairshare.ParseAmount(s, "EUR")
	return a, err == nil && a > 0
}

// scopeFilter says which donors a published total's scope covers.
func (c *checker) scopeFilter(scope string) (func(string) bool, bool) {
	switch {
	case scope == "" || strings.EqualFold(scope, "all-donors") || strings.EqualFold(scope, "all"):
		return func(string) bool { return true }, true
	case strings.HasPrefix(strings.ToUpper(scope), "NATO"):
		return func(code string) bool { d := c.byCode[code]; return d != nil && d.Kind == "nato" }, true
	case c.byCode[strings.ToUpper(scope)] != nil:
		code := strings.ToUpper(scope)
		return func(x string) bool { return x == code }, true
	}
	return nil, false
}

// measureCounts says whether a contribution falls under a published
// measure's words: military (the NATO pledge categories), allocations
// (delivered), commitments (pledged or committed).
func measureCounts(measure string, k *fairshare.Contribution) bool {
	if strings.Contains(measure, "military") {
		ok := false
		for _, cat := range fairshare.MilitaryCategories {
			ok = ok || k.Category == cat
		}
		if !ok {
			return false
		}
	}
	if strings.Contains(measure, "allocation") && k.Status != fairshare.Delivered {
		return false
	}
	if strings.Contains(measure, "commitment") && !strings.Contains(measure, "allocation") && k.Status == fairshare.Delivered {
		return false
	}
	return true
}

func statusList(m map[fairshare.Status]bool) string {
	var out []string
	for _, st := range fairshare.Statuses {
		if m[st] {
			out = append(out, string(st))
		}
	}
	return strings.Join(out, ", ")
}
