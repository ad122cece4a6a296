package web

import (
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// registerExtras adds the pages and files of the newsroom dashboard: chart
// embeds, methodology, datasets and spreadsheet downloads.
func (h *handler) registerExtras(mux *http.ServeMux) {
	for _, name := range []string{"methodology", "datasets", "dataset"} {
		h.pages[name] = template.Must(template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	h.pages["embed"] = template.Must(template.New("embed").ParseFS(templateFS, "templates/embed.html"))
	mux.HandleFunc("GET /embed/{name}", h.embed)
	mux.HandleFunc("GET /methodology", h.page(h.methodology))
	mux.HandleFunc("GET /about", func(w http.ResponseWriter, r *http.Request) {
		u := "/methodology"
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /datasets", h.page(h.datasets))
	mux.HandleFunc("GET /datasets/{id}", h.page(h.dataset))
	mux.HandleFunc("GET /tables/{file}", h.table)
	mux.HandleFunc("GET /tables/donors/{file}", h.donorTable)
	mux.HandleFunc("GET /tables/compare/{file}", h.compareTable)
}

// datasetLabel names a dataset id for readers; "user" is what editors
// entered here.
func datasetLabel(lang, id string) string {
	parts := strings.Split(id, ",")
	for i, g := range parts {
		ds := strings.Split(g, "+")
		for j, d := range ds {
			if d == "user" {
				ds[j] = T(lang, "dataset.user")
			}
		}
		parts[i] = strings.Join(ds, " + ")
	}
	return strings.Join(parts, ", ")
}

// DatasetLabel names a dataset selection in the page's language.
func (p *page) DatasetLabel(id string) string { return datasetLabel(p.Lang, id) }

func datasetLabels(lang string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = datasetLabel(lang, id)
	}
	return out
}

var (
	halfRE    = regexp.MustCompile(`^(\d{4})-H([12])$`)
	quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	sinceRE   = regexp.MustCompile(`^each year since (\d{4})$`)
)

// PeriodLabel writes a data period the reader's way: "2024-H1" is
// "1. halvår 2024" in Danish and "H1 2024" in English.
func PeriodLabel(lang, s string) string {
	if m := halfRE.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf(T(lang, "period.half"), atoi(m[2]), atoi(m[1]))
	}
	if m := quarterRE.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf(T(lang, "period.quarter"), atoi(m[2]), atoi(m[1]))
	}
	if m := sinceRE.FindStringSubmatch(s); m != nil && lang == "da" {
		return "hvert år siden " + m[1]
	}
	return s
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// attributionDA turns the project's own English attribution phrases in
// source lines into Danish; names and titles stay as published.
var attributionDA = strings.NewReplacer(
	"fairshare (compiled from Danish Ministry of Defence announcements as published by the ministry and reported by the press)",
	"fairshare (samlet fra Forsvarsministeriets meddelelser, som ministeriet har offentliggjort dem og pressen har gengivet dem)",
	"NATO (figures); compiled by fairshare", "NATO (tal); samlet af fairshare",
	"quoting the Danish Ministry of Defence press release on package ", "med henvisning til Forsvarsministeriets pressemeddelelse om pakke ",
	"quoting a Ministry of Defence press release", "med henvisning til en pressemeddelelse fra Forsvarsministeriet",
	"quoting NATO Secretary General ", "med henvisning til NATO's generalsekretær ",
	"quoting NATO spokesperson ", "med henvisning til NATO's talsperson ",
	"quoting acting Defence Minister ", "med henvisning til fungerende forsvarsminister ",
	", press conference in Brussels", ", pressemøde i Bruxelles",
	"Ministry of Foreign Affairs of Denmark (Embassy of Denmark in Ukraine", "Udenrigsministeriet (Danmarks ambassade i Ukraine",
	", reported by ", ", oplyst af ",
	" citing ", " med henvisning til ",
	"(citing ", "(med henvisning til ",
	"quoting ", "med henvisning til ",
	"Secretary General ", "generalsekretær ",
	"press conference", "pressemøde",
	"spokesperson ", "talsperson ",
	"doorstep before foreign ministers' meeting", "doorstep-udtalelse før udenrigsministermødet",
	"not officially announced", "ikke officielt meddelt",
	"(title not recorded)", "(titel ikke registreret)",
	"Danish Ministry of Defence", "Forsvarsministeriet",
	"Danish MoD", "Forsvarsministeriet",
	" and ", " og ",
	"compiled from ", "samlet fra ",
)

// stillEnglish spots an attribution the phrases above did not cover.
var stillEnglish = regexp.MustCompile(`\b(the|by|quoting|citing|reported|spokesperson|press)\b`)

// AttributionDA is an attribution in Danish, or the English original and
// false when it cannot be put into Danish word for word (names and titles
// stay as published).
func AttributionDA(s string) (string, bool) {
	da := attributionDA.Replace(s)
	if stillEnglish.MatchString(da) {
		return s, false
	}
	return da, true
}

// Attribution writes who reported a figure in lang.
func Attribution(lang, s string) string {
	if lang != "da" {
		return s
	}
	da, _ := AttributionDA(s)
	return da
}

// AttributionEN tells whether Attribution leaves s in English on a page in
// lang, for marking it lang="en".
func (p *page) AttributionEN(s string) bool {
	if p.Lang != "da" {
		return false
	}
	_, ok := AttributionDA(s)
	return !ok
}

type targetFacts struct {
	ID, Name, Amount, Period, Key, Participants, OptOuts, Statuses, Categories, Source, SourceURL, Link string
	Renormalise                                                                                         bool
}

type datasetRow struct {
	ID, Code, Name, Publisher, Release, Licence, Link, URL string
	NoData                                                 string
}

type methodologyData struct {
	Targets  []targetFacts
	Datasets []datasetRow
	Citation string
	Counted  string
	Statuses []string
	Rates    string
}

func joinT(lang, prefix string, xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = T(lang, prefix+x)
	}
	return strings.Join(out, ", ")
}

func (h *handler) targetFacts(lang string, p *page, ref *app.Reference, t fairshare.Target) targetFacts {
	codes, opted := t.ParticipantCodes(ref.Donors)
	var sts, cats []string
	for _, s := range t.Statuses {
		sts = append(sts, string(s))
	}
	for _, c := range t.Categories {
		cats = append(cats, string(c))
	}
	f := targetFacts{ID: t.ID, Name: TargetName(lang, t), Amount: Money(lang, t.Amount, t.Currency),
		Period: FormatDate(lang, t.Start) + " – " + FormatDate(lang, t.End),
		Key:    fmt.Sprintf("%s %d", T(lang, "key."+t.Key), t.KeyYear), Participants: fmt.Sprint(len(codes)),
		Statuses: joinT(lang, "status.", sts), Categories: joinT(lang, "cat.", cats), Renormalise: t.Renormalise,
		Source: Attribution(lang, strings.TrimSpace(t.Source.Publisher+", "+localTitle(lang, t.Source.Title))), SourceURL: t.Source.URL,
		Link: p.Link("/targets/" + t.ID)}
	if t.GDPRate != "" {
		f.Amount = t.GDPRate + " × " + T(lang, "key.gdp")
	}
	var names []string
	for _, o := range opted {
		if d := ref.ByCode[o]; d != nil {
			names = append(names, d.Name(lang))
		}
	}
	for _, o := range t.OptOuts {
		if d := ref.ByCode[o]; d != nil && !slices.Contains(names, d.Name(lang)) {
			names = append(names, d.Name(lang))
		}
	}
	f.OptOuts = strings.Join(names, ", ")
	return f
}

func (h *handler) datasetRows(lang string, p *page, ref *app.Reference) []datasetRow {
	var out []datasetRow
	for _, d := range ref.Datasets {
		var nd []string
		for _, c := range d.NoData {
			if x := ref.ByCode[c]; x != nil {
				nd = append(nd, x.Name(lang))
			}
		}
		name := datasetName(lang, d)
		out = append(out, datasetRow{ID: d.ID, Code: d.ID, Name: name, Publisher: Attribution(lang, d.Publisher), Release: FormatDate(lang, dateOr(d.ReleaseDate)),
			Licence: d.Licence, Link: p.Link("/datasets/" + d.ID), URL: d.URL, NoData: strings.Join(nd, ", ")})
	}
	// "user" is an id in URLs and the API; Danish pages name it only in Danish.
	u := datasetRow{ID: "user", Code: "user", Name: T(lang, "dataset.user"), Link: p.Link("/datasets/user")}
	if lang == "da" {
		u.Code = ""
	}
	out = append(out, u)
	return out
}

func (h *handler) methodology(r *http.Request, p *page) (string, error) {
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		return "", err
	}
	lang := p.Lang
	d := methodologyData{Datasets: h.datasetRows(lang, p, ref)}
	for _, t := range ref.Targets {
		d.Targets = append(d.Targets, h.targetFacts(lang, p, ref, t))
	}
	if t, err := ref.Target(DefaultTarget); err == nil {
		url := baseURL(r, h.opts.TrustProxy) + "/targets/" + t.ID
		if lang == "da" {
			url = baseURL(r, h.opts.TrustProxy) + "/da/targets/" + t.ID
		}
		d.Citation = fmt.Sprintf(T(lang, "cite.text"), TargetName(lang, t), T(lang, "key."+t.Key), t.KeyYear,
			datasetLabel(lang, app.DefaultDatasets), FormatTime(lang, time.Now()), url)
	}
	p.Title, p.Nav, p.Data = T(lang, "nav.methodology"), "methodology", d
	return "methodology", nil
}

func (h *handler) datasets(r *http.Request, p *page) (string, error) {
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		return "", err
	}
	p.Title, p.Nav, p.Data = T(p.Lang, "nav.datasets"), "datasets", h.datasetRows(p.Lang, p, ref)
	return "datasets", nil
}

