package app

import (
	"context"
	"maps"
	"sort"
	"time"

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
	// each day's sum in one currency at that day's rate; Unconverted counts
	// rows whose currency has no rate.
	ByYear      map[int]fairshare.Amount
	Unconverted int
}

// SummariseDataset sums one dataset's contributions in the ledger as it
// stands, from the grouped ledger (never its rows), kept per ledger version.
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
	v, err := a.view(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	s := &DatasetSummary{Dataset: d, ByYear: map[int]fairshare.Amount{}}
	st := v.datasetStats(ref)[id]
	if st == nil {
		return s, nil
	}
	s.Rows, s.First, s.Last, s.Unconverted = st.Contributions, st.FromDate, st.ToDate, st.Unconverted
	maps.Copy(s.ByYear, st.byYear)
	for c, ds := range st.byDonor {
		if ds.Contributions > 0 {
			s.Donors = append(s.Donors, c)
		}
	}
	sort.Strings(s.Donors)
	return s, nil
}
