package web

import (
	"context"
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/chart"
	"github.com/fairshare/fairshare/internal/httpx"
)

type keyRow struct {
	Key, Label, Weight, FairShare, Counted, Balance, Ratio string
	Below                                                  bool
	Err                                                    string
}

type policyView struct {
	Date, Status, StatusClass, Scope, URL, Publisher, Title string
	ScopeEN                                                 bool // the scope is in English only
}

type contribView struct {
	Date, Amount, Category, Status, Dataset, Description, URL, SourceText, SortDate, SortAmount string
	Path                                                                                        string // the contribution's page
}

type indicatorView struct {
	Year             int
	GDP, Population  string
	SortGDP, SortPop string
}

type donorData struct {
	Donor       fairshare.Donor
	Name        string
	Accession   string
	Currencies  string
	Controls    controls
	Monthly     template.HTML
	MonthlyURL  string
	TargetName  string
	Unit        string
	KeyRows     []keyRow
	NotInTarget bool
	Policies    []policyView
	// ContributionRows are the contributions table's rows ("contribrows").
	ContributionRows template.HTML
	// ContributionsTotal counts all of them; the page lists the newest
	// (maxDonorRows), the CSV has every one.
	ContributionsTotal int
	ListNote           string
	CSVURL             string
	Indicators         []indicatorView
}

// maxDonorRows is how many contributions a donor page lists.
const maxDonorRows = 200

func (h *handler) findDonor(ref *app.Reference, code string) (*fairshare.Donor, error) {
	d := ref.ByCode[strings.ToUpper(code)]
	if d == nil {
		return nil, fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q", code)
	}
	return d, nil
}

func (h *handler) monthlyChart(ctx context.Context, lang string, ref *app.Reference, d *fairshare.Donor, cur string, asOf time.Time) (string, error) {
	wide, narrow, err := h.monthlyModels(ctx, lang, ref, d, cur, asOf)
	if err != nil {
		return "", err
	}
	return string(Responsive(wide, narrow)), nil
}

// monthlyModels lays out a donor's monthly chart wide and narrow.
func (h *handler) monthlyModels(ctx context.Context, lang string, ref *app.Reference, d *fairshare.Donor, cur string, asOf time.Time) (wide, narrow *chart.Chart, err error) {
	ms, err := h.app.DonorMonthly(ctx, d.Code, cur, asOf)
	if err != nil {
		return nil, nil, err
	}
	series := make([]Series, len(ms))
	for i, m := range ms {
		series[i] = Series{Label: seriesLabel(lang, ref, m.Dataset, m.Label), Months: make(map[int]fairshare.Amount, len(m.Months))}
		for d, v := range m.Months {
			series[i].Months[monthKey(d)] = v
		}
	}
	var pubs []string
	for _, s := range series {
		pubs = append(pubs, s.Label)
	}
	at := asOf
	if at.IsZero() {
		at = time.Now()
	}
	source := fmt.Sprintf("%s: %s. %s fairshare, %s %s.", T(lang, "chart.source"), strings.Join(pubs, ", "),
		T(lang, "fx.hint"), T(lang, "chart.asof"), FormatTime(lang, at))
	title := d.Name(lang) + " — " + T(lang, "donor.monthly")
	return MonthlyChart(lang, title, cur, series, source, WideWidth), MonthlyChart(lang, title, cur, series, source, NarrowWidth), nil
}

