package kiel

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// ReadExplorer reads the website's data_explorer.csv
// (country,iso,year,month,total,financial,humanitarian,military,...; amounts
// in EUR billions) into one contribution per donor and month whose military
// allocation is positive: donor the row's iso (Kiel's EU is our EUI),
// recipient UKR, the first day of the month, the exact decimal amount in EUR,
// category in-kind (Kiel does not split military aid by NATO cost category),
// status delivered (a Kiel allocation is delivered or earmarked for
// delivery), dataset and source from the release. IDs are left empty for the
// ledger to derive. A negative month is netted into the donor's earlier
// months, latest first, then into its later ones (see the package
// documentation); a donor whose military total is negative is an error.
func ReadExplorer(r io.Reader, release Release) ([]fairshare.Contribution, error) {
	const name = "data_explorer.csv"
	if err := release.check(); err != nil {
		return nil, err
	}
	cr := newCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	cols, err := columnIndex(name, header, []string{"iso", "year", "month", "military"}, []string{"country"})
	if err != nil {
		return nil, err
	}
	series := map[string][]cell{}
	seen := map[string]int{} // donor|month -> line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		bad := func(col, format string, args ...any) error {
			return fairshare.Errorf(fairshare.EINVALID, "kiel: %s, line %d, column %q: %s", name, line, col, fmt.Sprintf(format, args...))
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		donor, err := explorerDonor(field(rec, cols["iso"]))
		if err != nil {
			return nil, bad("iso", "%v", err)
		}
		y, err := strconv.Atoi(strings.TrimSpace(field(rec, cols["year"])))
		if err != nil || y < 2000 || y > 2200 {
			return nil, bad("year", "%q is not a year", field(rec, cols["year"]))
		}
		mo, err := strconv.Atoi(strings.TrimSpace(field(rec, cols["month"])))
		if err != nil || mo < 1 || mo > 12 {
			return nil, bad("month", "%q is not a month (1-12)", field(rec, cols["month"]))
		}
		m := monthOf(y, time.Month(mo))
		key := donor + "|" + m.String()
		if prev, dup := seen[key]; dup {
			return nil, bad("month", "second row for %s %s (first on line %d)", donor, m, prev)
		}
		seen[key] = line
		raw := field(rec, cols["military"])
		if isBlank(raw) {
			continue
		}
		v, err := parseDecimal(raw)
		if err != nil {
			return nil, bad("military", "%v", err)
		}
		amt, err := eurAmount(v, billion)
		if err != nil {
			return nil, bad("military", "%v", err)
		}
		if amt == 0 {
			continue
		}
		series[donor] = append(series[donor], cell{m: m, amount: amt, rows: 1})
	}

	donors := make([]string, 0, len(series))
	for d := range series {
		donors = append(donors, d)
	}
	sort.Strings(donors)
	var out []fairshare.Contribution
	for _, d := range donors {
		cs := series[d]
		sort.Slice(cs, func(i, j int) bool { return cs[i].m < cs[j].m })
		netted, dropped := netNegatives(cs)
		if dropped > 0 {
			return nil, fairshare.Errorf(fairshare.EINVALID,
				"kiel: %s: %s's military allocations sum to EUR -%s; a negative total cannot be recorded",
				name, d, dropped.Format("EUR"))
		}
		for _, c := range netted {
			out = append(out, contribution(release, d, fairshare.InKind, fairshare.Delivered, c,
				fmt.Sprintf("Kiel Ukraine Support Tracker R%d: military allocations, %s (monthly aggregate; Kiel does not split military aid by NATO cost category, recorded as in-kind%s)",
					release.Number, c.m, correctionNote(c))))
		}
	}
	return out, nil
}

// explorerDonor validates the explorer's iso code and maps Kiel's EU to EUI.
func explorerDonor(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "EU" {
		return "EUI", nil
	}
	if len(s) != 3 {
		return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-3 code", s)
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-3 code", s)
		}
	}
	return s, nil
}

func contribution(rel Release, donor string, cat fairshare.Category, st fairshare.Status, c cell, desc string) fairshare.Contribution {
	return fairshare.Contribution{
		Donor:       donor,
		Recipient:   "UKR",
		Date:        c.m.date(),
		Amount:      c.amount,
		Currency:    "EUR",
		Category:    cat,
		Status:      st,
		Dataset:     rel.Dataset(),
		Description: desc,
		Source:      rel.Source(),
	}
}
