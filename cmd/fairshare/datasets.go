package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("datasets list", "the datasets of contributions: source, release, coverage, totals", runDatasetsList)
	register("datasets show", "one dataset: source, licence, coverage, published totals, per donor", runDatasetsShow)
}

// amountCell prints an EUR amount in millions for people (table, md) and as
// an exact decimal for machines (csv, json).
func amountCell(a fairshare.Amount, cur, format string) string {
	if format == "table" || format == "md" {
		return render.Millions(a, cur)
	}
	return a.Format(cur)
}

func amountHeader(name, cur, format string) string {
	if format == "table" || format == "md" {
		return name + " (" + cur + " m)"
	}
	return name + "_" + strings.ToLower(cur)
}

func openWithRef(e *env, f *flags) (*app.App, *app.Reference, error) {
	a, err := f.open()
	if err != nil {
		return nil, nil, err
	}
	ref, err := a.Reference(e.ctx)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, ref, nil
}

func runDatasetsList(e *env, args []string) error {
	f := newFlags(e, "datasets list", "", `Lists the datasets: the shipped ones (kiel-r29, dk-mod, nato-reported), those
added by 'fairshare import kiel', and any dataset that holds contributions
(e.g. "user", what you record yourself). For each: name, publisher, release
date, current contributions, donors, months covered and the total of its
contributions in EUR (each converted at the rate of its own date; all
categories and statuses). nato-reported holds published totals only.

A report counts one dataset per donor; see 'fairshare report --help' and
'fairshare compare --help'. Default selection: `+app.DefaultDatasets+`.`, true)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Datasets(e.ctx, time.Time{})
	if err != nil {
		return err
	}
	format := *f.format
	var rows [][]string
	for _, s := range list {
		name, rel := s.Name, s.ReleaseDate
		if format == "table" {
			name, rel = trunc(name, 44), orDash(rel)
		}
		rows = append(rows, []string{s.ID, name, s.Publisher, rel, fmt.Sprint(s.Contributions), fmt.Sprint(len(s.Donors)),
			app.Months(s.Contributions, s.FromDate, s.ToDate), amountCell(s.EUR, "EUR", format)})
	}
	if format == "table" {
		for i := range rows {
			rows[i][2] = trunc(orDash(rows[i][2]), 36)
		}
	}
	return render.Table(e.stdout, format, []string{"id", "name", "publisher", "release_date", "contributions", "donors",
		"months", amountHeader("total", "EUR", format)}, rows)
}

