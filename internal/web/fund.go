package web

import (
	"math/big"

	"github.com/fairshare/fairshare"
)

// A target still running at the report's ledger time (the proposed fund
// runs 2025-2029) must not set two years of giving against five years of
// shares. toDate cuts each share to what is due so far: past years in full,
// the current year pro rata by days, later years not at all.

// dueFraction is the part of year y's tranche due by asOf.
func dueFraction(t fairshare.Target, y int, asOf fairshare.Date) (num, den int64) {
	start := fairshare.NewDate(y, 1, 1)
	if t.Start.After(start) {
		start = t.Start
	}
	end := fairshare.NewDate(y, 12, 31)
	if t.End.Before(end) {
		end = t.End
	}
	total := int64(end.Days() - start.Days() + 1)
	switch {
	case asOf.Before(start):
		return 0, total
	case !asOf.Before(end):
		return total, total
	}
	return int64(asOf.Days() - start.Days() + 1), total
}

// running tells whether the target is under way at the report's time.
func running(rep *fairshare.Report) bool {
	at := fairshare.DateOf(rep.AsOf.UTC())
	return !at.Before(rep.Target.Start) && at.Before(rep.Target.End)
}

// toDate returns the report with fair shares, balances, ratios and totals
// cut to what is due at its ledger time, and whether it cut anything.
func toDate(rep *fairshare.Report) (*fairshare.Report, bool) {
	if !running(rep) {
		return rep, false
	}
	at := fairshare.DateOf(rep.AsOf.UTC())
	cp := *rep
	cp.Rows = make([]fairshare.Row, len(rep.Rows))
	cp.Total, cp.Shortfall = 0, 0
	for i, r := range rep.Rows {
		var due fairshare.Amount
		for _, y := range r.Years {
			num, den := dueFraction(rep.Target, y.Year, at)
			// Rounded half up to the minor unit; exact enough for display.
			due += fairshare.Amount((int64(y.Target)*num*2 + den) / (2 * den))
		}
		r.FairShare = due
		r.Balance = r.Counted - due
		r.Ratio = nil
		if due != 0 {
			r.Ratio = new(big.Rat).SetFrac64(int64(r.Counted), int64(due))
		}
		cp.Total += due
		if r.Balance < 0 {
			cp.Shortfall -= r.Balance
		}
		cp.Rows[i] = r
	}
	return &cp, true
}

// yearView is one row of a running target's year-by-year table.
type yearView struct {
	Year                             string
	Due, Counted, CumDue, CumCounted string
	Ratio                            string
	Current, Future                  bool
}

// yearViews lists the full report's years with what was due and counted,
// each year and to date.
func yearViews(lang string, full *fairshare.Report) []yearView {
	at := fairshare.DateOf(full.AsOf.UTC())
	cur := full.Currency
	var out []yearView
	var cumDue fairshare.Amount
	for _, y := range full.Years {
		num, den := dueFraction(full.Target, y.Year, at)
		due := fairshare.Amount((int64(y.Target)*num*2 + den) / (2 * den))
		cumDue += due
		v := yearView{Year: itoa(y.Year), Due: Millions(lang, y.Target, cur), Counted: Millions(lang, y.Counted, cur),
			CumDue: Millions(lang, cumDue, cur), CumCounted: Millions(lang, y.CumCounted, cur),
			Current: num > 0 && num < den, Future: num == 0}
		if cumDue > 0 {
			v.Ratio = Pct(lang, ratioOf(y.CumCounted, cumDue), 0)
		}
		if v.Future {
			v.Counted, v.CumDue, v.CumCounted, v.Ratio = "—", "—", "—", "—"
		}
		out = append(out, v)
	}
	return out
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