type totalRow struct {
	Period, Measure, Published, Ours, Diff, Source, URL string
	SourceEN                                            bool
}

type yearSum struct {
	Year int
	Sum  string
}

type datasetData struct {
	Row                           datasetRow
	Measure, CompiledBy, Statuses string
	Title, Coverage               string
	Rows, Donors, First, Last     string
	Years                         []yearSum
	Totals                        []totalRow
	Unconverted                   int
	ContribCSV, Methodology       string
}

func (h *handler) dataset(r *http.Request, p *page) (string, error) {
	ctx := r.Context()
	lang := p.Lang
	// The page shows the ledger's aggregates and the reference data only.
	if h.cachedPage(r, p) {
		return "dataset", nil
	}
	id := r.PathValue("id")
	s, err := h.app.SummariseDataset(ctx, id)
	if err != nil {
		return "", err
	}
	ref, err := h.app.Reference(ctx)
	if err != nil {
		return "", err
	}
	ds := s.Dataset
	d := datasetData{Title: ds.Title, Coverage: ds.Coverage, Rows: Float(lang, float64(s.Rows), 0), Donors: fmt.Sprint(len(s.Donors)),
		First: FormatDate(lang, s.First), Last: FormatDate(lang, s.Last), Unconverted: s.Unconverted,
		ContribCSV: "/api/v1/contributions?dataset=" + id + "&format=csv", Methodology: p.Link("/methodology")}
	for _, row := range h.datasetRows(lang, p, ref) {
		if row.ID == id {
			d.Row = row
		}
	}
	d.Measure, d.CompiledBy, d.Statuses = ds.Measure, ds.CompiledBy, joinT(lang, "status.", ds.Statuses)
	var years []int
	for y := range s.ByYear {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		d.Years = append(d.Years, yearSum{Year: y, Sum: Money(lang, s.ByYear[y], "EUR")})
	}
	for _, pt := range ds.Totals {
		tr := totalRow{Period: PeriodLabel(lang, pt.Period), Measure: pt.Measure, Source: Attribution(lang, pt.Publisher), URL: pt.URL,
			SourceEN: p.AttributionEN(pt.Publisher)}
		amt, cur := pt.Amount, pt.Currency
		if pt.AmountEUR != "" {
			amt, cur = pt.AmountEUR, "EUR"
		}
		if a, err := fairshare.ParseAmount(amt, cur); err == nil {
			tr.Published = Money(lang, a, cur)
			if pt.Qualifier != "" {
				tr.Published = T(lang, "qual."+pt.Qualifier) + " " + tr.Published
			}
			if ours, ok := s.ByYear[pt.Year]; ok && pt.Year != 0 && cur == "EUR" && (pt.Scope == "all-donors" || pt.Scope == "") {
				tr.Ours = Money(lang, ours, "EUR")
				if a != 0 {
					tr.Diff = Pct(lang, float64(ours)/float64(a), 0)
				}
			}
		}
		d.Totals = append(d.Totals, tr)
	}
	p.Title, p.Nav, p.Data = d.Row.Name, "datasets", d
	return "dataset", nil
}

