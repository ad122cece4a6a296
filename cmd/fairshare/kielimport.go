package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/kiel"
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

	a, err := f.open()
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

	r := *reason
	if r == "" {
		r = "import kiel " + filepath.Base(file)
	}
	res, ds, err := a.ImportKiel(e.ctx, app.KielImport{Rows: cs, Release: rel, Dataset: *dataset, Kind: kind,
		File: filepath.Base(file), Author: author(e), Reason: r})
	if err != nil {
		return err
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
