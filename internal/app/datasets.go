package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/fairshare/fairshare"
)

// DatasetSummary is what a dataset holds in the ledger: its coverage and
// its sums per year, to set beside the totals its publisher states.
type DatasetSummary struct {
	Dataset     fairshare.Dataset
	Rows        int
	Donors      []string
	First, Last fairshare.Date
	// ByYear sums the dataset's contributions per calendar year in EUR,
	// each at the rate of its own date; Unconverted counts rows whose
	// currency has no rate.
	ByYear      map[int]fairshare.Amount
	Unconverted int
}

// SummariseDataset reads one dataset's contributions from the ledger as it
// stands.
func (a *App) SummariseDataset(ctx context.Context, id string) (*DatasetSummary, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	d, ok := ref.Dataset(id)
	if !ok && id != "user" {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no dataset %q", id)
	}
	if !ok {
		d = fairshare.Dataset{ID: id, Name: id}
	}
	cs, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: id})
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	s := &DatasetSummary{Dataset: d, Rows: len(cs), ByYear: map[int]fairshare.Amount{}}
	donors := map[string]bool{}
	for k := range cs {
		c := &cs[k]
		donors[c.Donor] = true
		if s.First.IsZero() || c.Date.Before(s.First) {
			s.First = c.Date
		}
		if c.Date.After(s.Last) {
			s.Last = c.Date
		}
		v, _, _, err := ref.Rates.Convert(c.Amount, c.Currency, "EUR", c.Date)
		if err != nil {
			s.Unconverted++
			continue
		}
		s.ByYear[c.Date.Year()] += v
	}
	for c := range donors {
		s.Donors = append(s.Donors, c)
	}
	sort.Strings(s.Donors)
	return s, nil
}
