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
	j, err := a.Compare(e.ctx, app.CompareRequest{Target: arg, Currency: *cur, AsOf: at, A: parts[0], B: parts[1]})
	if err != nil {
		return err
	}
	switch *f.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	case "csv":
		var rows [][]string
		for _, r := range j.Rows {
			rows = append(rows, []string{r.Donor, r.Name, cell(r.A, r.HasA, r.NoDataA), cell(r.B, r.HasB, r.NoDataB),
				deref(r.Difference), ratio4(r.Ratio), r.In, j.Currency, strings.Join(r.StatusesA, "/"), strings.Join(r.StatusesB, "/"), r.Note})
		}
		return render.Table(e.stdout, "csv", []string{"donor", "name", "a_" + j.A, "b_" + j.B, "difference", "ratio", "in", "currency",
			"a_statuses", "b_statuses", "note"}, rows)
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

func compareText(e *env, j *app.Comparison, format string) error {
	cur := j.Currency
	w := e.stdout
	lines := []string{
		fmt.Sprintf("%s: %s, %s to %s", j.Target, j.Name, j.Start, j.End),
		fmt.Sprintf("A = %s, B = %s; each counted alone as the target counts (statuses %s, its categories); amounts in %s million", j.A, j.B, strings.Join(j.Statuses, ", "), cur),
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
		diff, ratio := render.Millions(r.DiffAmount, cur), "-"
		if r.Ratio != nil {
			ratio = fmt.Sprintf("%.2f", *r.Ratio)
		}
		if r.Difference == nil {
			diff = "-"
		}
		rows = append(rows, []string{r.Donor, r.Name, m(r.CountedA, r.HasA, r.NoDataA), m(r.CountedB, r.HasB, r.NoDataB), diff, ratio, in[r.In],
			app.StatusesText(r.StatusesA), app.StatusesText(r.StatusesB)})
	}
	bothRatio := "-"
	if j.SumBothA > 0 {
		f, _ := new(big.Rat).SetFrac64(int64(j.SumBothB), int64(j.SumBothA)).Float64()
		bothRatio = fmt.Sprintf("%.2f", f)
	}
	rows = append(rows, []string{"Total", "donors in both", render.Millions(j.SumBothA, cur), render.Millions(j.SumBothB, cur),
		render.Millions(j.SumBothB-j.SumBothA, cur), bothRatio, fmt.Sprint(j.Totals.Both), "", ""},
		[]string{"Total", "all", render.Millions(j.SumA, cur), render.Millions(j.SumB, cur), "", "", "", "", ""})
	if err := render.Table(w, format, []string{"donor", "name", "A " + j.A, "B " + j.B, "B - A", "B / A", "in", "A counts", "B counts"}, rows); err != nil {
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
	for _, n := range j.Notes {
		if format == "md" {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Note, %s.\n", n)
	}
	return nil
}
