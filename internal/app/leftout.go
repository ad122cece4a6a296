package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/engine"
)

// withSupplements adds to each group the datasets marked as a supplement of
// one of its datasets, unless the selection already names them.
func (s Selection) withSupplements(ds []fairshare.Dataset) Selection {
	named := map[string]bool{}
	for _, g := range s {
		for _, d := range g {
			named[d] = true
		}
	}
	out := make(Selection, len(s))
	for i, g := range s {
		out[i] = append([]string(nil), g...)
		for _, d := range ds {
			if d.SupplementOf != "" && slices.Contains(g, d.SupplementOf) && !named[d.ID] {
				out[i] = append(out[i], d.ID)
				named[d.ID] = true
			}
		}
	}
	return out
}

// warnLeftOut sets rep.LeftOut to the datasets the selection leaves out that
// hold entries the report would count, and says so in its notes. Shipped
// datasets are documented alternatives to each other (see
// docs/datasets.md) and are not listed; every other dataset is: entries
// someone recorded must never be silently ignored, nor silently added.
// slow says the report came from the reference path: the sub-reports then
// do too, so that both paths agree.
func (a *App) warnLeftOut(ctx context.Context, p *reportPlan, rep *fairshare.Report, slow bool) {
	shipped := shippedDatasets()
	in := map[string]bool{}
	for _, g := range p.sel {
		for _, d := range g {
			in[d] = true
		}
	}
	// The engine the report was computed from, as it is: checking the
	// database again for each dataset would cost a stamp query each.
	var eng *engine.Engine
	if !slow {
		st := a.engineState()
		st.mu.Lock()
		eng = st.eng
		st.mu.Unlock()
	}
	var left []string
	for _, d := range a.ledgerDatasets(ctx, eng) {
		if in[d] || shipped[d] {
			continue
		}
		sub := *p
		sub.sel = Selection{{d}}
		sub.in.Datasets = d
		var r *fairshare.Report
		var err error = engine.ErrFallback
		if eng != nil {
			r, err = eng.Report(engine.Query{Input: sub.in, Selection: sub.sel, NoData: sub.noData, Current: sub.current, Ref: sub.ref})
		}
		if errors.Is(err, engine.ErrFallback) {
			r, err = a.reportSlow(ctx, &sub)
		}
		if err != nil {
			continue
		}
		for _, row := range r.Rows {
			if row.Counted != 0 {
				left = append(left, d)
				break
			}
		}
	}
	sort.Strings(left)
	rep.LeftOut = left
	if len(left) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("not counted: %s, which holds entries for this period that the selection %s leaves out; to count them, choose them by name (e.g. --dataset %s,%s: per donor, the first with entries wins)",
			strings.Join(left, ", "), p.sel, left[0], p.sel))
	}
}

// ledgerDatasets lists the datasets the ledger holds entries of: from the
// engine when it runs, else from the database.
func (a *App) ledgerDatasets(ctx context.Context, eng *engine.Engine) []string {
	if eng != nil {
		return eng.Datasets()
	}
	ds, _ := a.store.LedgerDatasets(ctx)
	return ds
}
