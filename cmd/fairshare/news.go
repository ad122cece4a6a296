package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/feeds"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/news"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("news read", "read money amounts, conversions, sources and draft contributions from an article", runNewsRead)
	register("news eval", "precision and recall of the news reader on a labelled corpus", runNewsEval)
	register("news follow", "follow RSS or Atom feeds: news fetch reads their new articles", runNewsFollow)
	register("news unfollow", "stop following a feed", runNewsUnfollow)
	register("news feeds", "list the followed feeds", runNewsFeeds)
	register("news fetch", "read the followed feeds' new articles once and file drafts for review", runNewsFetch)
	register("news drafts", "list the review queue: drafts read from articles", runNewsDrafts)
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

func runNewsRead(e *env, args []string) error {
	f := newFlags(e, "news read", "FILE|-", `Reads a Danish or English news article and prints every money amount (exact
byte span, value, currency, scale, marker such as knap/about/over/up to, per
year), the conversions it states (checked against the ECB rate of the
article's date, with a verdict that respects the stated precision), who said
or reported what, and draft contributions where a donor, an amount and a
pledge or donation verb meet.

FILE - reads standard input. Each amount's currency_from says whether its
currency is stated by the amount, taken from the context (a currency named
earlier), or the language's default; amounts given only as an order of
magnitude ("et trecifret millionbeløb") are listed as vague_amounts, with no
value.

--apply DATASET records the drafts in DATASET for review (never in a dataset
the reports count by default) and files them in the review queue, where an
editor approves or rejects each at /review; it needs --source-url, the
article's address.`, false)
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
	res, err := a.ReadArticle(e.ctx, text, *lang, day)
	if err != nil {
		return usagef("%v", err)
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
	if !utf8.Valid(text) || bytes.IndexByte(text, 0) >= 0 {
		return usagef("%s: --apply keeps the article's text for review: it must be UTF-8 without NUL bytes", arg)
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
	// The same drafts go to the review queue (/review), where an editor approves them into
	// a counted dataset or rejects them.
	drafts := app.NewsDrafts(res, app.Article{URL: *srcURL, Title: *srcTitle, Publisher: *publisher, Date: res.Date, Text: string(text)}, "read", "", *category)
	for i := range drafts {
		if i < len(cs) {
			drafts[i].LedgerID = cs[i].NaturalID()
		}
	}
	n, err := a.FileNewsDrafts(e.ctx, drafts)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "filed %d draft(s) in the review queue (%d filed before)\n", n, len(drafts)-n)
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
	// that its scores do not depend on which rates a database holds. A set may
	// bring its own days in its folder's rates.csv, as the package tests read it.
	pinned, _ := filepath.Glob(filepath.Join(arg, "*", "rates.csv"))
	pinned = append([]string{filepath.Join(arg, "rates.csv")}, pinned...)
	var rs []fairshare.Rate
	for _, p := range pinned {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		got, err := fx.ParseECB(data, p, nil)
		if err != nil {
			return err
		}
		rs = append(rs, got...)
		fmt.Fprintf(e.stdout, "rates: %s (%d rates pinned by the corpus)\n", p, len(got))
	}
	if len(rs) > 0 {
		rates = pinnedRates(rs)
	}
	res, err := news.Eval(arg, rates)
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, res.String())
	return nil
}

func runNewsFollow(e *env, args []string) error {
	f := newFlags(e, "news follow", "URL...", `Adds RSS or Atom feeds to the list that 'fairshare news fetch' (and 'fairshare
serve --follow-news 15m') reads. A feed followed already is left as it is.`, false)
	urls, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return usagef("give one or more feed URLs")
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	added, err := a.FollowFeeds(e.ctx, urls, author(e))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "following %d new feed(s), %d followed already\n", len(added), len(urls)-len(added))
	return nil
}

func runNewsUnfollow(e *env, args []string) error {
	f := newFlags(e, "news unfollow", "URL", "Stops following a feed; what it brought stays in the review queue.", false)
	u, err := f.one(args, "one feed URL")
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	return a.UnfollowFeed(e.ctx, u)
}