// Attribution writes a source line's attribution in the page's language.
func (p *page) Attribution(s string) string { return Attribution(p.Lang, s) }

// errorsDA words the errors a reader can meet in Danish; the first
// pattern that matches wins.
var errorsDA = []struct {
	re *regexp.Regexp
	da string
}{
	{regexp.MustCompile(`^no donor "([^"]*)"`), `Der findes ingen donor med koden »$1«.`},
	{regexp.MustCompile(`^no dataset "([^"]*)"`), `Der findes intet datasæt ved navn »$1«.`},
	{regexp.MustCompile(`^no target "([^"]*)"`), `Der findes intet mål ved navn »$1«.`},
	{regexp.MustCompile(`^no contribution (\S+)`), `Der findes intet bidrag med id $1.`},
	{regexp.MustCompile(`^(/\S*): not found$`), `Siden $1 findes ikke.`},
	{regexp.MustCompile(`^currency: .*unknown currency "([^"]*)"`), `Ukendt valuta »$1«: der er ingen kurser for den.`},
	{regexp.MustCompile(`^unknown currency "([^"]*)"`), `Ukendt valuta »$1«: der er ingen kurser for den.`},
	{regexp.MustCompile(`^key: unknown key (\S+)`), `Ukendt fordelingsnøgle »$1« (brug BNP, befolkning eller lige andele).`},
	{regexp.MustCompile(`^as_of: `), `Datoen i as_of kunne ikke læses; skriv den som ÅÅÅÅ-MM-DD.`},
	{regexp.MustCompile(`^key_year: `), `Nøgleåret kunne ikke læses; skriv et år som 2023.`},
	{regexp.MustCompile(`^internal error$`), `Der opstod en intern fejl. Prøv igen senere.`},
}

// ErrorText is the error page's message in the page's language, or ""
// when there is no Danish wording for it (the page then says so and shows
// the English).
func (p *page) ErrorText() string {
	msg, _ := p.Data.(string)
	if p.Lang != "da" {
		return msg
	}
	for _, e := range errorsDA {
		if e.re.MatchString(msg) {
			return e.re.ReplaceAllString(e.re.FindString(msg), e.da)
		}
	}
	return ""
}

// datasetName is a dataset's name in lang: Danish where the messages hold
// one, else as the data names it.
func datasetName(lang string, d fairshare.Dataset) string {
	if n := T(lang, "ds.name."+d.ID); lang == "da" && n != "ds.name."+d.ID {
		return n
	}
	if d.ID == "user" {
		return T(lang, "dataset.user")
	}
	return d.Name
}

// seriesLabel names a chart series by its dataset in lang.
func seriesLabel(lang string, ref *app.Reference, id, fallback string) string {
	if id == "user" {
		return T(lang, "dataset.user")
	}
	if d, ok := ref.Dataset(id); ok {
		return datasetName(lang, d) + " (" + id + ")"
	}
	return fallback
}
