package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/render"
)

var timeNow = time.Now

func init() {
	register("contributions add", "record one contribution", runContribAdd)
	register("contributions list", "list current contributions (filters, --as-of)", runContribList)
	register("contributions show", "show one contribution", runContribShow)
	register("contributions edit", "correct a contribution (records a new version)", runContribEdit)
	register("contributions delete", "delete a contribution (records a deleted version)", runContribDelete)
	register("contributions history", "every recorded version of a contribution", runContribHistory)
	register("contributions import", "import contributions from CSV or JSON (all or nothing)", runContribImport)
	register("contributions export", "export current contributions as CSV or JSON", runContribExport)
}

const csvDoc = `CSV format (header required, columns in any order):
  required: donor,date,amount,currency,category,status,source_url
  optional: recipient,dataset,description,source_title,publisher,source_date,id
  donor: ISO 3166-1 alpha-3 (EUI for EU institutions); date: YYYY-MM-DD;
  amount: plain decimal, '.' or ',' as decimal separator, no thousands
  separators; an amount whose only separator is followed by exactly three
  digits (1.000, 1,000) is refused as ambiguous unless the file's number
  style is stated with --decimal-comma (1.000,50) or --decimal-point
  (1,000.50), which also accept thousands separators; currency: ISO 4217; category: equipment-purchase, in-kind,
  maintenance-logistics, training, operations, defence-industry,
  nato-trust-fund (the seven NATO pledge categories), financial, humanitarian;
  status: pledged, committed or delivered. ';' may separate fields.`

// fieldFlags registers the contribution fields as flags.
type fieldFlags struct {
	donor, recipient, date, amount, currency, category, status, dataset, description *string
	url, title, publisher, sourceDate, reason                                        *string
}

func addFieldFlags(f *flags) *fieldFlags {
	return &fieldFlags{
		donor: f.String("donor", "", "donor code, e.g. DNK"), recipient: f.String("recipient", "", "recipient (default UKR)"),
		date: f.String("date", "", "date YYYY-MM-DD"), amount: f.String("amount", "", "amount, e.g. 1000000000 or 12.5"),
		currency: f.String("currency", "", "ISO 4217 currency, e.g. DKK"), category: f.String("category", "", "category id"),
		status: f.String("status", "", "pledged, committed or delivered"), dataset: f.String("dataset", "", "dataset (default user)"),
		description: f.String("description", "", "what was given"), url: f.String("source-url", "", "source URL (required)"),
		title: f.String("source-title", "", "source title"), publisher: f.String("publisher", "", "source publisher"),
		sourceDate: f.String("source-date", "", "source date YYYY-MM-DD"), reason: f.String("reason", "", "why (recorded in the history)"),
	}
}

// patch names the contribution fields given on the command line (by their
// CSV/JSON names) with their values.
func (ff *fieldFlags) patch(f *flags) app.ContributionPatch {
	flagOf := map[string]*string{"donor": ff.donor, "recipient": ff.recipient, "date": ff.date, "amount": ff.amount,
		"currency": ff.currency, "category": ff.category, "status": ff.status, "dataset": ff.dataset,
		"description": ff.description, "source-url": ff.url, "source-title": ff.title, "publisher": ff.publisher,
		"source-date": ff.sourceDate}
	p := app.ContributionPatch{}
	f.Visit(func(fl *flag.Flag) {
		if v, ok := flagOf[fl.Name]; ok {
			p[strings.ReplaceAll(fl.Name, "-", "_")] = *v
		}
	})
	return p
}

// values is the new contribution the flags describe.
func (ff *fieldFlags) values(f *flags) ledgerio.JSONContribution {
	p := ff.patch(f)
	return ledgerio.JSONContribution{Donor: p["donor"], Recipient: p["recipient"], Date: p["date"], Amount: p["amount"],
		Currency: p["currency"], Category: p["category"], Status: p["status"], Dataset: p["dataset"],
		Description: p["description"], SourceURL: p["source_url"], SourceTitle: p["source_title"],
		Publisher: p["publisher"], SourceDate: p["source_date"]}
}

