package app

import (
	"context"
	"fmt"
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
	GDPYear       int    // GDP year of the %GDP column; 0: the key year
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
	prec := fairshare.NewPrecedence(s)
	best := map[string]int{}
	for k := range cs {
		c := &cs[k]
		g, ok := prec.Group(c.Dataset)
		if !ok || !t.Counts(c) {
			continue
		}
		if b, seen := best[c.Donor]; prec.Prefer(g, b, seen) {
			best[c.Donor] = g
		}
	}
	var out []fairshare.Contribution
	for k := range cs {
		c := &cs[k]
		if g, ok := prec.Group(c.Dataset); ok {
			if b, seen := best[c.Donor]; seen && b == g {
				out = append(out, *c)
			}
		}
	}
	of := map[string]string{}
	for d, g := range best {
		of[d] = prec.Name(g)
	}
	return out, of
}

// reportPlan is a validated report request: what the engine and the
// reference path both compute from.
type reportPlan struct {
	ref     *Reference
	sel     Selection
	in      fairshare.ReportInput // without Contributions, DatasetOf and NoData
	current bool                  // no --as-of: the ledger as it stands
}

// noData lists the donors the selected datasets do not cover, given the
// group that counted per donor.
func (p *reportPlan) noData(datasetOf map[string]string) map[string]bool {
	noData := map[string]bool{}
	sel := p.sel
	if sel == nil { // a CSV file's datasets, all counted: those that counted for someone
		seen := map[string]bool{}
		for _, g := range datasetOf {
			if !seen[g] {
				seen[g] = true
				sel = append(sel, strings.Split(g, "+"))
			}
		}
	}
	for _, g := range sel {
		for _, d := range g {
			if ds, ok := p.ref.Dataset(d); ok {
				for _, c := range ds.NoData {
					if datasetOf[c] == "" {
						noData[c] = true
					}
				}
			}
		}
	}
	return noData
}

func (a *App) planReport(ctx context.Context, req ReportRequest) (*reportPlan, error) {
	return a.planReportAt(ctx, req, a.freshMark(ctx))
}

func (a *App) planReportAt(ctx context.Context, req ReportRequest, mark dataMark) (*reportPlan, error) {
	ref, err := a.referenceAt(ctx, mark)
	if err != nil {
		return nil, err
	}
	p, err := planFor(ref, req, true)
	if err != nil || req.AsOf.IsZero() {
		return p, err
	}
	// Targets are versioned: a report as of a past time uses the
	// definition in force then.
	t, err := a.targetAsOf(ctx, mark, req.Target, req.AsOf)
	if err != nil {
		return nil, err
	}
	p.in.Target = t
	return p, nil
}

// targetAsOf is Store.TargetAsOf; on SQLite it answers from the targets'
// history, read again only when something was committed since
// (stampcheck.go): a server answering reports as of many times would
// otherwise query and parse every target's definition for each.
func (a *App) targetAsOf(ctx context.Context, mark dataMark, id string, asOf time.Time) (fairshare.Target, error) {
	if !mark.ok {
		return a.store.TargetAsOf(ctx, id, asOf)
	}
	a.mu.Lock()
	h, hm := a.targets, a.targetsMark
	a.mu.Unlock()
	if h == nil || !hm.unchanged(mark) {
		var err error
		if h, err = a.sql.TargetHistory(ctx); err != nil {
			return fairshare.Target{}, err
		}
		a.mu.Lock()
		a.targets, a.targetsMark = h, mark // mark read before the history
		a.mu.Unlock()
	}
	return h.Target(id, asOf)
}

// planFor validates a request against reference data; knownDatasets says
// the selected datasets must be described there (the database's), which a
// CSV file's own datasets need not be.
func planFor(ref *Reference, req ReportRequest, knownDatasets bool) (*reportPlan, error) {
	t, err := ref.Target(req.Target)
	if err != nil {
		return nil, err
	}
	sel, err := ParseSelection(req.Datasets)
	if err != nil {
		return nil, err
	}
	sel = sel.withSupplements(ref.Datasets)
	for _, g := range sel {
		for _, d := range g {
			if _, ok := ref.Dataset(d); knownDatasets && !ok && d != "user" {
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
	var published []fairshare.PublishedTotal
	for _, ds := range ref.Datasets {
		for _, p := range ds.Totals {
			if p.Target == t.ID {
				published = append(published, p)
			}
		}
	}
	cur := strings.ToUpper(req.Currency)
	return &reportPlan{ref: ref, sel: sel, current: req.AsOf.IsZero(), in: fairshare.ReportInput{
		Target: t, Key: req.Key, KeyYear: req.KeyYear, GDPYear: req.GDPYear, CustomWeights: req.CustomWeights,
		Currency: cur, AsOf: asOf, Donors: ref.Donors, Indicators: ref.Indicators, Rates: ref.Rates,
		Datasets: sel.String(), Published: published,
	}}, nil
}

// Report computes a report from the ledger as it stood at req.AsOf: with
// the in-memory engine (see engine.go), or the reference path when the
// engine cannot answer exactly. Both give the same report.
func (a *App) Report(ctx context.Context, req ReportRequest) (*fairshare.Report, error) {
	a.startEngine(ctx) // engine.go: read while the plan reads the reference data
	// One look at the database's data_version serves the reference data's
	// and the engine's checks (stampcheck.go).
	mark := a.freshMark(ctx)
	p, err := a.planReportAt(ctx, req, mark)
	if err != nil {
		return nil, err
	}
	rep, err, ok := a.engineReport(ctx, p, mark)
	if !ok {
		rep, err = a.reportSlow(ctx, p)
	}
	if err == nil {
		rep.Notes = a.releaseNotes(p)
		a.warnLeftOut(ctx, p, rep, !ok)
	}
	return rep, err
}

// releaseNotes says which counted datasets were published after the ledger
// time asked for: their figures are not in such a report, which is right
// (the ledger did not hold them yet) but easy to mistake for zeros.
func (a *App) releaseNotes(p *reportPlan) []string {
	ref := p.ref // what the report was planned with
	var notes []string
	for _, g := range p.sel {
		for _, id := range g {
			d, ok := ref.Dataset(id)
			if !ok {
				continue
			}
			if rel, err := fairshare.ParseDate(d.ReleaseDate); err == nil && rel.Time().After(p.in.AsOf) {
				notes = append(notes, fmt.Sprintf("%s was released on %s, after the ledger time asked for: its figures are not counted", id, d.ReleaseDate))
			}
		}
	}
	return notes
}

// ReportSlow computes a report by the reference path: the current versions
// from the database, Selection.Choose and fairshare.Compute on every row.
func (a *App) ReportSlow(ctx context.Context, req ReportRequest) (*fairshare.Report, error) {
	p, err := a.planReport(ctx, req)
	if err != nil {
		return nil, err
	}
	rep, err := a.reportSlow(ctx, p)
	if err == nil {
		rep.Notes = a.releaseNotes(p)
		a.warnLeftOut(ctx, p, rep, true)
	}
	return rep, err
}

func (a *App) reportSlow(ctx context.Context, p *reportPlan) (*fairshare.Report, error) {
	in := p.in
	t := in.Target
	all, err := a.store.Contributions(ctx, fairshare.ContributionFilter{AsOf: in.AsOf, From: t.Start, To: t.End})
	if err != nil {
		return nil, err
	}
	in.Contributions, in.DatasetOf = p.sel.Choose(all, &t)
	in.NoData = p.noData(in.DatasetOf)
	return fairshare.Compute(in)
}