func runDatasetsShow(e *env, args []string) error {
	f := newFlags(e, "datasets show", "ID", `Shows everything about one dataset: name, publisher, release, source URL,
licence or terms, coverage in words, the donors it has no data for (not
zero: unknown), the totals its publisher states, and per donor the number
of current contributions, the months covered and their total in EUR.

--format csv prints the per-donor table only; json prints one object.`, true)
	arg, err := f.one(args, "one dataset ID")
	if err != nil {
		return err
	}
	a, ref, err := openWithRef(e, f)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := a.Dataset(e.ctx, arg, time.Time{})
	if err != nil {
		return err
	}
	d := s.Dataset
	name := func(code string) string {
		if dn := ref.ByCode[code]; dn != nil {
			return dn.NameEN
		}
		return ""
	}
	format := *f.format
	var rows [][]string
	for _, ds := range s.Donors {
		rows = append(rows, []string{ds.Donor, ds.Name, fmt.Sprint(ds.Contributions), ds.From, ds.To, amountCell(ds.EUR, "EUR", format)})
	}
	header := []string{"donor", "name", "contributions", "from", "to", amountHeader("total", "EUR", format)}
	switch format {
	case "csv":
		return render.Table(e.stdout, "csv", header, rows)
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	noData := "none listed"
	if len(d.NoData) > 0 {
		var ns []string
		for _, c := range d.NoData {
			ns = append(ns, strings.TrimSpace(c+" "+name(c)))
		}
		noData = strings.Join(ns, ", ") + " (no data: not tracked, not zero)"
	}
	curs := s.Currencies
	meta := [][2]string{{"id", d.ID}, {"name", d.Name}, {"title", d.Title}, {"publisher", d.Publisher},
		{"compiled by", strings.TrimSpace(d.CompiledBy + " " + parens(d.Compiled))},
		{"measure", d.Measure}, {"statuses", strings.Join(d.Statuses, ", ")},
		{"release date", d.ReleaseDate}, {"source", d.URL}, {"licence / terms", d.Licence}, {"coverage", d.Coverage},
		{"no data", noData}, {"contributions", fmt.Sprintf("%d current, %d donors, months %s, currencies %s",
			s.Contributions, len(s.Donors), app.Months(s.Contributions, s.FromDate, s.ToDate), orDash(strings.Join(curs, ", ")))},
		{"total", s.EUR.Format("EUR") + " EUR (each at the rate of its date; all categories and statuses)"}}
	if s.Unconverted > 0 {
		meta = append(meta, [2]string{"unconverted", fmt.Sprintf("%d contribution(s) without a rate, left out of the totals", s.Unconverted)})
	}
	if format == "md" {
		fmt.Fprintf(e.stdout, "### Dataset %s\n\n", mdText(d.ID))
		for _, kv := range meta {
			if kv[1] != "" {
				fmt.Fprintf(e.stdout, "- **%s**: %s\n", kv[0], mdText(kv[1]))
			}
		}
		fmt.Fprintln(e.stdout)
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, kv := range meta {
			if kv[1] != "" {
				fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	if len(d.Totals) > 0 {
		if format == "md" {
			fmt.Fprint(e.stdout, "Published totals:\n\n")
		} else {
			fmt.Fprintln(e.stdout, "Published totals:")
		}
		if err := render.Table(e.stdout, format, []string{"scope", "period", "measure", "amount", "as_of", "publisher", "date", "url"},
			publishedRows(d.Totals, format)); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	if lines := s.AgainstTotals; len(lines) > 0 {
		fmt.Fprintln(e.stdout, "Against the publisher's running totals:")
		for _, l := range lines {
			fmt.Fprintln(e.stdout, "  - "+strings.TrimPrefix(l, "dataset "+d.ID+": "))
		}
		fmt.Fprintln(e.stdout)
	}
	if len(d.Unvalued) > 0 {
		fmt.Fprintln(e.stdout, "Without a published value (listed, never counted, never zero):")
		var urows [][]string
		for _, n := range d.Unvalued {
			desc, note := n.Description, n.Note
			if format == "table" {
				desc, note = trunc(desc, 60), trunc(note, 60)
			}
			urows = append(urows, []string{n.Date, desc, note, n.Source.Publisher, n.Source.URL})
		}
		if err := render.Table(e.stdout, format, []string{"date", "item", "why no amount", "publisher", "source"}, urows); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stdout, "No contributions in this dataset.")
		return nil
	}
	if format == "md" {
		fmt.Fprint(e.stdout, "Per donor:\n\n")
	} else {
		fmt.Fprintln(e.stdout, "Per donor:")
	}
	return render.Table(e.stdout, format, header, rows)
}

func publishedRows(ts []fairshare.PublishedTotal, format string) [][]string {
	var rows [][]string
	for _, p := range ts {
		amount, cur := p.Amount, p.Currency
		if amount == "" {
			amount, cur = p.AmountEUR, "EUR"
		}
		if cur == "" {
			cur = "EUR"
		}
		if format == "table" || format == "md" {
			amount = billions(amount)
		}
		text := strings.TrimSpace(p.Qualifier + " " + cur + " " + amount)
		scope := p.Scope
		if p.Target != "" {
			scope = strings.TrimSpace("target " + p.Target + " " + scope)
		}
		measure, publisher := p.Measure, p.Publisher
		if measure == "" {
			measure = p.Quote
		}
		if format == "table" {
			measure, publisher = trunc(measure, 50), trunc(publisher, 30)
		}
		rows = append(rows, []string{orDash(scope), orDash(p.Period), orDash(measure), text, orDash(p.AsOf), publisher, p.Date, p.URL})
	}
	return rows
}

// parens wraps s in parentheses, or returns "" for "".
func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func mdText(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

// billions prints a decimal amount as "41.1 bn" when it is at least a
// billion, else unchanged.
func billions(amount string) string {
	v, ok := new(big.Rat).SetString(amount)
	if !ok || v.Cmp(big.NewRat(1e9, 1)) < 0 {
		return amount
	}
	s := new(big.Rat).Quo(v, big.NewRat(1e9, 1)).FloatString(3)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".") + " bn"
}
