package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/news"
)

func init() {
	register("news read", "read money amounts, conversions, sources and draft contributions from an article", runNewsRead)
	register("news eval", "precision and recall of the news reader on a labelled corpus", runNewsEval)
}

// rateFunc adapts the ledger's rate table (daily, else month, else year
// average) to the news reader.
func rateFunc(rt *fairshare.RateTable) news.RateFunc {
	return func(day time.Time, cur string) (float64, bool) {
		q, err := rt.Lookup(cur, fairshare.DateOf(day))
		if err != nil {
			return 0, false
		}
		f, _ := q.Rate.Float64()
		return f, true
	}
}

// averagedOn reports whether the rates for day are period averages rather
// than a day's reference rate.
func averagedOn(rt *fairshare.RateTable, day fairshare.Date) bool {
	q, err := rt.Lookup("USD", day)
	return err == nil && q.Basis != fairshare.BasisDay && q.Basis != fairshare.BasisEarlier
}

func runNewsRead(e *env, args []string) error {
	f := newFlags(e, "news read", "FILE|-", `Reads a Danish or English news article and prints every money amount (exact
byte span, value, currency, scale, marker such as knap/about/over/up to, per
year), the conversions it states (checked against the ECB rate of the
article's date, with a verdict that respects the stated precision), who said
or reported what, and draft contributions where a donor, an amount and a
pledge or donation verb meet.

--apply DATASET records the drafts in DATASET for review (never in a dataset
the reports count by default); it needs --source-url, the article's address.`, false)
	format := f.String("format", "text", "text or json")
	lang := f.String("lang", "auto", "da, en or auto")
	date := f.String("date", "", "the article's date YYYY-MM-DD (default: its own date line)")
	apply := f.String("apply", "", "record draft contributions in this dataset for review")
	srcURL := f.String("source-url", "", "the article's URL (with --apply)")
	srcTitle := f.String("source-title", "", "the article's title (with --apply)")
	publisher := f.String("publisher", "", "the article's publisher (with --apply)")
	category := f.String("category", "in-kind", "category of the drafts (with --apply)")
	arg, err := f.one(args, "one FILE or -")
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format %q: want text or json", *format)
	}
	if *lang != "auto" && *lang != "da" && *lang != "en" {
		return usagef("--lang %q: want da, en or auto", *lang)
	}
	var day time.Time
	if *date != "" {
		d, err := fairshare.ParseDate(*date)
		if err != nil {
			return usagef("--date: %v", err)
		}
		day = d.Time()
	}
	if *apply != "" {
		if *srcURL == "" {
			return usagef("--apply needs --source-url: every contribution names its source")
		}
		for _, g := range strings.Split(strings.ReplaceAll(app.DefaultDatasets, "+", ","), ",") {
			if *apply == g {
				return usagef("--apply %s: drafts go to a review dataset, never to one the reports count by default", *apply)
			}
		}
	}
	var text []byte
	if arg == "-" {
		text, err = io.ReadAll(io.LimitReader(e.stdin, 8<<20))
	} else {
		text, err = os.ReadFile(arg)
	}
	if err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	opt := news.Options{Lang: *lang, Date: day, Rates: rateFunc(ref.Rates)}
	res, err := news.Read(text, opt)
	if err != nil {
		return usagef("%v", err)
	}
	// Without the ECB's daily rates for the article's date (only the
	// embedded monthly and annual averages), tell the reader so: it then
	// allows for the spread of a month's rates.
	if d, err := fairshare.ParseDate(res.Date); err == nil && averagedOn(ref.Rates, d) {
		opt.RatesAveraged = true
		if res, err = news.Read(text, opt); err != nil {
			return usagef("%v", err)
		}
	} else if d, err := fairshare.ParseDate(res.Date + "-01"); err == nil && averagedOn(ref.Rates, d) {
		opt.RatesAveraged = true
		if res, err = news.Read(text, opt); err != nil {
			return usagef("%v", err)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		fmt.Fprint(e.stdout, res.Text())
	}
	if *apply == "" {
		return nil
	}
	var cs []fairshare.Contribution
	for i, c := range res.Candidates {
		row := map[string]string{"donor": c.Donor, "date": c.Date, "amount": c.Amount, "currency": c.Currency,
			"category": *category, "status": c.Status, "dataset": *apply, "description": c.Description,
			"source_url": *srcURL, "source_title": *srcTitle, "publisher": *publisher, "source_date": c.Date}
		if row["date"] == "" {
			row["date"] = res.Date
		}
		got, field, err := ledgerio.FromMap(row, ref, ledgerio.Options{})
		if err != nil {
			return fmt.Errorf("draft %d (%s %s %s): %s: %w", i+1, c.Donor, c.Amount, c.Currency, field, err)
		}
		cs = append(cs, got)
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stderr, "no draft contributions to record")
		return nil
	}
	r, err := a.AddContributions(e.ctx, cs, fairshare.Change{Author: author(e), Reason: "draft from news article " + *srcURL})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "recorded %d draft contribution(s) in dataset %s for review (%d already recorded)\n", r.Added, *apply, r.Skipped)
	return nil
}

// pinnedRates looks a day up in rs, falling back to the last earlier date
// however far back.
func pinnedRates(rs []fairshare.Rate) news.RateFunc {
	byCur := map[string][]fairshare.Rate{}
	for _, r := range rs {
		byCur[r.Currency] = append(byCur[r.Currency], r)
	}
	for _, l := range byCur {
		sort.Slice(l, func(i, j int) bool { return l[i].Period < l[j].Period })
	}
	return func(day time.Time, cur string) (float64, bool) {
		l, want := byCur[cur], day.Format("2006-01-02")
		i := sort.Search(len(l), func(i int) bool { return l[i].Period > want }) - 1
		if i < 0 {
			return 0, false
		}
		f, err := strconv.ParseFloat(l[i].Rate, 64)
		return f, err == nil
	}
}

func runNewsEval(e *env, args []string) error {
	f := newFlags(e, "news eval", "DIR", `Runs the news reader over a labelled corpus (NAME.txt with NAME.json labels,
see testdata/news/README.md) and prints precision and recall of amounts (value
within 0.5 % and the same currency) and of conversion verdicts, per subfolder.`, false)
	arg, err := f.one(args, "one DIR")
	if err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	rates := rateFunc(ref.Rates)
	// A corpus may pin the rates its labels were made with (rates.csv in the
	// ECB format, the last earlier date standing in for a day without one), so
	// that its scores do not depend on which rates a database holds.
	if data, err := os.ReadFile(filepath.Join(arg, "rates.csv")); err == nil {
		rs, err := fx.ParseECB(data, filepath.Join(arg, "rates.csv"), nil)
		if err != nil {
			return err
		}
		rates = pinnedRates(rs)
		fmt.Fprintf(e.stdout, "rates: %s (%d rates pinned by the corpus)\n", filepath.Join(arg, "rates.csv"), len(rs))
	}
	res, err := news.Eval(arg, rates)
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, res.String())
	return nil
}
