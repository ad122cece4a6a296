package app

import (
	"context"
	"fmt"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/verify"
)

// Verify checks everything shipped and stored by the rules of
// internal/verify: the embedded data parses, and every contribution,
// reference row, policy and published total passes. The summary's first
// line counts the shipped rows that parse.
func (a *App) Verify(ctx context.Context) (verify.Findings, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return verify.Findings{}, err
	}
	var embedded []string
	shippedRows := 0
	if _, err := refdata.Load(); err != nil {
		embedded = append(embedded, fmt.Sprintf("embedded reference data: %v", err))
	}
	shipped, err := refdata.Datasets()
	if err != nil {
		embedded = append(embedded, fmt.Sprintf("embedded dataset descriptions: %v", err))
	}
	for _, d := range shipped {
		cs, ok, err := refdata.Contributions(d.ID, ref)
		if err != nil {
			embedded = append(embedded, fmt.Sprintf("shipped dataset %s: %v", d.ID, err))
		}
		if ok {
			shippedRows += len(cs)
		}
	}
	in := verify.Input{Donors: ref.Donors, Datasets: ref.Datasets, Targets: ref.Targets}
	if in.Contributions, err = a.store.Contributions(ctx, fairshare.ContributionFilter{}); err != nil {
		return verify.Findings{}, err
	}
	if in.Indicators, err = a.store.Indicators(ctx); err != nil {
		return verify.Findings{}, err
	}
	if in.Rates, err = a.store.Rates(ctx); err != nil {
		return verify.Findings{}, err
	}
	if in.Policies, err = a.store.Policies(ctx); err != nil {
		return verify.Findings{}, err
	}
	res := verify.Check(in)
	res.Problems = append(embedded, res.Problems...)
	res.Summary = append([]string{fmt.Sprintf("embedded data: %d shipped dataset(s), %d shipped contribution rows parse", len(shipped), shippedRows)}, res.Summary...)
	return res, nil
}