// flagError turns an error about a field into a usage error naming its flag.
func flagError(err error) error {
	var fe *fairshare.Error
	if errors.As(err, &fe) && fe.Code == fairshare.EINVALID && fe.Field != "" {
		return usagef("--%s: %s", strings.ReplaceAll(fe.Field, "_", "-"), fe.Message)
	}
	return err
}

func author(e *env) string {
	if u := e.getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func runContribAdd(e *env, args []string) error {
	f := newFlags(e, "contributions add", "", "Records one contribution in the ledger and prints its id.\n\n"+csvDoc, false)
	ff := addFieldFlags(f)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	r := *ff.reason
	if r == "" {
		r = "recorded with 'contributions add'"
	}
	c, err := a.AddContribution(e.ctx, ff.values(f), fairshare.Change{Author: author(e), Reason: r})
	if fairshare.ErrorCode(err) == fairshare.ECONFLICT && c.ID != "" {
		fmt.Fprintf(e.stderr, "already recorded: %s\n", c.ID)
	} else if err != nil {
		return flagError(err)
	}
	fmt.Fprintln(e.stdout, c.ID)
	return nil
}

// listFlags are the filters of 'contributions list' and 'export'.
type listFlags struct{ donor, dataset, from, to, asOf *string }

func addListFlags(f *flags) listFlags {
	return listFlags{f.String("donor", "", "only this donor"), f.String("dataset", "", "only this dataset"),
		f.String("from", "", "dated on or after YYYY-MM-DD"), f.String("to", "", "dated on or before YYYY-MM-DD"),
		f.String("as-of", "", "ledger as recorded at this date or RFC 3339 time")}
}

// contributions opens the database and lists what the filters select.
func (l listFlags) contributions(f *flags) ([]fairshare.Contribution, error) {
	flt := fairshare.ContributionFilter{Donor: strings.ToUpper(*l.donor), Dataset: *l.dataset}
	var err error
	if *l.from != "" {
		if flt.From, err = fairshare.ParseDate(*l.from); err != nil {
			return nil, usagef("--from: %v", err)
		}
	}
	if *l.to != "" {
		if flt.To, err = fairshare.ParseDate(*l.to); err != nil {
			return nil, usagef("--to: %v", err)
		}
	}
	if flt.AsOf, err = parseAsOf(*l.asOf); err != nil {
		return nil, usagef("%v", err)
	}
	a, err := f.open()
	if err != nil {
		return nil, err
	}
	defer a.Close()
	return a.ListContributions(f.e.ctx, flt)
}

func runContribList(e *env, args []string) error {
	f := newFlags(e, "contributions list", "", "Lists current contributions (newest version of each, deletions hidden).", true)
	lf := addListFlags(f)
	if _, err := f.parse(args); err != nil {
		return err
	}
	cs, err := lf.contributions(f)
	if err != nil {
		return err
	}
	return writeContributions(e.stdout, cs, *f.format)
}

func writeContributions(w io.Writer, cs []fairshare.Contribution, format string) error {
	switch format {
	case "json":
		return ledgerio.WriteJSON(w, cs)
	case "csv":
		return ledgerio.WriteCSV(w, cs)
	}
	rows := make([][]string, len(cs))
	for i, c := range cs {
		rows[i] = []string{c.ID[:min(8, len(c.ID))], c.Date.String(), c.Donor, c.Amount.Format(c.Currency) + " " + c.Currency,
			string(c.Category), string(c.Status), c.Dataset, trunc(c.Description, 40)}
	}
	return render.Table(w, format, []string{"id", "date", "donor", "amount", "category", "status", "dataset", "description"}, rows)
}

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// resolveID accepts a full id or a unique prefix of at least 6 characters.
func resolveID(e *env, a *app.App, id string) (string, error) {
	full, err := a.ResolveContributionID(e.ctx, id)
	var fe *fairshare.Error
	if errors.As(err, &fe) && fe.Field == "id" {
		return "", usagef("id %s", fe.Message)
	}
	return full, err
}

func oneID(e *env, f *flags, args []string) (*app.App, string, error) {
	pos, err := f.parse(args)
	if err != nil {
		return nil, "", err
	}
	if err := wantArgs(pos, 1, "one ID"); err != nil {
		return nil, "", err
	}
	a, err := f.open()
	if err != nil {
		return nil, "", err
	}
	id, err := resolveID(e, a, pos[0])
	if err != nil {
		a.Close()
		return nil, "", err
	}
	return a, id, nil
}

func runContribShow(e *env, args []string) error {
	f := newFlags(e, "contributions show", "ID", "Shows the current version of a contribution (ID or a unique prefix).", true)
	asOf := f.String("as-of", "", "as recorded at this date or RFC 3339 time")
	a, id, err := oneID(e, f, args)
	if err != nil {
		return err
	}
	defer a.Close()
	at, err := parseAsOf(*asOf)
	if err != nil {
		return usagef("%v", err)
	}
	c, err := a.Contribution(e.ctx, id, at)
	if err != nil {
		return err
	}
	if *f.format != "table" {
		return writeContributions(e.stdout, []fairshare.Contribution{c}, *f.format)
	}
	return showContribution(e.stdout, c)
}

func showContribution(w io.Writer, c fairshare.Contribution) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	j := ledgerio.ToJSON(c)
	for _, kv := range [][2]string{{"id", j.ID}, {"version", fmt.Sprint(j.Version)}, {"recorded", j.RecordedAt},
		{"donor", j.Donor}, {"recipient", j.Recipient}, {"date", j.Date}, {"amount", j.Amount + " " + j.Currency},
		{"category", j.Category}, {"status", j.Status}, {"dataset", j.Dataset}, {"description", j.Description},
		{"source", j.SourceURL}, {"source title", j.SourceTitle}, {"publisher", j.Publisher}, {"source date", j.SourceDate},
		{"by", j.Author}, {"reason", j.Reason}} {
		if kv[1] != "" {
			fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
		}
	}
	return tw.Flush()
}

