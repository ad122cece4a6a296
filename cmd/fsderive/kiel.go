package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/kiel"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/verify"
)

func init() { commands["kiel"] = runKiel }

const kielLicence = "no licence stated; cited as 'Kiel Institute, Ukraine Support Tracker, Release %d'; derived figures"

// kielReleaseURL is the Kiel Institute's page for the tracker's data set,
// where each release's data files are published: rows cite it rather than
// the tracker's front page, which changes with every release.
const kielReleaseURL = "https://www.ifw-kiel.de/de/publikationen/data-sets/daten-des-ukraine-support-trackers-17410/"

// kielMeta is the dataset description written beside the CSV: the fields
// refdata reads (fairshare.Dataset) and how the table was made.
type kielMeta struct {
	fairshare.Dataset
	DerivedBy    string      `json:"derived_by"`
	ToleranceEUR string      `json:"tolerance_eur"`
	Inputs       []kielInput `json:"inputs"`
}

type kielInput struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

func runKiel(args []string) error { return kielRun(args, os.Stdout, os.Stderr) }

func kielRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kiel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	explorer := fs.String("explorer", "", "the website's data_explorer.csv `file`")
	workbook := fs.String("workbook", "", "the full tracker workbook `file` (.xlsx), instead of --explorer: military allocations and commitments")
	releaseInfo := fs.String("release-info", "", "the website's release_info.csv `file` (required)")
	totals := fs.String("totals", "", "the website's total_allocations.csv `file` (required): published monthly totals to check against")
	out := fs.String("out", "", "output CSV `file` in the ledger's import format (required)")
	meta := fs.String("meta", "", "output dataset description `file` (default: --out with .json)")
	releaseURL := fs.String("release-url", kielReleaseURL, "`URL` of the page the release's data files are published on, cited by every row")
	tolerance := fs.String("tolerance", "1000000", "largest accepted difference, in `EUR`, between the derived all-donor military allocations and the published total of any month")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: fsderive kiel (--explorer FILE | --workbook FILE) --release-info FILE --totals FILE --out FILE [--meta FILE] [--tolerance EUR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*explorer == "") == (*workbook == "") || *releaseInfo == "" || *totals == "" || *out == "" {
		fs.Usage()
		return errors.New("kiel: one of --explorer and --workbook, and --release-info, --totals and --out are required")
	}
	if *meta == "" {
		*meta = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".json"
	}
	tol, err := fairshare.ParseAmount(*tolerance, "EUR")
	if err != nil || tol < 0 {
		return fmt.Errorf("kiel: --tolerance %q is not an amount in EUR", *tolerance)
	}

	var inputs []kielInput
	readInput := func(path string) ([]byte, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("kiel: %w", err)
		}
		sum := sha256.Sum256(b)
		inputs = append(inputs, kielInput{File: filepath.Base(path), SHA256: hex.EncodeToString(sum[:])})
		return b, nil
	}
	b, err := readInput(*releaseInfo)
	if err != nil {
		return err
	}
	rel, err := kiel.ParseReleaseInfo(bytes.NewReader(b))
	if err != nil {
		return err
	}

	var cs []fairshare.Contribution
	var derivedFrom string
	if *explorer != "" {
		if b, err = readInput(*explorer); err != nil {
			return err
		}
		if cs, err = kiel.ReadExplorer(bytes.NewReader(b), rel); err != nil {
			return err
		}
		derivedFrom = "--explorer " + filepath.Base(*explorer)
	} else {
		if b, err = readInput(*workbook); err != nil {
			return err
		}
		opts := kiel.Options{Release: rel, Warn: func(s string) { fmt.Fprintln(stderr, "fsderive kiel: warning:", s) }}
		if isTerminal(stderr) {
			opts.Progress = func(done, total int) {
				if total > 0 {
					fmt.Fprintf(stderr, "\rreading %s: %3d%%", filepath.Base(*workbook), done*100/total)
				}
			}
		}
		_, all, werr := kiel.ReadWorkbook(bytes.NewReader(b), opts)
		if opts.Progress != nil {
			fmt.Fprintln(stderr)
		}
		if werr != nil {
			return werr
		}
		for _, c := range all {
			if c.Category == fairshare.InKind {
				cs = append(cs, c)
			}
		}
		derivedFrom = "--workbook " + filepath.Base(*workbook)
	}
	if len(cs) == 0 {
		return errors.New("kiel: no military contributions found")
	}
	if msg := verify.CheckURL(*releaseURL); msg != "" {
		return fmt.Errorf("kiel: --release-url: %s", msg)
	}
	for i := range cs {
		cs[i].Source.URL = *releaseURL
		cs[i].Source.Title = rel.Title() + ", data set (Daten des Ukraine Support Trackers)"
	}
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			return fmt.Errorf("kiel: %s %s: %w", cs[i].Donor, cs[i].Date, err)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Donor != b.Donor {
			return a.Donor < b.Donor
		}
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		return a.Status < b.Status
	})

	if b, err = readInput(*totals); err != nil {
		return err
	}
	published, err := kielReadTotals(bytes.NewReader(b), filepath.Base(*totals))
	if err != nil {
		return err
	}
	chk := kielCheck(cs, published, tol)
	chk.print(stdout, rel, tol)
	if len(chk.bad) > 0 {
		return fmt.Errorf("kiel: derived military allocations differ from the published monthly totals by more than EUR %s in %d month(s): %s",
			tol.Format("EUR"), len(chk.bad), strings.Join(chk.bad, "; "))
	}

	var csvBuf bytes.Buffer
	if err := ledgerio.WriteCSV(&csvBuf, cs); err != nil {
		return err
	}
	m := kielMetadata(rel, cs, chk, tol, *releaseURL)
	m.Inputs = inputs
	m.DerivedBy = "go run ./cmd/fsderive kiel " + derivedFrom + " --release-info " + filepath.Base(*releaseInfo) +
		" --totals " + filepath.Base(*totals) + " --out " + filepath.Base(*out) + " (input files: the tracker website's CSVs of the release)"
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, csvBuf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("kiel: %w", err)
	}
	if err := os.WriteFile(*meta, append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("kiel: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %d rows to %s and the description to %s\n", len(cs), *out, *meta)
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// kielReadTotals reads total_allocations.csv: published military allocations
// of all donors per month (EUR bn), keyed "YYYY-MM", in EUR.
func kielReadTotals(r io.Reader, name string) (map[string]fairshare.Amount, error) {
	recs, err := csvio.ReadAll(r, name, "year", "month", "military")
	if err != nil {
		return nil, err
	}
	out := map[string]fairshare.Amount{}
	for _, rec := range recs {
		y, err1 := strconv.Atoi(rec.Get("year"))
		m, err2 := strconv.Atoi(rec.Get("month"))
		if err1 != nil || err2 != nil || y < 2000 || y > 2200 || m < 1 || m > 12 {
			return nil, csvio.FieldErr(name, rec, "month", fmt.Errorf("%q-%q is not a year and month", rec.Get("year"), rec.Get("month")))
		}
		v, ok := new(big.Rat).SetString(rec.Get("military"))
		if !ok || strings.ContainsAny(rec.Get("military"), "/eE") {
			return nil, csvio.FieldErr(name, rec, "military", fmt.Errorf("%q is not a decimal number", rec.Get("military")))
		}
		key := fmt.Sprintf("%04d-%02d", y, m)
		if _, dup := out[key]; dup {
			return nil, csvio.FieldErr(name, rec, "month", fmt.Errorf("second row for %s", key))
		}
		out[key] = fairshare.AmountFromRat(v.Mul(v, big.NewRat(1_000_000_000, 1)), "EUR")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return out, nil
}

// kielChecked holds the derived table's sums beside the published ones.
type kielChecked struct {
	years     []int
	derived   map[int]fairshare.Amount // all donors, per year
	published map[int]fairshare.Amount
	months    map[int][]string // months with a published total, per year
	nato      map[int]fairshare.Amount
	dnk       map[int]fairshare.Amount
	maxDiff   fairshare.Amount
	nMonths   int
	bad       []string
}

func kielCheck(cs []fairshare.Contribution, published map[string]fairshare.Amount, tol fairshare.Amount) kielChecked {
	k := kielChecked{derived: map[int]fairshare.Amount{}, published: map[int]fairshare.Amount{}, months: map[int][]string{},
		nato: map[int]fairshare.Amount{}, dnk: map[int]fairshare.Amount{}}
	isNATO := map[string]bool{}
	for _, d := range kiel.NATO() {
		isNATO[d] = true
	}
	byMonth := map[string]fairshare.Amount{}
	for _, c := range cs {
		if c.Status != fairshare.Delivered {
			continue
		}
		y := c.Date.Year()
		byMonth[c.Date.String()[:7]] += c.Amount
		k.derived[y] += c.Amount
		if isNATO[c.Donor] {
			k.nato[y] += c.Amount
		}
		if c.Donor == "DNK" {
			k.dnk[y] += c.Amount
		}
	}
	keys := map[string]bool{}
	for m := range byMonth {
		keys[m] = true
	}
	for m, v := range published {
		keys[m] = true
		y, _ := strconv.Atoi(m[:4])
		k.published[y] += v
		k.months[y] = append(k.months[y], m)
	}
	sorted := make([]string, 0, len(keys))
	for m := range keys {
		sorted = append(sorted, m)
	}
	sort.Strings(sorted)
	years := map[int]bool{}
	for _, m := range sorted {
		y, _ := strconv.Atoi(m[:4])
		years[y] = true
		p, ok := published[m]
		d := byMonth[m] - p
		if d < 0 {
			d = -d
		}
		k.nMonths++
		k.maxDiff = max(k.maxDiff, d)
		switch {
		case !ok:
			k.bad = append(k.bad, fmt.Sprintf("%s: EUR %s derived, no published total", m, byMonth[m].Format("EUR")))
		case d > tol:
			k.bad = append(k.bad, fmt.Sprintf("%s: EUR %s derived, %s published", m, byMonth[m].Format("EUR"), p.Format("EUR")))
		}
	}
	for y := range years {
		k.years = append(k.years, y)
		sort.Strings(k.months[y])
	}
	sort.Ints(k.years)
	return k
}

func (k kielChecked) print(w io.Writer, rel kiel.Release, tol fairshare.Amount) {
	fmt.Fprintf(w, "Kiel Ukraine Support Tracker R%d, military allocations, EUR bn\n", rel.Number)
	fmt.Fprintf(w, "%-6s %14s %14s %10s %14s\n", "year", "all (derived)", "all (publ.)", "diff", "NATO-29")
	for _, y := range k.years {
		note := ""
		if n := len(k.months[y]); n < 12 {
			note = fmt.Sprintf("  (%d months)", n)
		}
		fmt.Fprintf(w, "%-6d %14s %14s %10s %14s%s\n", y, bn(k.derived[y]), bn(k.published[y]), bn(k.derived[y]-k.published[y]), bn(k.nato[y]), note)
	}
	for _, y := range k.years {
		if y == 2024 {
			fmt.Fprintf(w, "Denmark %d: EUR %s bn\n", y, bn(k.dnk[y]))
		}
	}
	fmt.Fprintf(w, "check: %d months compared with the published monthly totals, tolerance EUR %s a month, largest difference EUR %s, %d outside\n",
		k.nMonths, tol.Format("EUR"), k.maxDiff.Format("EUR"), len(k.bad))
}

// bn prints EUR cents as EUR billions with six decimals, as Kiel publishes.
func bn(a fairshare.Amount) string {
	return new(big.Rat).SetFrac64(int64(a), 100_000_000_000).FloatString(6)
}

// roundBn rounds a positive sum in EUR cents to EUR 0.1 bn (half up) and
// returns it in whole euros.
func roundBn(a fairshare.Amount) string {
	const tenthBn = 10_000_000_000 // cents
	return strconv.FormatInt((int64(a)+tenthBn/2)/tenthBn*100_000_000, 10)
}

// euros prints EUR cents as euros, without the cents when there are none.
func euros(a fairshare.Amount) string { return strings.TrimSuffix(a.Format("EUR"), ".00") }

func kielMetadata(rel kiel.Release, cs []fairshare.Contribution, k kielChecked, tol fairshare.Amount, releaseURL string) kielMeta {
	first, last := cs[0].Date, cs[0].Date
	donors := map[string]bool{}
	for _, c := range cs {
		if c.Date.Before(first) {
			first = c.Date
		}
		if c.Date.After(last) {
			last = c.Date
		}
		donors[c.Donor] = true
	}
	var zero []string
	natoWith := 0
	for _, d := range kiel.Donors {
		switch {
		case !donors[d.ISO]:
			zero = append(zero, d.ISO)
		case d.NATO:
			natoWith++
		}
	}
	src := rel.Source()
	src.URL = releaseURL
	statuses := map[fairshare.Status]bool{}
	for _, c := range cs {
		statuses[c.Status] = true
	}
	var sts []string
	for _, st := range fairshare.Statuses {
		if statuses[st] {
			sts = append(sts, string(st))
		}
	}
	measure := "allocations: military aid delivered or earmarked for delivery, per donor and month, valued by Kiel in EUR (status delivered)"
	commitments := "commitments are not included (the website's data explorer publishes commitments only for all aid types together, not for military aid)"
	if statuses[fairshare.Pledged] {
		measure = "allocations (status delivered) and commitments (status pledged) of military aid, per donor and month, valued by Kiel in EUR"
		commitments = "commitments are included as status pledged, from the workbook"
	}
	m := kielMeta{Dataset: fairshare.Dataset{
		ID:          rel.Dataset(),
		Name:        rel.Name(),
		Publisher:   kiel.Publisher,
		Title:       rel.Title(),
		ReleaseDate: rel.Date.String(),
		URL:         kiel.URL,
		Licence:     fmt.Sprintf(kielLicence, rel.Number),
		Coverage: fmt.Sprintf("military allocations per donor and month, %s to %s; %d of the tracker's %d donors have some (%d of the %d NATO allies it covers); "+
			"tracked but with no military allocation in the release, so zero rather than no data: %s; "+
			"Kiel does not split military aid by NATO cost category, so every row is category in-kind, status delivered (allocated = delivered or earmarked for delivery); "+
			"%s",
			first.String()[:7], last.String()[:7], len(donors), len(kiel.Donors), natoWith, len(kiel.NATO()), strings.Join(zero, ", "), commitments),
		NoData:     kiel.NotTracked,
		CompiledBy: "fairshare (fsderive kiel), from the release's published files",
		Compiled:   rel.Date.String(),
		Measure:    measure,
		Statuses:   sts,
	}, ToleranceEUR: tol.Format("EUR")}
	cite := func(t fairshare.PublishedTotal) fairshare.PublishedTotal {
		t.Currency = "EUR"
		t.Publisher, t.Title, t.Date, t.URL = src.Publisher, src.Title, src.Date, src.URL
		return t
	}
	for _, y := range k.years {
		if len(k.months[y]) == 0 {
			continue
		}
		period := strconv.Itoa(y)
		if n := len(k.months[y]); n < 12 {
			period = k.months[y][0] + "/" + k.months[y][n-1]
		}
		m.Totals = append(m.Totals, cite(fairshare.PublishedTotal{Scope: "all-donors", Year: y, Period: period,
			Measure:   "military allocations, all donors (sum of the release's published monthly totals, total_allocations.csv)",
			AmountEUR: euros(k.published[y])}))
	}
	for _, y := range k.years {
		if len(k.months[y]) == 12 && k.nato[y] > 0 {
			m.Totals = append(m.Totals, cite(fairshare.PublishedTotal{Scope: "NATO-29", Year: y, Period: strconv.Itoa(y), Qualifier: "about",
				Measure:   "military allocations of the 29 NATO allies the tracker covers (rounded to EUR 0.1 bn; sum of the release's per-donor monthly figures, data_explorer.csv)",
				AmountEUR: roundBn(k.nato[y])}))
		}
	}
	if v, ok := k.dnk[2024]; ok && len(k.months[2024]) == 12 {
		m.Totals = append(m.Totals, cite(fairshare.PublishedTotal{Scope: "DNK", Year: 2024, Period: "2024", Qualifier: "about",
			Measure:   "military allocations of Denmark (rounded to EUR 0.1 bn; sum of the release's monthly figures for Denmark, data_explorer.csv)",
			AmountEUR: roundBn(v)}))
	}
	return m
}
