package app

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/feeds"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/news"
	"github.com/fairshare/fairshare/internal/refdata"
)

// The news desk: reading articles, following feeds, and the review queue where editors
// approve drafts into the ledger or reject them. Every decision is recorded on the draft
// and in the audit log, and can be reversed.

func (a *App) newsStore() feeds.Store { return feeds.Store{DB: a.sql.DB()} }

// ReadArticle runs the news reader with the ledger's exchange rates. When the rates for the
// article's day are monthly or annual averages rather than the day's ECB fixing, the reader
// is told so, and allows for the spread of a month's rates.
func (a *App) ReadArticle(ctx context.Context, text []byte, lang string, day time.Time) (*news.Result, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	rates := func(d time.Time, cur string) (float64, bool) {
		q, err := ref.Rates.Lookup(cur, fairshare.DateOf(d))
		if err != nil {
			return 0, false
		}
		f, _ := q.Rate.Float64()
		return f, true
	}
	averaged := func(d fairshare.Date) bool {
		q, err := ref.Rates.Lookup("USD", d)
		return err == nil && q.Basis != fairshare.BasisDay && q.Basis != fairshare.BasisEarlier
	}
	opt := news.Options{Lang: lang, Date: day, Rates: rates}
	res, err := news.Read(text, opt)
	if err != nil {
		return nil, fairshare.Errorf(fairshare.EINVALID, "%v", err)
	}
	d, err := fairshare.ParseDate(res.Date)
	if err != nil {
		d, err = fairshare.ParseDate(res.Date + "-01")
	}
	if err == nil && averaged(d) {
		opt.RatesAveraged = true
		return news.Read(text, opt)
	}
	return res, nil
}

// Article names an article drafts are read from.
type Article struct {
	URL, Title, Publisher string
	Date                  string // YYYY-MM-DD, when known
	Text                  string
}

// NewsDrafts turns the reader's candidates into drafts for the review queue: each with the
// amount's span in the article, who said it, and the equivalent the article states.
func NewsDrafts(res *news.Result, art Article, origin, itemID, category string) []feeds.Draft {
	var out []feeds.Draft
	for _, c := range res.Candidates {
		if c.AmountIndex < 0 || c.AmountIndex >= len(res.Amounts) {
			continue
		}
		am := res.Amounts[c.AmountIndex]
		date := c.Date
		if date == "" || len(date) != 10 {
			date = art.Date
		}
		d := feeds.Draft{
			ID: feeds.DraftID(art.URL, am.Start, am.End), Origin: origin, ItemID: itemID, ArticleURL: art.URL,
			ArticleTitle: art.Title, Publisher: art.Publisher, ArticleDate: art.Date, Lang: res.Lang, ArticleText: art.Text,
			AmountStart: am.Start, AmountEnd: am.End, AmountText: am.Text, SaidBy: saidBy(res, am, art.Text),
			Donor: c.Donor, Date: date, Amount: c.Amount, Currency: c.Currency, CurrencyFrom: am.CurrencyFrom,
			Status: c.Status, Category: category, Description: c.Description,
		}
		for _, cv := range res.Conversions {
			other := -1
			switch c.AmountIndex {
			case cv.From:
				other = cv.To
			case cv.To:
				other = cv.From
			}
			if other >= 0 && other < len(res.Amounts) {
				d.Conversion = res.Amounts[other].Text + " — " + cv.Verdict
				break
			}
		}
		out = append(out, d)
	}
	return out
}

// saidBy is who the article says stated the amount: a source in the amount's own sentence,
// else the last one before it in its paragraph, else the article's sign-off (the agency that
// vouches for the whole text).
func saidBy(res *news.Result, am news.Amount, text string) string {
	between := func(x, y int) string {
		if x > y {
			x, y = y, x
		}
		if x < 0 || y > len(text) {
			return ""
		}
		return text[x:y]
	}
	sentenceEnd := func(s string) bool {
		for i := 0; i+1 < len(s); i++ {
			if (s[i] == '.' || s[i] == '!' || s[i] == '?') && (s[i+1] == ' ' || s[i+1] == '\n') {
				return true
			}
		}
		return strings.Contains(s, "\n\n")
	}
	same, before, signoff := "", "", ""
	sameDist := 1 << 30
	for _, at := range res.Attributions {
		if at.Source == "" || at.Source == "unknown" {
			continue
		}
		if at.Kind == "signoff" {
			if signoff == "" {
				signoff = at.Source
			}
			continue
		}
		var gap string
		var dist int
		if at.End <= am.Start {
			gap, dist = between(at.End, am.Start), am.Start-at.End
		} else if at.Start >= am.End {
			gap, dist = between(am.End, at.Start), at.Start-am.End
		}
		// an attribution that spans the amount (a quote line) is in its sentence
		if !sentenceEnd(gap) && dist < sameDist {
			same, sameDist = at.Source, dist
		}
		if at.End <= am.Start && !strings.Contains(gap, "\n\n") {
			before = at.Source
		}
	}
	switch {
	case same != "":
		return same
	case before != "":
		return before
	}
	return signoff
}

