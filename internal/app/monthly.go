package app

import (
	"context"
	"fmt"

	"github.com/fairshare/fairshare"
)

// MonthlyGiving is a target's counted contributions month by month: the
// same contributions, datasets and rates as its report, for the time series.
type MonthlyGiving struct {
	Currency string
	// First is the first month (year*12 + month - 1); every slice below has
	// one entry per month from First to the target's end.
	First int
	Total []fairshare.Amount
	// ByDonor holds each participant's months, for donors with any.
	ByDonor map[string][]fairshare.Amount
}

// ReportMonthly sums what req's report counts by calendar month, each
// contribution converted at the rate of its own date.
func (a *App) ReportMonthly(ctx context.Context, req ReportRequest) (*MonthlyGiving, error) {
	p, err := a.planReport(ctx, req)
	if err != nil {
		return nil, err
	}
	t := p.in.Target
	cur := p.in.Currency
	if cur == "" {
		cur = t.Currency
	}
	all, err := a.store.Contributions(ctx, fairshare.ContributionFilter{AsOf: p.in.AsOf, From: t.Start, To: t.End})
	if err != nil {
		return nil, err
	}
	cs, _ := p.sel.Choose(all, &t)
	codes, _ := t.ParticipantCodes(p.in.Donors)
	in := map[string]bool{}
	for _, c := range codes {
		in[c] = true
	}
	first := t.Start.Year()*12 + int(t.Start.Month()) - 1
	n := t.End.Year()*12 + int(t.End.Month()) - first
	m := &MonthlyGiving{Currency: cur, First: first, Total: make([]fairshare.Amount, n), ByDonor: map[string][]fairshare.Amount{}}
	for k := range cs {
		c := &cs[k]
		if !in[c.Donor] || !t.Counts(c) {
			continue
		}
		i := c.Date.Year()*12 + int(c.Date.Month()) - 1 - first
		if i < 0 || i >= n {
			continue
		}
		v, _, _, err := p.in.Rates.Convert(c.Amount, c.Currency, cur, c.Date)
		if err != nil {
			return nil, fmt.Errorf("contribution %s: %w", c.ID, err)
		}
		if m.ByDonor[c.Donor] == nil {
			m.ByDonor[c.Donor] = make([]fairshare.Amount, n)
		}
		m.ByDonor[c.Donor][i] += v
		m.Total[i] += v
	}
	return m, nil
}
