package app

import (
	"context"
	"fmt"
	"time"

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

// ReportMonthly sums what req's report counts by calendar month, each day's
// sum in one currency converted at that day's rate. It reads the grouped
// ledger (never rows) and keeps the result per ledger version; callers must
// not change it.
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
	codes, _ := t.ParticipantCodes(p.in.Donors)
	var asOf time.Time
	if !p.current {
		asOf = p.in.AsOf
	}
	v, err := a.view(ctx, asOf)
	if err != nil {
		return nil, err
	}
	// The target's definition, not its id: as of a past time it may differ.
	key := fmt.Sprintf("%s|%s|%s|%v|%v|%q|%s|%q", t.ID, t.Start, t.End, t.Statuses, t.Categories, p.sel, cur, codes)
	v.mu.Lock()
	m, ok := v.reportMonthly[key]
	v.mu.Unlock()
	if ok {
		return m, nil
	}
	if m, err = v.monthlyGiving(p, &t, cur, codes); err != nil {
		return nil, err
	}
	v.mu.Lock()
	if v.reportMonthly == nil || len(v.reportMonthly) >= 64 {
		v.reportMonthly = map[string]*MonthlyGiving{}
	}
	v.reportMonthly[key] = m
	v.mu.Unlock()
	return m, nil
}

// monthlyGiving chooses the groups as Selection.Choose chooses rows: per
// donor, the first dataset group of the selection with anything counted.
func (v *ledgerView) monthlyGiving(p *reportPlan, t *fairshare.Target, cur string, codes []string) (*MonthlyGiving, error) {
	prec := fairshare.NewPrecedence(p.sel)
	counts := func(g *fairshare.LedgerGroup) bool {
		return g.Count > 0 && t.CountsKind(g.Category, g.Status) && !g.Day.Before(t.Start) && !g.Day.After(t.End)
	}
	first := t.Start.Year()*12 + int(t.Start.Month()) - 1
	n := t.End.Year()*12 + int(t.End.Month()) - first
	m := &MonthlyGiving{Currency: cur, First: first, Total: make([]fairshare.Amount, n), ByDonor: map[string][]fairshare.Amount{}}
	done := map[string]bool{}
	for _, donor := range codes {
		if done[donor] {
			continue
		}
		done[donor] = true
		idx := v.byDonor[donor]
		best, seen := 0, false
		for _, i := range idx {
			g := v.groups[i]
			pg, ok := prec.Group(g.Dataset)
			if !ok || !counts(g) {
				continue
			}
			if prec.Prefer(pg, best, seen) {
				best, seen = pg, true
			}
		}
		if !seen {
			continue
		}
		for _, i := range idx {
			g := v.groups[i]
			if pg, ok := prec.Group(g.Dataset); !ok || pg != best || !counts(g) {
				continue
			}
			k := g.Day.Year()*12 + int(g.Day.Month()) - 1 - first
			if k < 0 || k >= n {
				continue
			}
			x, err := p.in.Rates.ConvertAmount(g.Sum, g.Currency, cur, g.Day)
			if err != nil {
				return nil, fmt.Errorf("contributions of %s in %s on %s: %w", g.Donor, g.Currency, g.Day, err)
			}
			if m.ByDonor[donor] == nil {
				m.ByDonor[donor] = make([]fairshare.Amount, n)
			}
			m.ByDonor[donor][k] += x
			m.Total[k] += x
		}
	}
	return m, nil
}
