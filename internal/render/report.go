// Package render prints reports and lists as text tables, CSV, JSON and
// Markdown. The JSON form of a report is a contract other tools rely on.
package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

// Formats lists the output formats every list and report supports.
var Formats = []string{"table", "csv", "json", "md"}

// CheckFormat validates a --format value.
func CheckFormat(f string) error {
	for _, x := range Formats {
		if f == x {
			return nil
		}
	}
	return fairshare.FieldError("format", fmt.Sprintf("%q: want table, csv, json or md", f))
}

// ReportJSON is the stable JSON contract of a report.
type ReportJSON struct {
	Target      TargetJSON      `json:"target"`
	Currency    string          `json:"currency"`
	AsOf        string          `json:"as_of"`
	Key         string          `json:"key"`
	KeyYear     int             `json:"key_year"`
	GDPYear     int             `json:"gdp_year"` // the year of the GDP pct_gdp divides by
	Dataset     string          `json:"dataset"`
	Rows        []RowJSON       `json:"rows"`
	Totals      TotalsJSON      `json:"totals"`
	Years       []YearJSON      `json:"years,omitempty"`
	TargetRates []RateJSON      `json:"target_rates,omitempty"`
	Published   []PublishedJSON `json:"published,omitempty"`
	Notes       []string        `json:"notes,omitempty"`
	LeftOut     []string        `json:"left_out,omitempty"`
}

// TargetJSON describes the target in a report.
type TargetJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Amount      string   `json:"amount"`
	Currency    string   `json:"currency"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Key         string   `json:"key"`
	GDPRate     string   `json:"gdp_rate,omitempty"`
	OptOuts     []string `json:"opt_outs,omitempty"`
	Renormalise bool     `json:"renormalise"`
	Source      string   `json:"source,omitempty"`
}

// RowJSON is one participant.
type RowJSON struct {
	Donor     string     `json:"donor"`
	Name      string     `json:"name"`
	NameDA    string     `json:"name_da,omitempty"`
	Weight    float64    `json:"weight"`
	FairShare string     `json:"fair_share"`
	Counted   string     `json:"counted"`
	Balance   string     `json:"balance"`
	Ratio     *float64   `json:"ratio"`
	PctGDP    *float64   `json:"pct_gdp"`
	Dataset   string     `json:"dataset,omitempty"`
	NoData    bool       `json:"no_data,omitempty"`
	OptedOut  bool       `json:"opted_out,omitempty"`
	Years     []YearJSON `json:"years,omitempty"`
}

// TotalsJSON sums the report.
type TotalsJSON struct {
	Target    string `json:"target"`
	Counted   string `json:"counted"`
	Shortfall string `json:"shortfall"`
}

// YearJSON is one calendar year of a multi-year target.
type YearJSON struct {
	Year       int    `json:"year"`
	Target     string `json:"target"`
	Counted    string `json:"counted"`
	CumTarget  string `json:"cumulative_target"`
	CumCounted string `json:"cumulative_counted"`
}

// RateJSON is a rate the report used to convert the target.
type RateJSON struct {
	Currency string `json:"currency"`
	Rate     string `json:"rate"`
	Basis    string `json:"basis"`
	Period   string `json:"period"`
}

// PublishedJSON is an aggregate a publisher stated for the target.
type PublishedJSON struct {
	Period    string `json:"period"`
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	Qualifier string `json:"qualifier,omitempty"`
	Quote     string `json:"quote,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Date      string `json:"date,omitempty"`
	URL       string `json:"url,omitempty"`
}

func years(ys []fairshare.YearTotal, cur string) []YearJSON {
	if len(ys) < 2 {
		return nil
	}
	out := make([]YearJSON, len(ys))
	for i, y := range ys {
		out[i] = YearJSON{y.Year, y.Target.Format(cur), y.Counted.Format(cur), y.CumTarget.Format(cur), y.CumCounted.Format(cur)}
	}
	return out
}

