package app

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// CompareRequest asks for two dataset selections side by side over a
// target's period.
type CompareRequest struct {
	Target   string
	Currency string
	AsOf     time.Time // zero: now
	Key      string    // for the fair share column; "" the target's
	KeyYear  int
	A, B     string // dataset selections, e.g. "kiel-r29" and "dk-mod"
}

// CompareRow is one participant of the target in a comparison.
type CompareRow struct {
	Donor      string   `json:"donor"`
	Name       string   `json:"name"`
	NameDA     string   `json:"-"`
	A          string   `json:"a"`
	B          string   `json:"b"`
	HasA       bool     `json:"has_a"` // A has data for the donor (see Coverage)
	HasB       bool     `json:"has_b"`
	NoDataA    bool     `json:"no_data_a,omitempty"` // A says it does not track the donor
	NoDataB    bool     `json:"no_data_b,omitempty"`
	Difference *string  `json:"difference"` // B - A, only when both have data
	Ratio      *float64 `json:"ratio"`      // B / A, only when both have data and A is not zero
	In         string   `json:"in"`         // both, a, b, neither
	// StatusesA and StatusesB are the statuses of the contributions each
	// side counts for the donor (e.g. delivered for Kiel's allocations,
	// committed for a ministry's packages).
	StatusesA []string `json:"statuses_a"`
	StatusesB []string `json:"statuses_b"`
	// Note says in words when the two sides count different statuses: then
	// the ratio sets, say, commitments against deliveries.
	Note string `json:"note,omitempty"`

	FairShare                      fairshare.Amount `json:"-"`
	CountedA, CountedB, DiffAmount fairshare.Amount `json:"-"`
}

// CompareTotals sums a comparison.
type CompareTotals struct {
	A          string `json:"a"`
	B          string `json:"b"`
	Difference string `json:"difference"` // over the donors in both
	Both       int    `json:"donors_in_both"`
	OnlyA      int    `json:"donors_only_in_a"`
	OnlyB      int    `json:"donors_only_in_b"`
}

// Comparison is two datasets counted alone for one target, per donor.
type Comparison struct {
	Target   string        `json:"target"`
	Name     string        `json:"name"`
	Start    string        `json:"start"`
	End      string        `json:"end"`
	Currency string        `json:"currency"`
	AsOf     string        `json:"as_of"`
	A        string        `json:"a"`
	B        string        `json:"b"`
	Statuses []string      `json:"statuses"` // the statuses the target counts at all
	Rows     []CompareRow  `json:"rows"`
	Totals   CompareTotals `json:"totals"`
	BothA    string        `json:"both_a"` // A's sum over the donors in both
	BothB    string        `json:"both_b"`
	OnlyA    []string      `json:"only_a"`
	OnlyB    []string      `json:"only_b"`
	// Notes lists the rows' notes, "DNK: ...", for readers of the totals.
	Notes []string `json:"notes"`

	SumA, SumB, SumBothA, SumBothB fairshare.Amount     `json:"-"`
	Reports                        [2]*fairshare.Report `json:"-"`
	TargetDef                      fairshare.Target     `json:"-"`
}

// Compare counts selections A and B each alone, as a report counting only
// it would (the target's statuses and categories, each contribution at the
// rate of its own date), and sets them side by side per participant, saying
// which statuses each side counts and where they differ.
func (a *App) Compare(ctx context.Context, req CompareRequest) (*Comparison, error) {
	if strings.TrimSpace(req.A) == "" || strings.TrimSpace(req.B) == "" {
		return nil, fairshare.FieldError("datasets", "want two datasets, A and B (e.g. kiel-r29,dk-mod)")
	}
	// Zero (now) asks for the current ledger, which the report engine and
	// the grouped ledger keep up to date rather than read again.
	asked := req.AsOf
	names := [2]string{req.A, req.B}
	var reps [2]*fairshare.Report
	for i, s := range names {
		sel, err := ParseSelection(s)
		if err != nil {
			return nil, err
		}
		names[i] = sel.String()
		reps[i], err = a.Report(ctx, ReportRequest{Target: req.Target, Currency: req.Currency, AsOf: req.AsOf, Key: req.Key, KeyYear: req.KeyYear, Datasets: names[i]})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
	}
	v, err := a.view(ctx, asked)
	if err != nil {
		return nil, err
	}
	return compareReports(v, reps, names), nil
}

// countedStatuses lists the statuses of what row counts: its donor's
// contributions in the group that counted, within the target and counted
// by it.
func (v *ledgerView) countedStatuses(t *fairshare.Target, row *fairshare.Row) []string {
	out := []string{}
	if row.Dataset == "" {
		return out
	}
	// Cached per view: the target's definition is part of the version.
	key := t.ID + " " + row.Dataset + " " + row.Donor
	v.mu.Lock()
	got, ok := v.statuses[key]
	v.mu.Unlock()
	if ok {
		return got
	}
	defer func() {
		v.mu.Lock()
		if v.statuses == nil || len(v.statuses) >= 4096 {
			v.statuses = map[string][]string{}
		}
		v.statuses[key] = out
		v.mu.Unlock()
	}()
	in := strings.Split(row.Dataset, "+")
	for _, i := range v.byDonor[row.Donor] {
		g := v.groups[i]
		if g.Count == 0 {
			continue
		}
		c := fairshare.Contribution{Status: g.Status, Category: g.Category, Date: g.Day}
		if slices.Contains(in, g.Dataset) && t.Counts(&c) && !slices.Contains(out, string(g.Status)) {
			out = append(out, string(g.Status))
		}
	}
	slices.Sort(out)
	return out
}

