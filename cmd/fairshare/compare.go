package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("compare", "per donor, what two datasets count for a target, and the difference", runCompare)
}

// compareRow is one participant of the target in a comparison.
type compareRow struct {
	Donor      string   `json:"donor"`
	Name       string   `json:"name"`
	A          string   `json:"a"`
	B          string   `json:"b"`
	HasA       bool     `json:"has_a"`
	HasB       bool     `json:"has_b"`
	NoDataA    bool     `json:"no_data_a,omitempty"`
	NoDataB    bool     `json:"no_data_b,omitempty"`
	Difference *string  `json:"difference"` // B - A, only when both have the donor
	Ratio      *float64 `json:"ratio"`      // B / A, only when both have the donor and A is not zero
	In         string   `json:"in"`         // both, a, b, neither

	a, b, diff fairshare.Amount
}

// compareJSON is the JSON form of 'compare'.
type compareJSON struct {
	Target   string       `json:"target"`
	Name     string       `json:"name"`
	Start    string       `json:"start"`
	End      string       `json:"end"`
	Currency string       `json:"currency"`
	AsOf     string       `json:"as_of"`
	A        string       `json:"a"`
	B        string       `json:"b"`
	Rows     []compareRow `json:"rows"`
	Totals   struct {
		A          string `json:"a"`
		B          string `json:"b"`
		Difference string `json:"difference"` // over the donors in both
		Both       int    `json:"donors_in_both"`
		OnlyA      int    `json:"donors_only_in_a"`
		OnlyB      int    `json:"donors_only_in_b"`
	} `json:"totals"`
	BothA string   `json:"both_a"` // A's sum over the donors in both
	BothB string   `json:"both_b"`
	OnlyA []string `json:"only_a"`
	OnlyB []string `json:"only_b"`

	sumA, sumB, bothA, bothB fairshare.Amount
}

func runCompare(e *env, args []string) error {
	f := newFlags(e, "compare", "TARGET --datasets A,B", `Compares two datasets over a target's period (e.g. nato-2024), per
participant: what dataset A counts, what dataset B counts (each as a report
counting only that dataset would: the target's statuses and categories, each
contribution converted at the rate of its own date), the difference B - A and
the ratio B / A, and which donors only one of them has. A or B may be a group
joined with '+' (e.g. kiel-r29+user), which counts together.

"no data" marks a donor the dataset says it does not track (unknown, not
zero); "-" is a donor the dataset has nothing for in the period.

Example: fairshare compare nato-2024 --datasets kiel-r29,dk-mod`, true)
	sets := f.String("datasets", "", "the two datasets to compare, A,B (required)")
	cur := f.String("currency", "EUR", "currency (ISO 4217), e.g. EUR, DKK")
	asOf := f.String("as-of", "", "ledger as recorded at this date or RFC 3339 time (default now)")
	arg, err := f.one(args, "one TARGET")
	if err != nil {
		return err
	}
	parts := strings.Split(*sets, ",")
	if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
		return usagef("--datasets %q: want two datasets, A,B (e.g. kiel-r29,dk-mod)", *sets)
	}
	at, err := parseAsOf(*asOf)
	if err != nil {
		return usagef("%v", err)
	}
	if at.IsZero() {
		at = time.Now().UTC()
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	var reps [2]*fairshare.Report
	for i, p := range parts {
		sel, err := app.ParseSelection(p)
		if err != nil {
			return err
		}
		parts[i] = sel.String()
		reps[i], err = a.Report(e.ctx, app.ReportRequest{Target: arg, Currency: *cur, AsOf: at, Datasets: parts[i]})
		if err != nil {
			return err
		}
	}
	j := compareReports(reps[0], reps[1], parts[0], parts[1])
	switch *f.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	case "csv":
		var rows [][]string
		for _, r := range j.Rows {
			rows = append(rows, []string{r.Donor, r.Name, cell(r.A, r.HasA, r.NoDataA), cell(r.B, r.HasB, r.NoDataB),
				deref(r.Difference), ratio4(r.Ratio), r.In, j.Currency})
		}
		return render.Table(e.stdout, "csv", []string{"donor", "name", "a_" + j.A, "b_" + j.B, "difference", "ratio", "in", "currency"}, rows)
	}
	return compareText(e, j, *f.format)
}

func cell(v string, has, noData bool) string {
	switch {
	case noData:
		return "no data"
	case !has:
		return ""
	}
	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ratio4(r *float64) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%.4f", *r)
}

