package main

import (
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/refdata"
)

func init() {
	register("data verify", "check shipped and stored data: sources, codes, rates, duplicates, published totals", runDataVerify)
}

// Tolerances of the published-totals check.
const (
	// verifyExactEUR is how far (EUR) a dataset's sum may be from a published
	// figure given without qualifier: Kiel's per-year all-donor totals are
	// sums of monthly figures published in EUR thousands, so rounding stays
	// far below EUR 1 m.
	verifyExactEUR = 1_000_000
	// verifyAboutPct is how far (per cent) a sum may be from an "about"
	// figure (rounded by the publisher, e.g. to EUR 0.1 bn); an "over" figure
	// must be reached to within the same margin.
	verifyAboutPct = 5
)

// verifier collects problems (which fail the check) and notes (which do not).
type verifier struct {
	problems []string
	notes    []string
}

func (v *verifier) problem(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *verifier) note(format string, args ...any) {
	v.notes = append(v.notes, fmt.Sprintf(format, args...))
}

// checkURL reports what is wrong with a source URL, or "".
func checkURL(s string) string {
	if strings.TrimSpace(s) == "" {
		return "no source URL"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("source URL %q is not an http(s) URL", s)
	}
	return ""
}

func shortID(id string) string { return id[:min(8, len(id))] }

func runDataVerify(e *env, args []string) error {
	f := newFlags(e, "data verify", "", fmt.Sprintf(`Checks everything shipped and stored:
  - the embedded reference data and shipped datasets parse;
  - every current contribution: an http(s) source URL, a known donor, a
    currency with a rate on its date, a valid category and status, and no
    duplicates (same id, or the same donor, recipient, date, amount,
    currency, category, status and description twice in one dataset);
  - every donor, indicator (GDP, population), rate and policy row has an
    http(s) source URL; donors' currencies have rates; policy statuses are
    prohibited, limited, allowed or unknown; rows name known donors;
  - each dataset's sums match the totals its description says were
    published, per year and scope (all donors, NATO allies, one donor):
    figures given exactly within EUR %d m, "about" figures within %d %%, and
    "over" figures reached to within %d %%. Totals that are not per-year EUR
    figures of the dataset's own rows (cumulative frames, NATO's aggregates)
    are listed as not checked.
Exits 1 and lists the problems if there are any.`, verifyExactEUR/1_000_000, verifyAboutPct, verifyAboutPct), false)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, ref, err := openWithRef(e, f)
	if err != nil {
		return err
	}
	defer a.Close()
	v := &verifier{}
	var summary []string

	// Embedded data.
	shippedRows := 0
	if _, err := refdata.Load(); err != nil {
		v.problem("embedded reference data: %v", err)
	}
	shipped, err := refdata.Datasets()
	if err != nil {
		v.problem("embedded dataset descriptions: %v", err)
	}
	for _, d := range shipped {
		cs, ok, err := refdata.Contributions(d.ID, ref)
		if err != nil {
			v.problem("shipped dataset %s: %v", d.ID, err)
		}
		if ok {
			shippedRows += len(cs)
		}
	}
	summary = append(summary, fmt.Sprintf("embedded data: %d shipped dataset(s), %d shipped contribution rows parse", len(shipped), shippedRows))

	// Contributions.
	cs, err := a.ListContributions(e.ctx, fairshare.ContributionFilter{})
	if err != nil {
		return err
	}
	datasets := verifyContributions(v, ref, cs)
	summary = append(summary, fmt.Sprintf("checked %d contributions in %d datasets (%s): source URLs, donors, currencies and rates, categories, statuses, duplicate ids and content",
		len(cs), len(datasets), strings.Join(datasets, ", ")))

	// Reference data.
	n, err := verifyReference(e, a, v, ref)
	if err != nil {
		return err
	}
	summary = append(summary, n)

	// Published totals.
	summary = append(summary, verifyTotals(v, ref, cs)...)

	for _, s := range summary {
		fmt.Fprintln(e.stdout, s)
	}
	for _, s := range v.notes {
		fmt.Fprintln(e.stdout, "note:", s)
	}
	if len(v.problems) > 0 {
		fmt.Fprintf(e.stdout, "\n%d problem(s):\n", len(v.problems))
		for _, p := range v.problems {
			fmt.Fprintln(e.stdout, "  -", p)
		}
		return fmt.Errorf("%d problem(s) found (listed above)", len(v.problems))
	}
	fmt.Fprintln(e.stdout, "OK")
	return nil
}