func compareReports(v *ledgerView, reps [2]*fairshare.Report, names [2]string) *Comparison {
	ra, rb := reps[0], reps[1]
	t := ra.Target
	cur := ra.Currency
	j := &Comparison{Target: t.ID, Name: t.Name, Start: t.Start.String(), End: t.End.String(),
		Currency: cur, AsOf: ra.AsOf.UTC().Format(time.RFC3339), A: names[0], B: names[1], Rows: []CompareRow{},
		OnlyA: []string{}, OnlyB: []string{}, Notes: []string{}, Reports: reps, TargetDef: t}
	for _, s := range t.Statuses {
		j.Statuses = append(j.Statuses, string(s))
	}
	cov := v.coverage()
	byB := map[string]*fairshare.Row{}
	for i := range rb.Rows {
		byB[rb.Rows[i].Donor] = &rb.Rows[i]
	}
	for i := range ra.Rows {
		x := &ra.Rows[i]
		y := byB[x.Donor]
		if y == nil {
			continue
		}
		r := CompareRow{Donor: x.Donor, Name: x.Name, NameDA: x.NameDA,
			HasA: Covers(cov, names[0], x.Donor), HasB: Covers(cov, names[1], x.Donor),
			CountedA: x.Counted, CountedB: y.Counted, FairShare: x.FairShare,
			StatusesA: v.countedStatuses(&t, x), StatusesB: v.countedStatuses(&t, y)}
		r.NoDataA, r.NoDataB = x.NoData && !r.HasA, y.NoData && !r.HasB
		r.DiffAmount = r.CountedB - r.CountedA
		r.A, r.B = r.CountedA.Format(cur), r.CountedB.Format(cur)
		if r.HasA && r.HasB {
			d := r.DiffAmount.Format(cur)
			r.Difference = &d
			r.Note = statusNote(names, r.StatusesA, r.StatusesB)
			if r.Note != "" {
				j.Notes = append(j.Notes, r.Donor+": "+r.Note)
			}
		}
		if r.HasA && r.HasB && r.CountedA > 0 {
			q := new(big.Rat).SetFrac64(int64(r.CountedB), int64(r.CountedA))
			f, _ := q.Float64()
			f = float64(int64(f*10000+0.5)) / 10000
			r.Ratio = &f
		}
		j.SumA += r.CountedA
		j.SumB += r.CountedB
		switch {
		case r.HasA && r.HasB:
			r.In = "both"
			j.Totals.Both++
			j.SumBothA += r.CountedA
			j.SumBothB += r.CountedB
		case r.HasA:
			r.In = "a"
			j.Totals.OnlyA++
			j.OnlyA = append(j.OnlyA, r.Donor)
		case r.HasB:
			r.In = "b"
			j.Totals.OnlyB++
			j.OnlyB = append(j.OnlyB, r.Donor)
		default:
			r.In = "neither"
		}
		j.Rows = append(j.Rows, r)
	}
	j.Totals.A, j.Totals.B, j.Totals.Difference = j.SumA.Format(cur), j.SumB.Format(cur), (j.SumBothB - j.SumBothA).Format(cur)
	j.BothA, j.BothB = j.SumBothA.Format(cur), j.SumBothB.Format(cur)
	return j
}

// statusNote says what the two sides count when it differs: pledged or
// committed is aid announced, delivered is aid provided (Kiel's
// allocations); their ratio is not a like-for-like comparison.
func statusNote(names [2]string, a, b []string) string {
	if slices.Equal(a, b) {
		return ""
	}
	ma, mb := measure(a), measure(b)
	s := fmt.Sprintf("not like for like: %s counts %s (%s), %s counts %s (%s)", names[0], StatusesText(a), ma, names[1], StatusesText(b), mb)
	if ma != mb && len(a) > 0 && len(b) > 0 {
		s += fmt.Sprintf("; B / A sets %s against %s", mb, ma)
	}
	return s
}

// measure names what a set of statuses measures.
func measure(ss []string) string {
	announced, provided := false, false
	for _, s := range ss {
		switch fairshare.Status(s) {
		case fairshare.Delivered:
			provided = true
		default:
			announced = true
		}
	}
	switch {
	case announced && provided:
		return "commitments and deliveries"
	case provided:
		return "deliveries"
	case announced:
		return "commitments"
	}
	return "nothing counted"
}

// StatusesText prints a side's statuses, "-" for none.
func StatusesText(ss []string) string {
	if len(ss) == 0 {
		return "-"
	}
	return strings.Join(ss, "/")
}
