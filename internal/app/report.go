package app

import (
	"context"
	"math/big"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// ReportRequest is what a report is asked for with.
type ReportRequest struct {
	Target        string
	Currency      string
	AsOf          time.Time // zero: now
	Key           string
	KeyYear       int
	Datasets      string // precedence list, e.g. "user,dk-mod,kiel-r29"; "+" joins datasets into one group
	CustomWeights map[string]*big.Rat
}

// Selection is a parsed dataset precedence list: for each donor the first
// group that has counted contributions for it wins; the datasets of a group
// count together.
type Selection [][]string

// ParseSelection reads "user,dk-mod,kiel-r29" or "kiel-r29+user".
func ParseSelection(s string) (Selection, error) {
	if strings.TrimSpace(s) == "" {
		s = DefaultDatasets
	}
	var sel Selection
	for _, g := range strings.Split(s, ",") {
		var group []string
		for _, d := range strings.Split(g, "+") {
			d = strings.TrimSpace(d)
			if d == "" {
				return nil, fairshare.FieldError("dataset", "empty dataset name in "+s)
			}
			group = append(group, d)
		}
		sel = append(sel, group)
	}
	return sel, nil
}

func (s Selection) String() string {
	gs := make([]string, len(s))
	for i, g := range s {
		gs[i] = strings.Join(g, "+")
	}
	return strings.Join(gs, ",")
}

// Choose keeps, for each donor, the contributions of the first group that has
// any counted by t; it returns them with the group that counted per donor.
func (s Selection) Choose(cs []fairshare.Contribution, t *fairshare.Target) ([]fairshare.Contribution, map[string]string) {
	groupOf := map[string]int{}
	for i, g := range s {
		for _, d := range g {
			if _, dup := groupOf[d]; !dup {
				groupOf[d] = i
			}
		}
	}
	best := map[string]int{}
	for k := range cs {
		c := &cs[k]
		g, ok := groupOf[c.Dataset]
		if !ok || !t.Counts(c) {
			continue
		}
		if b, seen := best[c.Donor]; !seen || g < b {
			best[c.Donor] = g
		}
	}
	var out []fairshare.Contribution
	for k := range cs {
		c := &cs[k]
		if g, ok := groupOf[c.Dataset]; ok {
			if b, seen := best[c.Donor]; seen && b == g {
				out = append(out, *c)
			}
		}
	}
	of := map[string]string{}
	for d, g := range best {
		of[d] = strings.Join(s[g], "+")
	}
	return out, of
}

// Report computes a report from the ledger as it stood at req.AsOf.
func (a *App) Report(ctx context.Context, req ReportRequest) (*fairshare.Report, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	t, err := ref.Target(req.Target)
	if err != nil {
		return nil, err
	}
	sel, err := ParseSelection(req.Datasets)
	if err != nil {
		return nil, err
	}
	for _, g := range sel {
		for _, d := range g {
			if _, ok := ref.Dataset(d); !ok && d != "user" {
				return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no dataset %q (see 'fairshare datasets list')", d)
			}
		}
	}
	if req.Key != "" && req.Key != fairshare.KeyCustom && fairshare.KeyDocs[req.Key] == "" {
		return nil, fairshare.FieldError("key", "unknown key "+req.Key+" (want gdp, population, equal or custom)")
	}
	if req.Key == fairshare.KeyCustom && req.CustomWeights == nil {
		return nil, fairshare.FieldError("key", "custom key needs a weights file (--weights FILE)")
	}
	asOf := req.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	all, err := a.Store.Contributions(ctx, fairshare.ContributionFilter{AsOf: asOf, From: t.Start, To: t.End})
	if err != nil {
		return nil, err
	}
	chosen, datasetOf := sel.Choose(all, &t)
	noData := map[string]bool{}
	for _, g := range sel {
		for _, d := range g {
			if ds, ok := ref.Dataset(d); ok {
				for _, c := range ds.NoData {
					if datasetOf[c] == "" {
						noData[c] = true
					}
				}
			}
		}
	}
	var published []fairshare.PublishedTotal
	for _, ds := range ref.Datasets {
		for _, p := range ds.Totals {
			if p.Target == t.ID {
				published = append(published, p)
			}
		}
	}
	cur := strings.ToUpper(req.Currency)
	return fairshare.Compute(fairshare.ReportInput{
		Target: t, Key: req.Key, KeyYear: req.KeyYear, CustomWeights: req.CustomWeights,
		Currency: cur, AsOf: asOf, Donors: ref.Donors, Indicators: ref.Indicators, Rates: ref.Rates,
		Contributions: chosen, Datasets: sel.String(), DatasetOf: datasetOf, NoData: noData, Published: published,
	})
}
