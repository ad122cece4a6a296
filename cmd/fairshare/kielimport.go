package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/kiel"
	"github.com/fairshare/fairshare/internal/refdata"
)

func init() {
	register("import kiel", "import a Kiel Ukraine Support Tracker release (.xlsx workbook or data_explorer.csv)", runImportKiel)
}

// maxKielWarnings is how many of the reader's warnings are printed one by one.
const maxKielWarnings = 10

func runImportKiel(e *env, args []string) error {
	f := newFlags(e, "import kiel", "FILE", `Imports a release of the Kiel Institute's Ukraine Support Tracker into a
dataset named after the release (kiel-r30 for Release 30), all or nothing.

FILE is either
  - the tracker's full workbook (.xlsx, e.g. Ukraine_Support_Tracker_Release_30.xlsx):
    sheet "Bilateral Assistance, MAIN DATA", columns donor, announcement_date,
    month, aid_type_general, measure and tot_sub_activity_value_EUR_redistr
    (found by header text; other columns may come and go). Rows are summed per
    donor, month, aid type and measure: Military -> in-kind, Financial ->
    financial, Humanitarian -> humanitarian; Allocation -> delivered,
    Commitment -> pledged. "." cells are placeholders; negative corrections are
    netted into the same series' other months. The release number comes from
    --release, the file name or the workbook's other sheets;
  - or the website's data_explorer.csv (military allocations per donor and
    month, EUR bn): give --release and --release-date, or keep the website's
    release_info.csv beside it.
A release_info.csv beside FILE also supplies the release date of a workbook.

If the layout changed (a required column or the sheet is missing), the
import fails naming the sheet, the missing columns and the columns found.
Importing the same file again adds nothing. The dataset's description
(name, publisher, release date, coverage computed from the rows) is
recorded and shown by 'fairshare datasets show kiel-rNN'; count it with
'fairshare report TARGET --dataset kiel-rNN'.

An import refuses to add rows to a dataset that already holds other rows
(e.g. the shipped kiel-r29, read from the website's CSVs, when FILE is the
Release 29 workbook): the same aid would count twice. Use --dataset NAME.`, false)
	release := f.Int("release", 0, "release number, e.g. 30 (default: from release_info.csv, the file name or the workbook)")
	releaseDate := f.String("release-date", "", "release publication date YYYY-MM-DD (default: from release_info.csv)")
	dataset := f.String("dataset", "", "dataset to import into (default kiel-rNN after the release)")
	reason := f.String("reason", "", "why (recorded in the history)")
	arg, err := f.one(args, "one FILE (.xlsx or .csv)")
	if err != nil {
		return err
	}
	file := arg
	ext := strings.ToLower(filepath.Ext(file))
	if ext != ".xlsx" && ext != ".xlsm" && ext != ".csv" {
		return usagef("%s: want the tracker workbook (.xlsx) or the website's data_explorer.csv", file)
	}
	if *release < 0 {
		return usagef("--release %d: want a positive release number", *release)
	}
	rel := kiel.Release{Number: *release}
	if *releaseDate != "" {
		if rel.Date, err = fairshare.ParseDate(*releaseDate); err != nil {
			return usagef("--release-date: %v", err)
		}
	}
	info, hasInfo, err := releaseInfoBeside(file)
	if err != nil {
		return err
	}
	if *dataset != "" && !validDatasetID(*dataset) {
		return usagef("--dataset %q: use lower-case letters, digits and '-'", *dataset)
	}
	if _, err := os.Stat(file); err != nil {
		return err
	}

	a, ref, err := openWithRef(e, f)
	if err != nil {
		return err
	}
	defer a.Close()

	var warnings []string
	warn := func(msg string) { warnings = append(warnings, msg) }
	var cs []fairshare.Contribution
	kind := "workbook"
	if ext == ".csv" {
		kind = "data_explorer.csv"
		if hasInfo && (rel.Number == 0 || rel.Number == info.Number) {
			rel.Number = info.Number
			rel.Period, rel.Label = info.Period, info.Label
			if rel.Date.IsZero() {
				rel.Date = info.Date
			}
		}
		if rel.Number == 0 {
			return usagef("%s: which release is it? Give --release N --release-date YYYY-MM-DD, or keep release_info.csv beside it", file)
		}
		r, err := os.Open(file)
		if err != nil {
			return err
		}
		cs, err = kiel.ReadExplorer(r, rel)
		r.Close()
		if err != nil {
			return err
		}
	} else {
		var bar *progress
		opts := kiel.Options{Release: rel, Warn: warn, Progress: func(done, total int) {
			// total is the sheet's row count as the workbook states it (0 or
			// too small when it does not): no bar until it is plausible.
			if bar == nil && total > done {
				bar = newProgress(e, total, "reading "+filepath.Base(file))
			}
			if bar != nil {
				bar.total = max(bar.total, total, done)
				bar.set(done)
			}
		}}
		rel, cs, err = kiel.ReadWorkbookFile(file, opts)
		if bar != nil {
			bar.done()
		}
		if err != nil {
			return err
		}
		if hasInfo && info.Number == rel.Number {
			if rel.Date.IsZero() {
				rel.Date = info.Date
			}
			if rel.Period == "" {
				rel.Period = info.Period
			}
		}
		for i := range cs {
			if cs[i].Source.Date == "" && !rel.Date.IsZero() {
				cs[i].Source.Date = rel.Date.String()
			}
		}
	}
	for i, w := range warnings {
		if i == maxKielWarnings {
			fmt.Fprintf(e.stderr, "warning: ... and %d more\n", len(warnings)-maxKielWarnings)
			break
		}
		fmt.Fprintln(e.stderr, "warning:", w)
	}
	if len(cs) == 0 {
		return fairshare.Errorf(fairshare.EINVALID, "%s: no contributions found (every row was empty or skipped)", file)
	}

	ds := rel.Dataset()
	if *dataset != "" {
		ds = *dataset
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
			return fmt.Errorf("%s: %s %s: %w", file, c.Donor, c.Date, err)
		}
		ids[c.NaturalID()] = true
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fairshare.Errorf(fairshare.EINVALID, "%s: donor(s) %s are not in fairshare's donor list (see 'fairshare donors list'); nothing imported",
			file, strings.Join(unknown, ", "))
	}
	existing, err := a.Store.Contributions(e.ctx, fairshare.ContributionFilter{Dataset: ds})
	if err != nil {
		return err
	}
	other := 0
	for _, c := range existing {
		if !ids[c.ID] {
			other++
		}
	}
	if other > 0 {
		return fairshare.Errorf(fairshare.ECONFLICT,
			"dataset %s already holds %d contribution(s) that %s does not contain (another file of the same release, e.g. the shipped data read from the website's CSVs); adding these would count the same aid twice. Nothing imported: choose another dataset with --dataset NAME (e.g. %s-workbook)",
			ds, other, filepath.Base(file), ds)
	}

	r := *reason
	if r == "" {
		r = "import kiel " + filepath.Base(file)
	}
	res, err := a.Store.AddContributions(e.ctx, cs, fairshare.Change{Author: author(e), Reason: r})
	if err != nil {
		return err
	}
	if !shippedDataset(ds) {
		d := kielDataset(ds, rel, kind, filepath.Base(file), cs)
		if err := a.Store.PutDataset(e.ctx, d); err != nil {
			return fmt.Errorf("recorded the contributions, but not the description of dataset %s: %w", ds, err)
		}
	}
	fmt.Fprintf(e.stdout, "imported %d rows into %s: %d added, %d already recorded\n", len(cs), ds, res.Added, res.Skipped)
	return nil
}

// releaseInfoBeside reads release_info.csv in FILE's directory, if there is one.
func releaseInfoBeside(file string) (kiel.Release, bool, error) {
	p := filepath.Join(filepath.Dir(file), "release_info.csv")
	r, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return kiel.Release{}, false, nil
	}
	if err != nil {
		return kiel.Release{}, false, err
	}
	defer r.Close()
	rel, err := kiel.ParseReleaseInfo(r)
	if err != nil {
		return kiel.Release{}, false, fmt.Errorf("%s: %w", p, err)
	}
	return rel, true, nil
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

func validDatasetID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
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