func (h *handler) donor(r *http.Request, p *page) (string, error) {
	ctx := r.Context()
	lang := p.Lang
	// A kept rendering was made without error under the same data.
	if h.cachedPage(r, p) {
		return "donor", nil
	}
	ref, err := h.app.Reference(ctx)
	if err != nil {
		return "", err
	}
	d, err := h.findDonor(ref, r.PathValue("code"))
	if err != nil {
		return "", err
	}
	q := r.URL.Query()
	target := q.Get("target")
	if target == "" {
		target = DefaultTarget
	}
	req, _, err := httpx.ParseReportRequest(target, q)
	if err != nil {
		return "", err
	}
	// The ledger time asked for; zero (now) lets reports and the grouped
	// ledger come from what is kept of the current ledger.
	asked := req.AsOf
	cur := req.Currency
	dd := donorData{Donor: *d, Name: d.Name(lang), Accession: FormatDate(lang, d.NATOAccession), Unit: MillionsUnit(lang, cur)}
	var curs []string
	for _, c := range d.Currencies {
		s := c.Code
		if !c.From.IsZero() {
			s += " (" + FormatDate(lang, c.From) + ")"
		}
		curs = append(curs, s)
	}
	dd.Currencies = strings.Join(curs, ", ")

	// Fair share under each key.
	t, err := ref.Target(target)
	if err != nil {
		return "", err
	}
	dd.TargetName = TargetName(lang, t)
	var base *fairshare.Report
	for _, k := range []string{fairshare.KeyGDP, fairshare.KeyPopulation, fairshare.KeyEqual} {
		kr := keyRow{Key: k, Label: capFirst(T(lang, "key."+k))}
		kreq := req
		kreq.Key = k
		rep, err := h.app.Report(ctx, kreq)
		if err != nil {
			kr.Err = err.Error()
			dd.KeyRows = append(dd.KeyRows, kr)
			continue
		}
		if base == nil {
			base = rep
		}
		found := false
		for i := range rep.Rows {
			row := &rep.Rows[i]
			if row.Donor != d.Code {
				continue
			}
			found = true
			kr.Weight, kr.FairShare = weightPct(lang, row.Weight), Millions(lang, row.FairShare, cur)
			kr.Counted, kr.Balance, kr.Below = Millions(lang, row.Counted, cur), Millions(lang, row.Balance, cur), row.Balance < 0
			if row.Ratio != nil {
				f, _ := row.Ratio.Float64()
				kr.Ratio = Pct(lang, f, 0)
			}
			if row.NoData {
				kr.Counted, kr.Balance, kr.Ratio = T(lang, "nodata"), "", ""
			}
		}
		if !found {
			dd.NotInTarget = true
			break
		}
		dd.KeyRows = append(dd.KeyRows, kr)
	}
	if base != nil {
		if dd.Controls, err = h.controls(ctx, lang, ref, req, base); err != nil {
			return "", err
		}
	}

	// Monthly giving.
	at := asked
	if at.IsZero() {
		at = time.Now()
	}
	dd.Monthly, err = fragment(h, p, "monthly\x00"+d.Code+"\x00"+cur+"\x00"+asked.String()+"\x00"+FormatTime(lang, at), func() (template.HTML, error) {
		chart, err := h.monthlyChart(ctx, lang, ref, d, cur, asked)
		return template.HTML(chart), err
	})
	if err != nil {
		return "", err
	}
	dd.MonthlyURL = "/charts/donors/" + url.PathEscape(d.Code) + ".svg?" + url.Values{"lang": {lang}, "currency": {cur}}.Encode()

	// Weapon-use rules.
	_, ps, err := h.app.PolicyHistory(ctx, d.Code)
	if err != nil {
		return "", err
	}
	for _, pol := range ps {
		dd.Policies = append(dd.Policies, policyView{Date: FormatDate(lang, pol.Date), Status: T(lang, "policy."+pol.Status),
			StatusClass: "st-" + pol.Status, Scope: pol.ScopeIn(lang), ScopeEN: lang != "da" || pol.ScopeDA == "",
			URL: pol.Source.URL, Publisher: pol.Source.Publisher, Title: pol.Source.Title})
	}

	// Contributions, newest first: the latest ones, the rest in the CSV.
	// Their rows are rendered once per version: 200 rows are most of the
	// page's template work.
	recent, err := fragment(h, p, "contribrows\x00"+d.Code+"\x00"+asked.String(), func() (recentRows, error) {
		cs, total, err := h.app.RecentContributions(ctx, d.Code, asked, maxDonorRows)
		if err != nil {
			return recentRows{}, err
		}
		rows, err := h.execute("donor", "contribrows", contribRows{P: p, Rows: contribViews(lang, cs)})
		return recentRows{rows: rows, shown: len(cs), total: total}, err
	})
	if err != nil {
		return "", err
	}
	dd.ContributionRows, dd.ContributionsTotal = recent.rows, recent.total
	if recent.total > recent.shown {
		dd.ListNote = fmt.Sprintf(map[bool]string{false: "The newest %d of %d contributions; the CSV has them all.",
			true: "De nyeste %d af %d bidrag; CSV-filen har dem alle."}[lang == "da"], recent.shown, recent.total)
	}
	dd.CSVURL = "/api/v1/contributions?" + url.Values{"donor": {d.Code}, "format": {"csv"}}.Encode()

	// GDP and population.
	ind, err := h.app.Indicators(ctx)
	if err != nil {
		return "", err
	}
	byYear := map[int]*indicatorView{}
	var years []int
	for _, i := range ind {
		if i.Donor != d.Code {
			continue
		}
		v := byYear[i.Year]
		if v == nil {
			v = &indicatorView{Year: i.Year}
			byYear[i.Year] = v
			years = append(years, i.Year)
		}
		r, ok := new(big.Rat).SetString(i.Value)
		if !ok {
			continue
		}
		switch i.Kind {
		case fairshare.KeyGDP:
			v.GDP = Money(lang, fairshare.AmountFromRat(r, "EUR"), "EUR")
			v.SortGDP = r.FloatString(0)
		case fairshare.KeyPopulation:
			v.Population = Decimal(lang, r, 0)
			v.SortPop = r.FloatString(0)
		}
	}
	slices.Sort(years)
	for _, y := range years {
		dd.Indicators = append(dd.Indicators, *byYear[y])
	}
	p.Title, p.Nav, p.Data = dd.Name, "", dd
	return "donor", nil
}

// recentRows are a donor's newest contributions, rendered, with how many
// are shown and how many there are.
type recentRows struct {
	rows         template.HTML
	shown, total int
}

// contribRows is what the "contribrows" template gets.
type contribRows struct {
	P    *page
	Rows []contribView
}

func contribViews(lang string, cs []fairshare.Contribution) []contribView {
	out := make([]contribView, 0, len(cs))
	for _, c := range cs {
		src := localTitle(lang, c.Source.Title)
		if src == "" {
			src = c.Source.Publisher
		}
		if src == "" {
			src = c.Source.URL
		}
		out = append(out, contribView{Date: FormatDate(lang, c.Date), Amount: Money(lang, c.Amount, c.Currency),
			Category: T(lang, "cat."+string(c.Category)), Status: T(lang, "status."+string(c.Status)), Dataset: c.Dataset,
			Description: c.Description, URL: c.Source.URL, SourceText: src, SortDate: c.Date.String(), SortAmount: c.Amount.Format(c.Currency),
			Path: "/contributions/" + url.PathEscape(c.ID)})
	}
	return out
}