// FileNewsDrafts files drafts from `news read --apply`; a draft filed before is skipped.
func (a *App) FileNewsDrafts(ctx context.Context, ds []feeds.Draft) (int, error) {
	return a.newsStore().AddDrafts(ctx, ds)
}

// FollowFeeds adds feeds to the list `news fetch` reads.
func (a *App) FollowFeeds(ctx context.Context, urls []string, user string) (added []string, err error) {
	for _, u := range urls {
		if err := checkFeedURL(u); err != nil {
			return added, err
		}
	}
	for _, u := range urls {
		ok, err := a.newsStore().AddFeed(ctx, u, user)
		if err != nil {
			return added, err
		}
		if ok {
			added = append(added, u)
		}
	}
	return added, nil
}

func checkFeedURL(u string) error {
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || len(u) > 2000 || !utf8.ValidString(u) || strings.ContainsAny(u, " \x00\n") {
		return fairshare.Errorf(fairshare.EINVALID, "feed %q: want an http:// or https:// URL", u)
	}
	return nil
}

// UnfollowFeed removes a feed from the list; the items it brought stay read.
func (a *App) UnfollowFeed(ctx context.Context, url string) error {
	ok, err := a.newsStore().RemoveFeed(ctx, url)
	if err == nil && !ok {
		err = fairshare.Errorf(fairshare.ENOTFOUND, "feed %s is not followed", url)
	}
	return err
}

// Feeds lists the followed feeds.
func (a *App) Feeds(ctx context.Context) ([]feeds.Feed, error) { return a.newsStore().Feeds(ctx) }

// FetchOptions control FetchNews.
type FetchOptions struct {
	Fetcher  *feeds.Fetcher // nil: feeds.NewFetcher()
	Category string         // of the drafts; default in-kind
	Log      func(format string, args ...any)
}

// FetchReport says what one FetchNews did.
type FetchReport struct {
	Feeds       int      `json:"feeds"`
	NotModified int      `json:"not_modified"`
	NewItems    int      `json:"new_items"`
	Drafts      int      `json:"drafts"`
	Errors      []string `json:"errors"`
}