func runContribEdit(e *env, args []string) error {
	f := newFlags(e, "contributions edit", "ID", `Corrects a contribution: the fields given replace those of the newest
version in a new version, read and written in one transaction, so a change
made meanwhile by someone else is kept. With --base N the correction is
refused (exit 1) if the entry is no longer at version N. The earlier
versions stay in the history.`, false)
	ff := addFieldFlags(f)
	base := f.Int("base", 0, "only if the entry is still at this version (see 'contributions show')")
	a, id, err := oneID(e, f, args)
	if err != nil {
		return err
	}
	defer a.Close()
	if *ff.reason == "" {
		return usagef("--reason is required: say why the entry is corrected (it is kept in the history)")
	}
	if *base < 0 {
		return usagef("--base %d: want a version number", *base)
	}
	p := ff.patch(f)
	if len(p) == 0 {
		return usagef("nothing to correct: give the fields that change, e.g. --amount 12.5")
	}
	out, err := a.EditContribution(e.ctx, id, *base, p, fairshare.Change{Author: author(e), Reason: *ff.reason})
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(e.stdout, "%s now at version %d\n", out.ID, out.Version)
	return nil
}

func runContribDelete(e *env, args []string) error {
	f := newFlags(e, "contributions delete", "ID", "Deletes a contribution by recording a deleted version; history keeps it.", false)
	reason := f.String("reason", "", "why (required; recorded in the history)")
	a, id, err := oneID(e, f, args)
	if err != nil {
		return err
	}
	defer a.Close()
	if *reason == "" {
		return usagef("--reason is required: say why the entry is deleted (it is kept in the history)")
	}
	if _, err := a.RemoveContribution(e.ctx, id, 0, fairshare.Change{Author: author(e), Reason: *reason}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s deleted\n", id)
	return nil
}

func runContribHistory(e *env, args []string) error {
	f := newFlags(e, "contributions history", "ID", "Shows every recorded version of a contribution, oldest first.", true)
	a, id, err := oneID(e, f, args)
	if err != nil {
		return err
	}
	defer a.Close()
	vs, err := a.ContributionHistory(e.ctx, id)
	if err != nil {
		return err
	}
	switch *f.format {
	case "json", "csv":
		return writeContributionsVersions(e.stdout, vs, *f.format)
	}
	rows := make([][]string, len(vs))
	for i, c := range vs {
		what := c.Amount.Format(c.Currency) + " " + c.Currency + " " + string(c.Status)
		if c.Deleted {
			what = "deleted"
		}
		rows[i] = []string{fmt.Sprint(c.Version), c.RecordedAt.Format(time.RFC3339), c.Date.String(), what, c.Author, c.Reason}
	}
	return render.Table(e.stdout, *f.format, []string{"version", "recorded", "date", "amount/status", "by", "reason"}, rows)
}

func writeContributionsVersions(w io.Writer, vs []fairshare.Contribution, format string) error {
	if format == "json" {
		return ledgerio.WriteJSON(w, vs)
	}
	return ledgerio.WriteHistoryCSV(w, vs)
}

func runContribImport(e *env, args []string) error {
	f := newFlags(e, "contributions import", "FILE", `Imports contributions from a CSV or JSON file ('-' for standard input).
All or nothing: a bad row fails the whole import with FILE:LINE: field:
reason, and nothing is recorded. Rows already recorded (same content or
same id) are skipped, so importing a file twice adds nothing.

`+csvDoc, false)
	dataset := f.String("dataset", "", "put rows without a dataset column in this dataset (default user)")
	force := f.Bool("force-dataset", false, "put every row in --dataset, whatever the file says")
	reason := f.String("reason", "", "why (recorded in the history)")
	comma := f.Bool("decimal-comma", false, "amounts are written 1.000,50 (Danish): ',' is the decimal separator, '.' groups thousands")
	point := f.Bool("decimal-point", false, "amounts are written 1,000.50 (English): '.' is the decimal separator, ',' groups thousands")
	arg, err := f.one(args, "one FILE")
	if err != nil {
		return err
	}
	style := fairshare.NumberStyleUnstated
	switch {
	case *comma && *point:
		return usagef("give --decimal-comma or --decimal-point, not both")
	case *comma:
		style = fairshare.DecimalComma
	case *point:
		style = fairshare.DecimalPoint
	}
	in, size := io.Reader(e.stdin), 0
	if arg != "-" {
		file, err := os.Open(arg)
		if err != nil {
			return err
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			size = int(st.Size())
		}
		in = file
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	r := *reason
	if r == "" {
		r = "import " + arg
	}
	opt := ledgerio.Options{Dataset: *dataset, ForceDataset: *force, Decimal: style}
	ch := fairshare.Change{Author: author(e), Reason: r}
	var res fairshare.ImportResult
	if a.RecordsWhileReading() {
		// One bar: the reading is the import.
		bar := newProgress(e, size, "importing")
		res, err = a.ImportContributions(e.ctx, bar.reader(in), arg, "", opt, ch)
		bar.done()
	} else {
		res, err = importInTwo(e, a, in, size, arg, opt, ch)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s: %d added, %d already recorded\n", arg, res.Added, res.Skipped)
	return nil
}

// importInTwo reads and validates the whole file, then records it, each
// with its own progress bar.
func importInTwo(e *env, a *app.App, in io.Reader, size int, arg string, opt ledgerio.Options, ch fairshare.Change) (fairshare.ImportResult, error) {
	reading := newProgress(e, size, "reading  ")
	v, err := a.ReadContributions(e.ctx, reading.reader(in), arg, "", opt)
	reading.done()
	if err != nil {
		return fairshare.ImportResult{}, err
	}
	defer v.Close()
	bar := newProgress(e, v.Len(), "recording")
	ch.Progress = bar.set
	res, err := a.RecordImport(e.ctx, v, ch)
	bar.done()
	return res, err
}

func runContribExport(e *env, args []string) error {
	f := newFlags(e, "contributions export", "", "Exports current contributions in the import format (CSV by default, or JSON).\n\n"+csvDoc, false)
	format := f.String("format", "csv", "csv or json")
	lf := addListFlags(f)
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usagef("--format %q: want csv or json", *format)
	}
	cs, err := lf.contributions(f)
	if err != nil {
		return err
	}
	return writeContributions(e.stdout, cs, *format)
}