func runNewsFeeds(e *env, args []string) error {
	f := newFlags(e, "news feeds", "", "Lists the followed feeds, when each was last read, and its last error.", true)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	fs, err := a.Feeds(e.ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, fd := range fs {
		fetched := ""
		if !fd.FetchedAt.IsZero() {
			fetched = fd.FetchedAt.Format(time.RFC3339)
		}
		rows = append(rows, []string{fd.URL, fd.Title, fd.AddedBy, fetched, fd.LastError})
	}
	return render.Table(e.stdout, *f.format, []string{"url", "title", "added_by", "fetched_at", "last_error"}, rows)
}

func runNewsFetch(e *env, args []string) error {
	f := newFlags(e, "news fetch", "", `Reads every followed feed once and each item not read before: fetches the
article, extracts its text (go-readability), runs the reader and files its draft
contributions in the review queue (/review). An item is read once: a second run
files nothing new. Feeds are asked with conditional GET (ETag, Last-Modified);
requests to one host are spaced by --per-host, time out after --timeout, and a
response over --max-bytes is refused. It exits 1 when a feed or an article could
not be read (what could be read is filed all the same; a page that failed for a
passing reason is tried again next time).`, false)
	perHost := f.Duration("per-host", 2*time.Second, "least time between two requests to one host")
	timeout := f.Duration("timeout", 20*time.Second, "time limit of one request")
	maxBytes := f.Int64("max-bytes", 4<<20, "largest response read, in bytes")
	category := f.String("category", "in-kind", "category of the drafts")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if _, err := fairshare.ParseCategory(*category); err != nil {
		return usagef("--category: %v", err)
	}
	if *maxBytes <= 0 || *timeout <= 0 || *perHost < 0 {
		return usagef("--max-bytes and --timeout must be positive, --per-host not negative")
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	fe := feeds.NewFetcher()
	fe.PerHost, fe.MaxBytes, fe.Client.Timeout = *perHost, *maxBytes, *timeout
	rep, err := a.FetchNews(e.ctx, app.FetchOptions{Fetcher: fe, Category: *category,
		Log: func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d feed(s) read (%d unchanged), %d new item(s), %d draft(s) filed for review\n",
		rep.Feeds, rep.NotModified, rep.NewItems, rep.Drafts)
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d error(s) while fetching; first: %s", len(rep.Errors), rep.Errors[0])
	}
	return nil
}

func runNewsDrafts(e *env, args []string) error {
	f := newFlags(e, "news drafts", "", "Lists the review queue: drafts read from articles (news read --apply, news\nfetch), with their state: pending, approved or rejected. Editors decide at /review.", true)
	state := f.String("state", "pending", "pending, approved, rejected or all")
	if _, err := f.parse(args); err != nil {
		return err
	}
	st := *state
	switch st {
	case "all":
		st = ""
	case "pending", "approved", "rejected":
	default:
		return usagef("--state %q: want pending, approved, rejected or all", st)
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	ds, err := a.Drafts(e.ctx, st)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, d := range ds {
		rows = append(rows, []string{d.ID, d.State, d.Origin, d.Donor, d.Date, d.Amount, d.Currency, d.CurrencyFrom, d.Status, d.SaidBy, d.ArticleURL, d.Contribution})
	}
	return render.Table(e.stdout, *f.format, []string{"id", "state", "origin", "donor", "date", "amount", "currency", "currency_from", "status", "said_by", "article_url", "contribution"}, rows)
}

// startNewsFollower reads the followed feeds now and then every interval until ctx ends or
// stop is called; stop waits for a fetch under way to end.
func startNewsFollower(ctx context.Context, a *app.App, every time.Duration, log *slog.Logger) (stop func(), err error) {
	if every < time.Minute {
		return nil, usagef("--follow-news %v: at least 1m, to be polite to the feeds' hosts", every)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			rep, err := a.FetchNews(ctx, app.FetchOptions{Log: func(format string, args ...any) {
				log.Info("news: " + fmt.Sprintf(format, args...))
			}})
			if err != nil && ctx.Err() == nil {
				log.Error("news fetch", "err", err)
			} else if err == nil {
				log.Info("news fetch", "feeds", rep.Feeds, "unchanged", rep.NotModified, "new_items", rep.NewItems, "drafts", rep.Drafts, "errors", len(rep.Errors))
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}