// ToJSON converts a report to its JSON contract.
func ToJSON(r *fairshare.Report) ReportJSON {
	cur := r.Currency
	t := r.Target
	amount := t.Amount.Format(t.Currency)
	if t.GDPRate != "" {
		amount = ""
	}
	j := ReportJSON{
		Target: TargetJSON{ID: t.ID, Name: t.Name, Amount: amount, Currency: t.Currency, Start: t.Start.String(),
			End: t.End.String(), Key: r.Key, GDPRate: t.GDPRate, OptOuts: t.OptOuts, Renormalise: t.Renormalise, Source: t.Source.URL},
		Currency: cur, AsOf: r.AsOf.UTC().Format(time.RFC3339), Key: r.Key, KeyYear: r.KeyYear, GDPYear: r.GDPYear, Dataset: r.Datasets,
		Rows:    make([]RowJSON, 0, len(r.Rows)),
		Totals:  TotalsJSON{r.Total.Format(cur), r.Counted.Format(cur), r.Shortfall.Format(cur)},
		Years:   years(r.Years, cur),
		Notes:   r.Notes,
		LeftOut: r.LeftOut,
	}
	for _, row := range r.Rows {
		w := 0.0
		if row.Weight != nil {
			w, _ = row.Weight.Float64()
		}
		j.Rows = append(j.Rows, RowJSON{Donor: row.Donor, Name: row.Name, NameDA: row.NameDA, Weight: w,
			FairShare: row.FairShare.Format(cur), Counted: row.Counted.Format(cur), Balance: row.Balance.Format(cur),
			Ratio: round(fairshare.Float(row.Ratio), 4), PctGDP: round(pct(row.PctGDP), 4), Dataset: row.Dataset,
			NoData: row.NoData, OptedOut: row.OptedOut, Years: years(row.Years, cur)})
	}
	for _, q := range r.TargetRates {
		j.TargetRates = append(j.TargetRates, RateJSON{q.Currency, q.Text, string(q.Basis), q.Period})
	}
	for _, p := range r.Published {
		j.Published = append(j.Published, PublishedJSON{Period: p.Period, Amount: p.Amount, Currency: p.Currency,
			Qualifier: p.Qualifier, Quote: p.Quote, Publisher: p.Publisher, Date: p.Date, URL: p.URL})
	}
	return j
}

// pct is 100 times r, nearest float64; nil stays nil.
func pct(r *fairshare.Fraction) *float64 {
	if r == nil {
		return nil
	}
	f := r.Percent()
	return &f
}

func round(f *float64, digits int) *float64 {
	if f == nil {
		return nil
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(*f, 'f', digits, 64), 64)
	return &v
}

// Report writes a report in format.
func Report(w io.Writer, r *fairshare.Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ToJSON(r))
	case "csv":
		return reportCSV(w, r)
	case "md":
		return reportMarkdown(w, r)
	case "table", "":
		return reportTable(w, r)
	}
	return CheckFormat(format)
}

// CSVColumns are the report CSV's columns.
var CSVColumns = []string{"donor", "name", "weight", "fair_share", "counted", "balance", "ratio", "pct_gdp", "currency", "dataset", "no_data", "opted_out"}

func reportCSV(w io.Writer, r *fairshare.Report) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVColumns)
	for _, row := range ToJSON(r).Rows {
		cw.Write([]string{row.Donor, csvio.SafeCell(row.Name), fmt.Sprintf("%.6f", row.Weight), row.FairShare, row.Counted,
			row.Balance, optF(row.Ratio, 4), optF(row.PctGDP, 4), r.Currency, row.Dataset, yes(row.NoData), yes(row.OptedOut)})
	}
	cw.Flush()
	return cw.Error()
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func optF(f *float64, d int) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%.*f", d, *f)
}

// Millions prints an amount in millions with one decimal and thousands
// separators, the unit of the text table.
func Millions(a fairshare.Amount, cur string) string {
	m := new(big.Rat).Quo(a.Rat(cur), big.NewRat(1000000, 1))
	s := m.FloatString(1)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg && out != "0.0" {
		out = "-" + out
	}
	return out
}

func ratioText(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *f)
}

func header(r *fairshare.Report) []string {
	t := r.Target
	lines := []string{
		fmt.Sprintf("%s: %s", t.ID, t.Name),
		fmt.Sprintf("Period %s to %s; key %s (%d); counted: %s; statuses %s", t.Start, t.End, r.Key, r.KeyYear,
			r.Datasets, joinStatuses(t.Statuses)),
		fmt.Sprintf("Ledger as of %s; amounts in %s million", r.AsOf.UTC().Format("2006-01-02 15:04 MST"), r.Currency),
	}
	if r.GDPYear != 0 {
		lines = append(lines, fmt.Sprintf("%%GDP: counted per year of the period as a share of %d GDP", r.GDPYear))
	}
	if len(t.OptOuts) > 0 {
		how := "renormalised away"
		if !t.Renormalise {
			how = "kept in the key"
		}
		lines = append(lines, fmt.Sprintf("Opted out: %s (%s)", strings.Join(t.OptOuts, ", "), how))
	}
	for _, q := range r.TargetRates {
		lines = append(lines, "Target converted at "+q.String())
	}
	for _, n := range r.Notes {
		lines = append(lines, "Note: "+n)
	}
	return lines
}

func joinStatuses(ss []fairshare.Status) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, "+")
}