// verifyContributions checks each current contribution and returns the
// datasets seen.
func verifyContributions(v *verifier, ref *app.Reference, cs []fairshare.Contribution) []string {
	ids := map[string]int{}
	content := map[string]string{}
	perDataset := map[string]int{}
	for i := range cs {
		c := &cs[i]
		perDataset[c.Dataset]++
		where := fmt.Sprintf("contribution %s (%s %s %s %s, dataset %s)", shortID(c.ID), c.Donor, c.Date, c.Amount.Format(c.Currency), c.Currency, c.Dataset)
		if msg := checkURL(c.Source.URL); msg != "" {
			v.problem("%s: %s", where, msg)
		}
		if !ref.KnownDonor(c.Donor) {
			v.problem("%s: unknown donor %q", where, c.Donor)
		}
		if !ref.KnownCurrency(c.Currency) {
			v.problem("%s: currency %q has no rates", where, c.Currency)
		} else if _, err := ref.Rates.Lookup(c.Currency, c.Date); err != nil {
			v.problem("%s: %v", where, err)
		}
		if _, err := fairshare.ParseCategory(string(c.Category)); err != nil {
			v.problem("%s: %v", where, err)
		}
		if _, err := fairshare.ParseStatus(string(c.Status)); err != nil {
			v.problem("%s: %v", where, err)
		}
		if err := c.Validate(); err != nil {
			v.problem("%s: %v", where, err)
		}
		ids[c.ID]++
		if ids[c.ID] == 2 {
			v.problem("duplicate id %s", c.ID)
		}
		key := strings.Join([]string{c.Dataset, c.Donor, c.Recipient, c.Date.String(), fmt.Sprint(int64(c.Amount)), c.Currency,
			string(c.Category), string(c.Status), c.Description}, "\x00")
		if first, dup := content[key]; dup {
			v.problem("duplicate content in dataset %s: contributions %s and %s are both %s %s %s %s, %s, %s (%q)",
				c.Dataset, shortID(first), shortID(c.ID), c.Donor, c.Date, c.Amount.Format(c.Currency), c.Currency,
				c.Category, c.Status, trunc(c.Description, 60))
		} else {
			content[key] = c.ID
		}
	}
	var names []string
	for d, n := range perDataset {
		names = append(names, fmt.Sprintf("%s %d", d, n))
		if _, ok := ref.Dataset(d); !ok && d != "user" {
			v.note("dataset %s (%d contributions) has no description; reports refuse it until one is recorded (e.g. by 'fairshare import kiel')", d, n)
		}
	}
	sort.Strings(names)
	return names
}

func verifyReference(e *env, a *app.App, v *verifier, ref *app.Reference) (string, error) {
	kinds := map[string]bool{"nato": true, "eu-institution": true, "other": true}
	noRate := map[string][]string{} // currency -> donors using it
	for _, d := range ref.Donors {
		if msg := checkURL(d.Source.URL); msg != "" {
			v.problem("donor %s: %s", d.Code, msg)
		}
		if !kinds[d.Kind] {
			v.problem("donor %s: kind %q is not nato, eu-institution or other", d.Code, d.Kind)
		}
		for _, p := range d.Currencies {
			if !ref.KnownCurrency(p.Code) {
				noRate[p.Code] = append(noRate[p.Code], d.Code)
			}
		}
	}
	if len(noRate) > 0 {
		var cs []string
		for c, ds := range noRate {
			cs = append(cs, c+" ("+strings.Join(ds, ", ")+")")
		}
		sort.Strings(cs)
		// Not a failure: no contribution uses them (those would be problems
		// above), but none can be recorded in them until rates are added.
		v.note("no rates for donor currencies %s: contributions in them cannot be recorded until rates are added (fx_extra.csv or 'fairshare fx import')", strings.Join(cs, ", "))
	}
	ind, err := a.Indicators(e.ctx)
	if err != nil {
		return "", err
	}
	for _, i := range ind {
		where := fmt.Sprintf("indicator %s %s %d", i.Kind, i.Donor, i.Year)
		if msg := checkURL(i.Source.URL); msg != "" {
			v.problem("%s: %s", where, msg)
		}
		if !ref.KnownDonor(i.Donor) {
			v.problem("%s: unknown donor", where)
		}
		if x, ok := new(big.Rat).SetString(i.Value); !ok || x.Sign() <= 0 {
			v.problem("%s: value %q is not a positive number", where, i.Value)
		}
	}
	rates, err := a.Rates(e.ctx)
	if err != nil {
		return "", err
	}
	for _, r := range rates {
		where := fmt.Sprintf("rate %s %s", r.Currency, r.Period)
		if msg := checkURL(r.Source.URL); msg != "" {
			v.problem("%s: %s", where, msg)
		}
		if x, ok := new(big.Rat).SetString(r.Rate); !ok || x.Sign() <= 0 {
			v.problem("%s: rate %q is not a positive number", where, r.Rate)
		}
	}
	ps, err := a.Policies(e.ctx)
	if err != nil {
		return "", err
	}
	statuses := map[string]bool{}
	for _, s := range fairshare.PolicyStatuses {
		statuses[s] = true
	}
	policyDonors := map[string]bool{}
	for _, p := range ps {
		where := fmt.Sprintf("policy %s %s", p.Donor, p.Date)
		policyDonors[p.Donor] = true
		if msg := checkURL(p.Source.URL); msg != "" {
			v.problem("%s: %s", where, msg)
		}
		if !statuses[p.Status] {
			v.problem("%s: status %q is not one of %s", where, p.Status, strings.Join(fairshare.PolicyStatuses, ", "))
		}
		if !ref.KnownDonor(p.Donor) {
			v.problem("%s: unknown donor", where)
		}
		if p.Date.IsZero() {
			v.problem("%s: no date", where)
		}
		if strings.TrimSpace(p.Scope) == "" {
			v.problem("%s: no scope", where)
		}
	}
	totals := 0
	for _, d := range ref.Datasets {
		if d.URL != "" {
			if msg := checkURL(d.URL); msg != "" {
				v.problem("dataset %s: %s", d.ID, msg)
			}
		}
		for _, c := range d.NoData {
			if !ref.KnownDonor(c) {
				v.problem("dataset %s: no-data donor %q is unknown", d.ID, c)
			}
		}
		for k, p := range d.Totals {
			totals++
			if msg := checkURL(p.URL); msg != "" {
				v.problem("dataset %s: published total %d (%s %s): %s", d.ID, k+1, p.Scope, p.Period, msg)
			}
		}
	}
	return fmt.Sprintf("checked %d donors, %d indicators, %d rates, %d policy rows (%d donors), %d dataset descriptions with %d published totals: sources, codes, statuses",
		len(ref.Donors), len(ind), len(rates), len(ps), len(policyDonors), len(ref.Datasets), totals), nil
}

