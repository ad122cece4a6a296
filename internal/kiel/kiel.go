// Package kiel reads the Kiel Institute's Ukraine Support Tracker into ledger
// contributions: the website's small data_explorer.csv (military allocations
// per donor and month) and the full tracker workbook (sheet "Bilateral
// Assistance, MAIN DATA", one row per sub-activity).
//
// Both readers aggregate to one contribution per donor and month (and, for
// the workbook, per aid type and measure) and never hold negative amounts:
// the ledger refuses them. A negative monthly net, which is how Kiel books a
// correction, is netted into the same series' earlier months (latest first)
// and, if those do not cover it, into its later months, so the series' total
// stays as Kiel publishes it; the months that absorbed a correction say so in
// their description.
package kiel

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
)

// Citation of the tracker, shared by every contribution read here.
const (
	Publisher = "Kiel Institute for the World Economy"
	URL       = "https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/"
)

// Release identifies one release of the tracker.
type Release struct {
	Number int            // 29
	Period string         // last month covered as Kiel writes it, "04/2026"; may be empty
	Date   fairshare.Date // publication date; may be zero when unknown
	Label  string         // Kiel's label, "Ukraine Support Tracker, Release 29 (04/2026)"
}

// Dataset is the ledger dataset named after the release, "kiel-r29".
func (r Release) Dataset() string { return fmt.Sprintf("kiel-r%d", r.Number) }

// Title is the tracker's title for the release, "Ukraine Support Tracker, Release 29".
func (r Release) Title() string { return fmt.Sprintf("Ukraine Support Tracker, Release %d", r.Number) }

// Name is the dataset's display name, "Kiel Ukraine Support Tracker, Release 29".
func (r Release) Name() string { return "Kiel " + r.Title() }

// Source is the citation every contribution of the release carries.
func (r Release) Source() fairshare.Source {
	return fairshare.Source{URL: URL, Publisher: Publisher, Title: r.Title(), Date: r.Date.String()}
}

func (r Release) check() error {
	if r.Number <= 0 {
		return fairshare.Errorf(fairshare.EINVALID, "kiel: release number is unset (read release_info.csv or pass the release)")
	}
	return nil
}

// ParseReleaseInfo reads the website's release_info.csv
// ("release","period","date","label"; one data row).
func ParseReleaseInfo(r io.Reader) (Release, error) {
	const name = "release_info.csv"
	cr := newCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return Release{}, csvError(name, err)
	}
	cols, err := columnIndex(name, header, []string{"release", "date"}, []string{"period", "label"})
	if err != nil {
		return Release{}, err
	}
	rec, err := cr.Read()
	if err == io.EOF {
		return Release{}, fairshare.Errorf(fairshare.EINVALID, "kiel: %s: no data row", name)
	}
	if err != nil {
		return Release{}, csvError(name, err)
	}
	line, _ := cr.FieldPos(0)
	var rel Release
	rel.Number, err = strconv.Atoi(strings.TrimSpace(field(rec, cols["release"])))
	if err != nil || rel.Number <= 0 || rel.Number > 10000 {
		return Release{}, fairshare.Errorf(fairshare.EINVALID, "kiel: %s, line %d, column %q: %q is not a release number", name, line, "release", field(rec, cols["release"]))
	}
	if s := strings.TrimSpace(field(rec, cols["date"])); s != "" {
		if rel.Date, err = fairshare.ParseDate(s); err != nil {
			return Release{}, fairshare.Errorf(fairshare.EINVALID, "kiel: %s, line %d, column %q: %v", name, line, "date", err)
		}
	}
	rel.Period = strings.TrimSpace(field(rec, cols["period"]))
	rel.Label = strings.TrimSpace(field(rec, cols["label"]))
	if rel.Label == "" {
		rel.Label = rel.Title()
	}
	return rel, nil
}

// newCSVReader reads comma- or semicolon-separated text with an optional BOM.
func newCSVReader(r io.Reader) *csv.Reader {
	br := &bomSkipper{r: r}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	return cr
}

// bomSkipper drops a UTF-8 byte order mark at the start of the stream.
type bomSkipper struct {
	r    io.Reader
	done bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.done {
		return b.r.Read(p)
	}
	b.done = true
	var head [3]byte
	n, err := io.ReadFull(b.r, head[:])
	start := 0
	if n == 3 && head == [3]byte{0xEF, 0xBB, 0xBF} {
		start = 3
	}
	rest := head[start:n]
	b.r = io.MultiReader(strings.NewReader(string(rest)), b.r)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return 0, err
	}
	return b.r.Read(p)
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fairshare.Errorf(fairshare.EINVALID, "kiel: %s, line %d: %v", name, pe.Line, pe.Err)
	}
	if err == io.EOF {
		return fairshare.Errorf(fairshare.EINVALID, "kiel: %s is empty", name)
	}
	return fmt.Errorf("kiel: reading %s: %w", name, err)
}

// normHeader folds a column label for matching: trimmed, lower case, inner
// runs of white space collapsed to one space.
func normHeader(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// columnIndex maps the required and optional column names (already folded)
// to their positions in header; missing optional columns map to -1.
func columnIndex(where string, header, required, optional []string) (map[string]int, error) {
	pos := map[string]int{}
	for i, h := range header {
		k := normHeader(h)
		if _, dup := pos[k]; !dup && k != "" {
			pos[k] = i
		}
	}
	cols := map[string]int{}
	var missing []string
	for _, name := range required {
		i, ok := pos[normHeader(name)]
		if !ok {
			missing = append(missing, strconv.Quote(name))
			continue
		}
		cols[name] = i
	}
	if len(missing) > 0 {
		found := make([]string, 0, len(header))
		for _, h := range header {
			if h = strings.TrimSpace(h); h != "" {
				found = append(found, strconv.Quote(h))
			}
		}
		return nil, fairshare.Errorf(fairshare.EINVALID,
			"kiel: %s: missing required column(s) %s; the layout may have changed (found columns: %s)",
			where, strings.Join(missing, ", "), strings.Join(found, ", "))
	}
	for _, name := range optional {
		if i, ok := pos[normHeader(name)]; ok {
			cols[name] = i
		} else {
			cols[name] = -1
		}
	}
	return cols, nil
}

// field returns rec[i] or "" when the record is short or i < 0.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// isBlank reports whether a cell holds no value: empty, Kiel's "." placeholder, or NA.
func isBlank(s string) bool {
	switch strings.TrimSpace(s) {
	case "", ".", "NA", "N/A", "n/a", "-":
		return true
	}
	return false
}