func reportTable(w io.Writer, r *fairshare.Report) error {
	cur := r.Currency
	for _, l := range header(r) {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-20s %6s %11s %11s %11s %5s %9s\n", "Ally", "Wt %", "Fair share", "Counted", "Balance", "Ratio", gdpLabel(r))
	var noData []string
	for _, row := range r.Rows {
		name := fit(row.Donor+" "+row.Name, 20)
		wt, _ := row.Weight.Float64()
		counted := Millions(row.Counted, cur)
		bal := Millions(row.Balance, cur)
		ratio := ratioText(fairshare.Float(row.Ratio))
		pg := "-"
		if p := pct(row.PctGDP); p != nil {
			pg = fmt.Sprintf("%.2f", *p)
		}
		if row.NoData {
			counted, bal, ratio, pg = "no data", "-", "-", "-"
			noData = append(noData, row.Donor)
		}
		fmt.Fprintf(w, "%s %6.2f %11s %11s %11s %5s %9s\n", name, wt*100, Millions(row.FairShare, cur), counted, bal, ratio, pg)
	}
	fmt.Fprintln(w, strings.Repeat("-", 79))
	fmt.Fprintf(w, "%-20s %6s %11s %11s\n", "Total", "100.00", Millions(r.Total, cur), Millions(r.Counted, cur))
	fmt.Fprintf(w, "Shortfall of allies below their share: %s %s million\n", Millions(r.Shortfall, cur), cur)
	if len(r.Years) > 1 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%-6s %14s %14s %14s %14s\n", "Year", "Target", "Counted", "Cum. target", "Cum. counted")
		for _, y := range r.Years {
			fmt.Fprintf(w, "%-6d %14s %14s %14s %14s\n", y.Year, Millions(y.Target, cur), Millions(y.Counted, cur),
				Millions(y.CumTarget, cur), Millions(y.CumCounted, cur))
		}
	}
	if len(noData) > 0 {
		fmt.Fprintf(w, "No data in the counted datasets for: %s (not zero: unknown)\n", strings.Join(noData, ", "))
	}
	for _, p := range r.Published {
		fmt.Fprintf(w, "Published for %s: %s%s (%s, %s; %s)\n", p.Period, qual(p.Qualifier), bn(p.Amount, p.Currency),
			p.Publisher, p.Date, p.URL)
	}
	return nil
}

// gdpLabel names the %GDP column with its GDP year ("%GDP 2023").
func gdpLabel(r *fairshare.Report) string {
	if r.GDPYear == 0 {
		return "%GDP"
	}
	return fmt.Sprintf("%%GDP %d", r.GDPYear)
}

func qual(q string) string {
	if q == "" {
		return ""
	}
	return q + " "
}

func reportMarkdown(w io.Writer, r *fairshare.Report) error {
	cur := r.Currency
	fmt.Fprintf(w, "### %s\n\n", mdEscape(r.Target.Name))
	for _, l := range header(r)[1:] {
		fmt.Fprintf(w, "%s  \n", mdEscape(l))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| Ally | Weight %% | Fair share (%s m) | Counted (%s m) | Balance (%s m) | Ratio | %% of GDP %d |\n", cur, cur, cur, r.GDPYear)
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, row := range r.Rows {
		wt, _ := row.Weight.Float64()
		counted, bal, ratio, pg := Millions(row.Counted, cur), Millions(row.Balance, cur), ratioText(fairshare.Float(row.Ratio)), "-"
		if p := pct(row.PctGDP); p != nil {
			pg = fmt.Sprintf("%.2f", *p)
		}
		if row.NoData {
			counted, bal, ratio, pg = "no data", "-", "-", "-"
		}
		fmt.Fprintf(w, "| %s %s | %.2f | %s | %s | %s | %s | %s |\n", row.Donor, mdEscape(row.Name), wt*100,
			Millions(row.FairShare, cur), counted, bal, ratio, pg)
	}
	fmt.Fprintf(w, "| **Total** | 100.00 | %s | %s | | | |\n\n", Millions(r.Total, cur), Millions(r.Counted, cur))
	fmt.Fprintf(w, "Shortfall of allies below their share: %s %s million.\n", Millions(r.Shortfall, cur), cur)
	for _, p := range r.Published {
		fmt.Fprintf(w, "\n%s stated %s%s for %s ([source](%s)).\n", mdEscape(p.Publisher), qual(p.Qualifier), bn(p.Amount, p.Currency), p.Period, p.URL)
	}
	return nil
}

func mdEscape(s string) string {
	r := strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "\n", " ")
	return r.Replace(s)
}

// fit pads or cuts s to n runes, so names with non-ASCII letters align.
func fit(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r) + strings.Repeat(" ", n-len(r))
}

// bn prints a published decimal amount in billions ("EUR 50 bn").
func bn(amount, cur string) string {
	v, ok := new(big.Rat).SetString(amount)
	if !ok {
		return cur + " " + amount
	}
	s := strings.TrimRight(strings.TrimRight(new(big.Rat).Quo(v, big.NewRat(1e9, 1)).FloatString(2), "0"), ".")
	return cur + " " + s + " bn"
}