var periodRange = regexp.MustCompile(`^(\d{4})-(\d{2})/(\d{4})-(\d{2})$`)

// verifyTotals compares each dataset's sums with its published totals.
func verifyTotals(v *verifier, ref *app.Reference, cs []fairshare.Contribution) []string {
	byDataset := map[string][]*fairshare.Contribution{}
	for i := range cs {
		byDataset[cs[i].Dataset] = append(byDataset[cs[i].Dataset], &cs[i])
	}
	var out []string
	for _, d := range ref.Datasets {
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
			inScope, ok := scopeFilter(ref, p.Scope)
			if !ok {
				skipped++
				v.note("dataset %s: published total for %q %s not checked: unknown scope", d.ID, p.Scope, p.Period)
				continue
			}
			measure := strings.ToLower(p.Measure)
			var sum fairshare.Amount
			for _, c := range byDataset[d.ID] {
				if c.Date.Before(from) || c.Date.After(to) || !inScope(c.Donor) || !measureCounts(measure, c) {
					continue
				}
				eur, err := toEUR(ref, c)
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
				if diff > fairshare.Amount(verifyExactEUR*100) {
					v.problem("%s: differs by EUR %s (tolerance EUR %d m)", label, diff.Format("EUR"), verifyExactEUR/1_000_000)
				}
			case "over":
				if sum*100 < want*(100-verifyAboutPct) {
					v.problem("%s: falls short of the stated minimum by more than %d %%", label, verifyAboutPct)
				}
			default: // about
				if diff*100 > want*verifyAboutPct {
					v.problem("%s: differs by %.1f %% (tolerance %d %%)", label, pctOf(diff, want), verifyAboutPct)
				}
			}
			worst = max(worst, pctOf(diff, want))
		}
		if checked+skipped == 0 {
			continue
		}
		s := fmt.Sprintf("dataset %s: %d published total(s) checked against its contributions", d.ID, checked)
		if checked > 0 {
			s += fmt.Sprintf(" (exact figures within EUR %d m, 'about' within %d %%; largest difference %.2f %%)", verifyExactEUR/1_000_000, verifyAboutPct, worst)
		}
		if skipped > 0 {
			s += fmt.Sprintf(", %d not checkable (not a per-year EUR figure of its rows: cumulative frames or aggregates shown beside reports)", skipped)
		}
		out = append(out, s)
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
func scopeFilter(ref *app.Reference, scope string) (func(string) bool, bool) {
	switch {
	case scope == "" || strings.EqualFold(scope, "all-donors") || strings.EqualFold(scope, "all"):
		return func(string) bool { return true }, true
	case strings.HasPrefix(strings.ToUpper(scope), "NATO"):
		return func(c string) bool { d := ref.ByCode[c]; return d != nil && d.Kind == "nato" }, true
	case ref.ByCode[strings.ToUpper(scope)] != nil:
		code := strings.ToUpper(scope)
		return func(c string) bool { return c == code }, true
	}
	return nil, false
}

// measureCounts says whether a contribution falls under a published
// measure's words: military (the NATO pledge categories), allocations
// (delivered), commitments (pledged or committed).
func measureCounts(measure string, c *fairshare.Contribution) bool {
	if strings.Contains(measure, "military") {
		ok := false
		for _, k := range fairshare.MilitaryCategories {
			ok = ok || c.Category == k
		}
		if !ok {
			return false
		}
	}
	if strings.Contains(measure, "allocation") && c.Status != fairshare.Delivered {
		return false
	}
	if strings.Contains(measure, "commitment") && !strings.Contains(measure, "allocation") && c.Status == fairshare.Delivered {
		return false
	}
	return true
}