func compareReports(ra, rb *fairshare.Report, nameA, nameB string) compareJSON {
	cur := ra.Currency
	j := compareJSON{Target: ra.Target.ID, Name: ra.Target.Name, Start: ra.Target.Start.String(), End: ra.Target.End.String(),
		Currency: cur, AsOf: ra.AsOf.UTC().Format(time.RFC3339), A: nameA, B: nameB, Rows: []compareRow{},
		OnlyA: []string{}, OnlyB: []string{}}
	byB := map[string]*fairshare.Row{}
	for i := range rb.Rows {
		byB[rb.Rows[i].Donor] = &rb.Rows[i]
	}
	for _, x := range ra.Rows {
		y := byB[x.Donor]
		if y == nil {
			continue
		}
		r := compareRow{Donor: x.Donor, Name: x.Name, HasA: x.Dataset != "", HasB: y.Dataset != "",
			NoDataA: x.NoData, NoDataB: y.NoData, a: x.Counted, b: y.Counted}
		r.diff = r.b - r.a
		r.A, r.B = r.a.Format(cur), r.b.Format(cur)
		if r.HasA && r.HasB {
			d := r.diff.Format(cur)
			r.Difference = &d
		}
		if r.HasA && r.HasB && r.a > 0 {
			q := new(big.Rat).SetFrac64(int64(r.b), int64(r.a))
			f, _ := q.Float64()
			f = float64(int64(f*10000+0.5)) / 10000
			r.Ratio = &f
		}
		j.sumA += r.a
		j.sumB += r.b
		switch {
		case r.HasA && r.HasB:
			r.In = "both"
			j.Totals.Both++
			j.bothA += r.a
			j.bothB += r.b
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
	j.Totals.A, j.Totals.B, j.Totals.Difference = j.sumA.Format(cur), j.sumB.Format(cur), (j.bothB - j.bothA).Format(cur)
	j.BothA, j.BothB = j.bothA.Format(cur), j.bothB.Format(cur)
	return j
}

func compareText(e *env, j compareJSON, format string) error {
	cur := j.Currency
	w := e.stdout
	lines := []string{
		fmt.Sprintf("%s: %s, %s to %s", j.Target, j.Name, j.Start, j.End),
		fmt.Sprintf("A = %s, B = %s; each counted alone as the target counts (statuses, categories); amounts in %s million", j.A, j.B, cur),
		fmt.Sprintf("Ledger as of %s", j.AsOf),
	}
	if format == "md" {
		fmt.Fprintf(w, "### Compare %s and %s: %s\n\n", mdText(j.A), mdText(j.B), mdText(j.Name))
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "%s  \n", mdText(l))
		}
	} else {
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	fmt.Fprintln(w)
	m := func(a fairshare.Amount, has, noData bool) string {
		switch {
		case noData:
			return "no data"
		case !has:
			return "-"
		}
		return render.Millions(a, cur)
	}
	in := map[string]string{"both": "both", "a": "A only", "b": "B only", "neither": "neither"}
	var rows [][]string
	for _, r := range j.Rows {
		diff, ratio := render.Millions(r.diff, cur), "-"
		if r.Ratio != nil {
			ratio = fmt.Sprintf("%.2f", *r.Ratio)
		}
		if r.Difference == nil {
			diff = "-"
		}
		rows = append(rows, []string{r.Donor, r.Name, m(r.a, r.HasA, r.NoDataA), m(r.b, r.HasB, r.NoDataB), diff, ratio, in[r.In]})
	}
	bothRatio := "-"
	if j.bothA > 0 {
		f, _ := new(big.Rat).SetFrac64(int64(j.bothB), int64(j.bothA)).Float64()
		bothRatio = fmt.Sprintf("%.2f", f)
	}
	rows = append(rows, []string{"Total", "donors in both", render.Millions(j.bothA, cur), render.Millions(j.bothB, cur),
		render.Millions(j.bothB-j.bothA, cur), bothRatio, fmt.Sprint(j.Totals.Both)},
		[]string{"Total", "all", render.Millions(j.sumA, cur), render.Millions(j.sumB, cur), "", "", ""})
	if err := render.Table(w, format, []string{"donor", "name", "A " + j.A, "B " + j.B, "B - A", "B / A", "in"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	list := func(xs []string) string {
		if len(xs) == 0 {
			return "none"
		}
		return strings.Join(xs, ", ")
	}
	fmt.Fprintf(w, "Only in %s: %s.\n", j.A, list(j.OnlyA))
	if format == "md" {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Only in %s: %s.\n", j.B, list(j.OnlyB))
	return nil
}