// FetchNews reads every followed feed once (a conditional GET), and each item it has not
// read before: it fetches the article, extracts its text, runs the reader and files the
// drafts. An item is recorded with its drafts in one transaction, so it is read once and
// its drafts are filed once. An item whose page could not be fetched for a passing reason
// (timeout, server error) is tried again next time; one that answers 4xx is recorded with
// its error.
func (a *App) FetchNews(ctx context.Context, opt FetchOptions) (FetchReport, error) {
	f := opt.Fetcher
	if f == nil {
		f = feeds.NewFetcher()
	}
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	cat := opt.Category
	if cat == "" {
		cat = string(fairshare.InKind)
	}
	st := a.newsStore()
	fs, err := st.Feeds(ctx)
	if err != nil {
		return FetchReport{}, err
	}
	var rep FetchReport
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		rep.Errors = append(rep.Errors, msg)
		logf("%s", msg)
	}
	for _, fd := range fs {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		rep.Feeds++
		resp, err := f.Get(ctx, fd.URL, fd.ETag, fd.LastModified)
		if err != nil {
			fd.LastError = err.Error()
			st.Fetched(ctx, fd)
			fail("feed %s: %v", fd.URL, err)
			continue
		}
		fd.ETag, fd.LastModified, fd.LastError = resp.ETag, resp.LastModified, ""
		if resp.NotModified {
			rep.NotModified++
			st.Fetched(ctx, fd)
			continue
		}
		parsed, err := feeds.Parse(strings.NewReader(string(resp.Body)))
		if err != nil {
			fd.LastError = err.Error()
			st.Fetched(ctx, fd)
			fail("feed %s: %v", fd.URL, err)
			continue
		}
		if parsed.Title != "" {
			fd.Title = parsed.Title
		}
		for _, it := range parsed.Items {
			if it.ID == "" || it.Link == "" {
				continue
			}
			if seen, err := st.Seen(ctx, it.ID); err != nil {
				return rep, err
			} else if seen {
				continue
			}
			drafts, itemErr, retry := a.readItem(ctx, f, fd, it, cat)
			if retry {
				fail("item %s: %s (tried again next time)", it.Link, itemErr)
				continue
			}
			if itemErr != "" {
				fail("item %s: %s", it.Link, itemErr)
			}
			filed, err := st.FileItem(ctx, fd.URL, it, drafts, itemErr)
			if err != nil {
				return rep, err
			}
			if filed {
				rep.NewItems++
				rep.Drafts += len(drafts)
				logf("%s: %d draft(s) from %s", fd.URL, len(drafts), it.Link)
			}
		}
		if err := st.Fetched(ctx, fd); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// maxArticleText bounds the text kept with a draft.
const maxArticleText = 200 << 10

// readItem fetches and reads one item's article. retry says the failure may pass.
func (a *App) readItem(ctx context.Context, f *feeds.Fetcher, fd feeds.Feed, it feeds.Item, category string) (ds []feeds.Draft, itemErr string, retry bool) {
	if checkFeedURL(it.Link) != nil {
		return nil, fmt.Sprintf("link %q is not an http(s) URL", it.Link), false
	}
	resp, err := f.Get(ctx, it.Link, "", "")
	if err != nil {
		if he, ok := err.(*feeds.HTTPError); ok && he.Permanent() {
			return nil, err.Error(), false
		}
		return nil, err.Error(), true
	}
	art, err := feeds.Extract(resp.Body, resp.URL)
	if err != nil {
		return nil, err.Error(), false
	}
	text := strings.ToValidUTF8(strings.ReplaceAll(art.Text, "\x00", ""), "\uFFFD")
	if len(text) > maxArticleText {
		return nil, fmt.Sprintf("article text of %d bytes, more than %d", len(text), maxArticleText), false
	}
	pub := it.Published
	if pub.IsZero() {
		pub = art.Published
	}
	title := it.Title
	if title == "" {
		title = art.Title
	}
	publisher := art.SiteName
	if publisher == "" {
		publisher = fd.Title
	}
	res, err := a.ReadArticle(ctx, []byte(text), "auto", pub)
	if err != nil {
		return nil, err.Error(), false
	}
	date := ""
	if !pub.IsZero() {
		date = pub.Format("2006-01-02")
	}
	return NewsDrafts(res, Article{URL: it.Link, Title: title, Publisher: publisher, Date: date, Text: text}, "feed", it.ID, category), "", false
}

// Drafts lists the review queue: state pending, approved, rejected, or "" for all.
func (a *App) Drafts(ctx context.Context, state string) ([]feeds.Draft, error) {
	return a.newsStore().Drafts(ctx, state, 0)
}

// Draft reads one draft with its decisions.
func (a *App) Draft(ctx context.Context, id string) (feeds.Draft, []feeds.Decision, error) {
	d, err := a.newsStore().Draft(ctx, id)
	if err != nil {
		return d, nil, err
	}
	decs, err := a.newsStore().Decisions(ctx, id)
	return d, decs, err
}

// DraftMatch is a ledger entry that may be the same aid as a draft.
type DraftMatch struct {
	Contribution fairshare.Contribution
	DaysApart    int
	// Difference is |ledger - draft| / draft, both in euros at their own dates.
	Difference float64
}

// Draft matches: same donor, date within 14 days, amount within 2 % after conversion.
const (
	matchDays      = 14
	matchTolerance = 0.02
)

// DraftInEUR converts a draft's amount to euros at its date (the conversion the review page
// shows), with the rate used.
func (a *App) DraftInEUR(ctx context.Context, d feeds.Draft) (fairshare.Amount, fairshare.Quote, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return 0, fairshare.Quote{}, err
	}
	day, err := fairshare.ParseDate(d.Date)
	if err != nil {
		return 0, fairshare.Quote{}, fairshare.FieldError("date", "the draft has no date")
	}
	amt, err := fairshare.ParseAmount(d.Amount, d.Currency)
	if err != nil {
		return 0, fairshare.Quote{}, err
	}
	eur, q, _, err := ref.Rates.Convert(amt, d.Currency, "EUR", day)
	return eur, q, err
}

