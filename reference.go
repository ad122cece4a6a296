package fairshare

// Donor is a state or institution that gives aid. Allies carry their NATO
// accession date; currencies change over time (Croatia 2023, Bulgaria 2026).
type Donor struct {
	Code          string           `json:"code"`
	NameEN        string           `json:"name_en"`
	NameDA        string           `json:"name_da"`
	Kind          string           `json:"kind"` // nato, eu-institution, other
	NATOAccession Date             `json:"nato_accession,omitempty"`
	Currencies    []CurrencyPeriod `json:"currencies"`
	Source        Source           `json:"source"`
}

// CurrencyPeriod is a currency in use from a date on (zero From: always).
type CurrencyPeriod struct {
	Code string `json:"code"`
	From Date   `json:"from,omitempty"`
}

// Name returns the donor's name in lang ("da" or anything else for English).
func (d *Donor) Name(lang string) string {
	if lang == "da" && d.NameDA != "" {
		return d.NameDA
	}
	return d.NameEN
}

// MemberOn reports whether the donor was a NATO ally on day.
func (d *Donor) MemberOn(day Date) bool {
	return !d.NATOAccession.IsZero() && !d.NATOAccession.After(day)
}

// CurrencyOn returns the currency the donor used on day.
func (d *Donor) CurrencyOn(day Date) string {
	cur := ""
	for _, p := range d.Currencies {
		if p.From.IsZero() || !p.From.After(day) {
			cur = p.Code
		}
	}
	return cur
}

// Indicator is one yearly figure for a donor: GDP in EUR (Value in whole
// euros as a decimal string) or population (Value a count).
type Indicator struct {
	Kind    string `json:"kind"` // gdp, population
	Donor   string `json:"donor"`
	Year    int    `json:"year"`
	Value   string `json:"value"`
	Note    string `json:"note,omitempty"` // how it was converted
	Vintage string `json:"vintage,omitempty"`
	Source  Source `json:"source"`
}

// Dataset describes one source of contributions (e.g. kiel-r29, dk-mod, user).
type Dataset struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Publisher   string           `json:"publisher,omitempty"`
	Title       string           `json:"title,omitempty"`
	ReleaseDate string           `json:"release_date,omitempty"`
	URL         string           `json:"url,omitempty"`
	Licence     string           `json:"licence,omitempty"`
	Coverage    string           `json:"coverage,omitempty"`
	NoData      []string         `json:"no_data,omitempty"`
	Totals      []PublishedTotal `json:"published_totals,omitempty"`
	// CompiledBy and Compiled say who put the dataset together and when
	// (e.g. fairshare, from official and press sources); Publisher is the
	// original publisher when one body published it all.
	CompiledBy string `json:"compiled_by,omitempty"`
	Compiled   string `json:"compiled,omitempty"`
	// Measure says in words what a row counts (e.g. "commitments as
	// announced"), Statuses which contribution statuses its rows carry, so
	// that comparisons line up like with like.
	Measure  string   `json:"measure,omitempty"`
	Statuses []string `json:"statuses,omitempty"`
	// Unvalued lists items the source names without any published value:
	// documented, never counted, never a zero.
	Unvalued []UnvaluedItem `json:"unvalued,omitempty"`
	// SupplementOf names the dataset this one adds to: a report that counts
	// that dataset counts this one with it (as if joined by '+'). Only for
	// entries the other dataset lacks, or they are counted twice.
	SupplementOf string `json:"supplement_of,omitempty"`
	// OpenToEditors lets every editor write into the dataset; Editors
	// names single editors who may. Shipped datasets are never open.
	OpenToEditors bool     `json:"open_to_editors,omitempty"`
	Editors       []string `json:"editors,omitempty"`
}

// UnvaluedItem is aid a source names without a published value.
type UnvaluedItem struct {
	Donor       string `json:"donor"`
	Date        string `json:"date"`
	Description string `json:"description"`
	Note        string `json:"note"` // why there is no amount
	Source      Source `json:"source"`
}

// PublishedTotal is an aggregate figure a publisher states, kept to check
// our sums against and to print beside them.
type PublishedTotal struct {
	Target    string `json:"target,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Period    string `json:"period,omitempty"`
	Year      int    `json:"year,omitempty"`
	Measure   string `json:"measure,omitempty"`
	Amount    string `json:"amount,omitempty"`
	AmountEUR string `json:"amount_eur,omitempty"`
	Currency  string `json:"currency,omitempty"`
	Qualifier string `json:"qualifier,omitempty"` // over, about
	// Compare is "cumulative" for a running total of what the dataset
	// itemises: its rows up to AsOf are summed against it.
	Compare   string `json:"compare,omitempty"`
	Quote     string `json:"quote,omitempty"`
	AsOf      string `json:"as_of,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Title     string `json:"title,omitempty"`
	Date      string `json:"date,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Policy is one dated state of a donor's rules on using its weapons against
// targets in Russia.
type Policy struct {
	Donor   string `json:"donor"`
	Date    Date   `json:"date"`
	Status  string `json:"status"`             // prohibited, limited, allowed, unknown
	Scope   string `json:"scope"`              // in English
	ScopeDA string `json:"scope_da,omitempty"` // the same in Danish
	Source  Source `json:"source"`
}

// ScopeIn returns the scope in lang ("da" or anything else for English).
func (p *Policy) ScopeIn(lang string) string {
	if lang == "da" && p.ScopeDA != "" {
		return p.ScopeDA
	}
	return p.Scope
}

// PolicyStatuses are the allowed Policy.Status values.
var PolicyStatuses = []string{"prohibited", "limited", "allowed", "unknown"}
