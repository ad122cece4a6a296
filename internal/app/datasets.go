package app

import (
	"context"
	"maps"
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
// stands, from the grouped ledger (never its rows): Dataset's figures,
// shaped for the dataset page.
func (a *App) SummariseDataset(ctx context.Context, id string) (*DatasetSummary, error) {
	st, err := a.datasetStats(ctx, id, time.Time{})
	if err != nil {
		return nil, err
	}
	s := &DatasetSummary{Dataset: st.Dataset, Rows: st.Contributions, First: st.FromDate, Last: st.ToDate,
		Unconverted: st.Unconverted, ByYear: map[int]fairshare.Amount{}}
	maps.Copy(s.ByYear, st.byYear)
	for _, ds := range st.Donors { // sorted by donor
		if ds.Contributions > 0 {
			s.Donors = append(s.Donors, ds.Donor)
		}
	}
	return s, nil
}