// DraftMatches lists ledger entries that may be the same aid as d: the same donor, a date
// within 14 days, and an amount within 2 % once both are in euros.
func (a *App) DraftMatches(ctx context.Context, d feeds.Draft) ([]DraftMatch, error) {
	day, err := fairshare.ParseDate(d.Date)
	if err != nil {
		return nil, nil // no date, nothing to compare
	}
	mine, _, err := a.DraftInEUR(ctx, d)
	if err != nil || mine <= 0 {
		return nil, nil
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	from, to := fairshare.DateOf(day.Time().AddDate(0, 0, -matchDays)), fairshare.DateOf(day.Time().AddDate(0, 0, matchDays))
	cs, err := a.ListContributions(ctx, fairshare.ContributionFilter{Donor: d.Donor, From: from, To: to})
	if err != nil {
		return nil, err
	}
	var out []DraftMatch
	for _, c := range cs {
		theirs, _, _, err := ref.Rates.Convert(c.Amount, c.Currency, "EUR", c.Date)
		if err != nil {
			continue
		}
		diff := new(big.Rat).SetFrac64(int64(theirs-mine), int64(mine))
		f, _ := diff.Float64()
		if f < 0 {
			f = -f
		}
		if f > matchTolerance {
			continue
		}
		days := int(c.Date.Time().Sub(day.Time()).Hours() / 24)
		if days < 0 {
			days = -days
		}
		out = append(out, DraftMatch{Contribution: c, DaysApart: days, Difference: f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Difference < out[j].Difference })
	return out, nil
}

// WritableDatasets are the datasets an editor may approve drafts into: "user" and every
// described dataset that fairshare does not ship (a shipped dataset is a publisher's
// release and takes no entries from elsewhere).
func (a *App) WritableDatasets(ctx context.Context) ([]string, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	shipped := map[string]bool{}
	if ds, err := refdata.Datasets(); err == nil {
		for _, d := range ds {
			shipped[d.ID] = true
		}
	}
	out := []string{"user"}
	for _, d := range ref.Datasets {
		if !shipped[d.ID] && d.ID != "user" {
			out = append(out, d.ID)
		}
	}
	return out, nil
}

// DraftEdit is the proposal as the editor approves it; empty fields keep the draft's.
type DraftEdit struct {
	Donor, Date, Amount, Currency, Status, Category, Description string
	Dataset                                                      string // default "user"
}

func needEditor(u fairshare.User) error {
	if !u.Role.Allows(fairshare.Editor) {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "%s may not review drafts: editors only", u.Name)
	}
	return nil
}

func decisionReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", fairshare.FieldError("reason", "required: say why")
	}
	if utf8.RuneCountInString(reason) > 1000 || !utf8.ValidString(reason) || strings.ContainsRune(reason, 0) {
		return "", fairshare.FieldError("reason", "at most 1000 characters of text")
	}
	return reason, nil
}

// ApproveDraft records the draft, as the editor may have changed it, as a contribution in a
// dataset the editor may write to, citing the article as its source; the decision is
// recorded on the draft and in the audit log. It returns the contribution.
func (a *App) ApproveDraft(ctx context.Context, id string, edit DraftEdit, u fairshare.User, reason string) (fairshare.Contribution, error) {
	if err := needEditor(u); err != nil {
		return fairshare.Contribution{}, err
	}
	reason, err := decisionReason(reason)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	d, decs, err := a.Draft(ctx, id)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	if d.State != "pending" {
		return fairshare.Contribution{}, fairshare.Errorf(fairshare.ECONFLICT, "draft %s is %s, not pending", id, d.State)
	}
	ds := edit.Dataset
	if ds == "" {
		ds = "user"
	}
	writable, err := a.WritableDatasets(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	ok := false
	for _, w := range writable {
		ok = ok || w == ds
	}
	if !ok {
		return fairshare.Contribution{}, fairshare.FieldError("dataset", fmt.Sprintf("%s may not be written from the review queue (writable: %s)", ds, strings.Join(writable, ", ")))
	}
	e := d
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&e.Donor, edit.Donor)
	set(&e.Date, edit.Date)
	set(&e.Amount, edit.Amount)
	set(&e.Currency, edit.Currency)
	set(&e.Status, edit.Status)
	set(&e.Category, edit.Category)
	set(&e.Description, edit.Description)
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	desc := e.Description
	if utf8.RuneCountInString(desc) > 500 {
		desc = string([]rune(desc)[:500])
	}
	// A new id for each approval: an approval reversed and made again is a new entry.
	j := ledgerio.JSONContribution{ID: feeds.StableID("news-approval", id, fmt.Sprint(len(decs))), Donor: e.Donor,
		Date: e.Date, Amount: e.Amount, Currency: e.Currency, Category: e.Category, Status: e.Status, Dataset: ds,
		Description: desc, SourceURL: d.ArticleURL, SourceTitle: d.ArticleTitle, Publisher: d.Publisher, SourceDate: d.ArticleDate}
	c, field, err := ledgerio.FromJSON(j, ref, ledgerio.Options{})
	if err != nil {
		return fairshare.Contribution{}, fairshare.FieldError(field, err.Error())
	}
	edited := e != d
	action := "approve"
	if edited {
		action = "edit-approve"
	}
	now := time.Now().UTC()
	st := a.newsStore()
	// Claim the draft first, so two editors cannot both approve it.
	dec := feeds.Decision{DraftID: id, At: now, User: u.Name, Action: action, Reason: reason, Contribution: c.ID, Dataset: ds}
	var ep *feeds.Draft
	if edited {
		ep = &e
	}
	if err := st.Decide(ctx, dec, "pending", "approved", ep); err != nil {
		return fairshare.Contribution{}, err
	}
	c, err = a.AddContribution(ctx, j, fairshare.Change{Author: u.Name, Role: u.Role, Reason: "approved from news draft " + id + ": " + reason})
	if err != nil {
		undo := feeds.Decision{DraftID: id, At: time.Now().UTC(), User: u.Name, Action: "reopen", Reason: "approval failed: " + err.Error()}
		st.Decide(ctx, undo, "approved", "pending", nil)
		return fairshare.Contribution{}, err
	}
	detail := fmt.Sprintf("contribution %s in %s: %s %s %s %s", c.ID, ds, c.Donor, c.Amount.Format(c.Currency), c.Currency, d.ArticleURL)
	if err := a.store.AddAudit(ctx, fairshare.AuditEntry{At: now, User: u.Name, Action: "news." + action, Subject: id, Reason: reason, Detail: detail}); err != nil {
		return c, err
	}
	return c, nil
}

