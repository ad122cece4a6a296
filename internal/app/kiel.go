package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/kiel"
	"github.com/fairshare/fairshare/internal/refdata"
)

// KielImport is a Kiel tracker release read from a file, to record.
type KielImport struct {
	Rows    []fairshare.Contribution
	Release kiel.Release
	Dataset string // "" : the release's own id, e.g. kiel-r29
	Kind    string // what the file was (workbook, data explorer CSV), for the description
	File    string // its base name
	Author  string
	Reason  string
}

// ImportKiel records a Kiel release as one dataset, all or nothing, and
// describes it (unless it is a shipped dataset, whose description stays).
// The double-counting guard: a dataset that already holds contributions
// the file lacks (another file of the same release, e.g. the shipped data
// read from the website's CSVs) is refused (ECONFLICT), since both would
// count the same aid. It returns what was added and the dataset's id.
func (a *App) ImportKiel(ctx context.Context, in KielImport) (fairshare.ImportResult, string, error) {
	cs, rel, file := in.Rows, in.Release, in.File
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.ImportResult{}, "", err
	}
	if len(cs) == 0 {
		return fairshare.ImportResult{}, "", fairshare.Errorf(fairshare.EINVALID, "%s: no contributions found (every row was empty or skipped)", file)
	}
	ds := rel.Dataset()
	if in.Dataset != "" {
		ds = in.Dataset
	}
	var unknown []string
	seenUnknown := map[string]bool{}
	ids := map[string]bool{}
	for i := range cs {
		c := &cs[i]
		c.Dataset = ds
		if !ref.KnownDonor(c.Donor) && !seenUnknown[c.Donor] {
			seenUnknown[c.Donor] = true
			unknown = append(unknown, c.Donor)
		}
		if err := c.Validate(); err != nil {
			return fairshare.ImportResult{}, ds, fmt.Errorf("%s: %s %s: %w", file, c.Donor, c.Date, err)
		}
		ids[c.NaturalID()] = true
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fairshare.ImportResult{}, ds, fairshare.Errorf(fairshare.EINVALID, "%s: donor(s) %s are not in fairshare's donor list (see 'fairshare donors list'); nothing imported",
			file, strings.Join(unknown, ", "))
	}
	existing, err := a.store.Contributions(ctx, fairshare.ContributionFilter{Dataset: ds})
	if err != nil {
		return fairshare.ImportResult{}, ds, err
	}
	other := 0
	for _, c := range existing {
		if !ids[c.ID] {
			other++
		}
	}
	if other > 0 {
		return fairshare.ImportResult{}, ds, fairshare.Errorf(fairshare.ECONFLICT,
			"dataset %s already holds %d contribution(s) that %s does not contain (another file of the same release, e.g. the shipped data read from the website's CSVs); adding these would count the same aid twice. Nothing imported: choose another dataset with --dataset NAME (e.g. %s-workbook)",
			ds, other, file, ds)
	}
	res, err := a.AddContributions(ctx, cs, fairshare.Change{Author: in.Author, Reason: in.Reason})
	if err != nil {
		return res, ds, err
	}
	if !shippedDataset(ds) {
		d := kielDataset(ds, rel, in.Kind, file, cs)
		if err := a.store.PutDataset(ctx, d); err != nil {
			return res, ds, fmt.Errorf("recorded the contributions, but not the description of dataset %s: %w", ds, err)
		}
	}
	return res, ds, nil
}

// shippedDataset reports whether id is described by the embedded data, whose
// description (with its published totals) an import must not replace.
func shippedDataset(id string) bool {
	ds, err := refdata.Datasets()
	if err != nil {
		return false
	}
	for _, d := range ds {
		if d.ID == id {
			return true
		}
	}
	return false
}

// kielDataset describes an imported release from its rows.
func kielDataset(id string, rel kiel.Release, kind, file string, cs []fairshare.Contribution) fairshare.Dataset {
	var from, to fairshare.Date
	donors := map[string]bool{}
	kinds := map[string]int{}
	for i, c := range cs {
		if i == 0 || c.Date.Before(from) {
			from = c.Date
		}
		if i == 0 || c.Date.After(to) {
			to = c.Date
		}
		donors[c.Donor] = true
		what := map[fairshare.Category]string{fairshare.InKind: "military", fairshare.Financial: "financial",
			fairshare.Humanitarian: "humanitarian"}[c.Category]
		if c.Status == fairshare.Delivered {
			what += " allocations"
		} else {
			what += " commitments"
		}
		kinds[what]++
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	nato := 0
	for _, c := range kiel.NATO() {
		if donors[c] {
			nato++
		}
	}
	var noData []string
	for _, c := range kiel.NotTracked {
		if !donors[c] {
			noData = append(noData, c)
		}
	}
	title := rel.Title()
	if rel.Period != "" {
		title += " (" + rel.Period + ")"
	}
	coverage := fmt.Sprintf("%s per donor and month, %s to %s; %d donors (%d of the %d NATO allies the tracker covers); "+
		"imported from %s (%s); amounts in EUR as Kiel gives them; military aid is recorded as category in-kind "+
		"(Kiel does not split it by NATO cost category); allocations are status delivered (delivered or earmarked), "+
		"commitments pledged; Albania, Montenegro and North Macedonia are not tracked (no data, not zero)",
		strings.Join(ks, ", "), from.String()[:7], to.String()[:7], len(donors), nato, len(kiel.NATO()), file, kind)
	return fairshare.Dataset{
		ID:          id,
		Name:        rel.Name(),
		Publisher:   kiel.Publisher,
		Title:       title,
		ReleaseDate: rel.Date.String(),
		URL:         kiel.URL,
		Licence:     fmt.Sprintf("no licence stated; cite as 'Kiel Institute, Ukraine Support Tracker, Release %d'; derived figures", rel.Number),
		Coverage:    coverage,
		NoData:      noData,
	}
}