// RejectDraft records that a draft is not a contribution, with the reason.
func (a *App) RejectDraft(ctx context.Context, id string, u fairshare.User, reason string) error {
	if err := needEditor(u); err != nil {
		return err
	}
	reason, err := decisionReason(reason)
	if err != nil {
		return err
	}
	d, _, err := a.Draft(ctx, id)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if err := a.newsStore().Decide(ctx, feeds.Decision{DraftID: id, At: now, User: u.Name, Action: "reject", Reason: reason}, "pending", "rejected", nil); err != nil {
		return err
	}
	return a.store.AddAudit(ctx, fairshare.AuditEntry{At: now, User: u.Name, Action: "news.reject", Subject: id, Reason: reason,
		Detail: fmt.Sprintf("%s %s %s from %s", d.Donor, d.Amount, d.Currency, d.ArticleURL)})
}

// ReopenDraft reverses a decision: an approved draft's contribution is deleted (a recorded
// version, as every deletion) and the draft is pending again; a rejected one is pending again.
func (a *App) ReopenDraft(ctx context.Context, id string, u fairshare.User, reason string) error {
	if err := needEditor(u); err != nil {
		return err
	}
	reason, err := decisionReason(reason)
	if err != nil {
		return err
	}
	d, _, err := a.Draft(ctx, id)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	st := a.newsStore()
	switch d.State {
	case "approved":
		if err := st.Decide(ctx, feeds.Decision{DraftID: id, At: now, User: u.Name, Action: "reopen", Reason: reason, Contribution: d.Contribution}, "approved", "pending", nil); err != nil {
			return err
		}
		if d.Contribution != "" {
			hs, err := a.ContributionHistory(ctx, d.Contribution)
			if err != nil {
				return err
			}
			if len(hs) == 0 {
				return fairshare.Errorf(fairshare.ENOTFOUND, "no contribution %s", d.Contribution)
			}
			if cur := hs[len(hs)-1]; !cur.Deleted { // an editor may have deleted it already
				if _, err := a.RemoveContribution(ctx, d.Contribution, cur.Version, fairshare.Change{Author: u.Name, Role: u.Role,
					Reason: "approval of news draft " + id + " reversed: " + reason}); err != nil {
					return err
				}
			}
		}
	case "rejected":
		if err := st.Decide(ctx, feeds.Decision{DraftID: id, At: now, User: u.Name, Action: "reopen", Reason: reason}, "rejected", "pending", nil); err != nil {
			return err
		}
	default:
		return fairshare.Errorf(fairshare.ECONFLICT, "draft %s is pending: nothing to reverse", id)
	}
	return a.store.AddAudit(ctx, fairshare.AuditEntry{At: now, User: u.Name, Action: "news.reopen", Subject: id, Reason: reason,
		Detail: "was " + d.State + contributionNote(d.Contribution)})
}

func contributionNote(id string) string {
	if id == "" {
		return ""
	}
	return "; contribution " + id + " deleted"
}
