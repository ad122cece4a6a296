package fairshare

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// Target is a collective goal apportioned among participants by a key:
// either a fixed sum (Amount in Currency over Start..End, split evenly into
// calendar-year tranches) or a rate of each participant's own GDP (GDPRate).
type Target struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Amount      Amount `json:"-"`
	AmountText  string `json:"amount,omitempty"` // decimal in Currency, as written in files
	Currency    string `json:"currency"`
	GDPRate     string `json:"gdp_rate,omitempty"` // e.g. "0.0025" for 0.25 % of own GDP
	Start       Date   `json:"start"`
	End         Date   `json:"end"`

	// Participants: the explicit list if given, else NATO allies on MembersOn.
	Participants []string `json:"participants,omitempty"`
	MembersOn    Date     `json:"members_on,omitempty"`
	OptOuts      []string `json:"opt_outs,omitempty"`
	// Renormalise drops opt-outs from the key so the others share the whole
	// target; false keeps their share as an unmet part of the target.
	Renormalise bool `json:"renormalise"`

	Key        string     `json:"key"`
	KeyYear    int        `json:"key_year"`
	Statuses   []Status   `json:"statuses"`
	Categories []Category `json:"categories"`
	Source     Source     `json:"source"`
	BuiltIn    bool       `json:"built_in,omitempty"`
}

// Years lists the calendar years the target spans.
func (t *Target) Years() []int {
	var ys []int
	for y := t.Start.Year(); y <= t.End.Year(); y++ {
		ys = append(ys, y)
	}
	return ys
}

// Validate checks a new target definition, its texts and links included,
// and fills Amount from AmountText.
func (t *Target) Validate() error {
	if err := t.checkTexts(); err != nil {
		return err
	}
	return t.Normalize()
}

// Normalize checks the structure of a target and fills defaults and Amount
// from AmountText. Stores use it to read definitions recorded before the
// text checks of Validate existed.
func (t *Target) Normalize() error {
	if t.ID == "" || strings.ContainsAny(t.ID, " /?#") {
		return FieldError("id", fmt.Sprintf("%q: want a short id without spaces or slashes", t.ID))
	}
	if t.Name == "" {
		return FieldError("name", "required")
	}
	if t.Start.IsZero() || t.End.IsZero() || t.End.Before(t.Start) {
		return FieldError("end", "want start <= end, both YYYY-MM-DD")
	}
	if t.Currency == "" {
		t.Currency = "EUR"
	}
	switch {
	case t.GDPRate != "" && t.AmountText != "":
		return FieldError("amount", "give an amount or a gdp_rate, not both")
	case t.GDPRate != "":
		r, ok := new(big.Rat).SetString(t.GDPRate)
		if !ok || r.Sign() <= 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
			return FieldError("gdp_rate", fmt.Sprintf("%q: want a fraction between 0 and 1, e.g. 0.0025", t.GDPRate))
		}
	default:
		a, err := ParseAmount(t.AmountText, t.Currency)
		if err != nil {
			return FieldError("amount", err.Error())
		}
		if a <= 0 {
			return FieldError("amount", "must be positive")
		}
		t.Amount = a
	}
	if t.Key == "" {
		t.Key = KeyGDP
	}
	if !validKey(t.Key) {
		return FieldError("key", fmt.Sprintf("unknown key %q (want gdp, population, equal or custom)", t.Key))
	}
	if t.KeyYear == 0 {
		t.KeyYear = t.Start.Year() - 1
	}
	if len(t.Participants) == 0 && t.MembersOn.IsZero() {
		t.MembersOn = t.Start
	}
	if len(t.Statuses) == 0 {
		t.Statuses = []Status{Committed, Delivered}
	}
	for _, s := range t.Statuses {
		if _, err := ParseStatus(string(s)); err != nil {
			return FieldError("statuses", err.Error())
		}
	}
	if len(t.Categories) == 0 {
		t.Categories = append([]Category(nil), MilitaryCategories...)
	}
	for _, c := range t.Categories {
		if _, err := ParseCategory(string(c)); err != nil {
			return FieldError("categories", err.Error())
		}
	}
	return nil
}

// ParticipantCodes resolves who shares the target: the explicit list, or
// NATO allies on MembersOn; opt-outs are dropped when renormalising.
// optedOut lists opt-outs kept in the key (Renormalise false).
func (t *Target) ParticipantCodes(donors []Donor) (codes, optedOut []string) {
	out := map[string]bool{}
	for _, o := range t.OptOuts {
		out[o] = true
	}
	add := func(c string) {
		if out[c] {
			if !t.Renormalise {
				codes = append(codes, c)
				optedOut = append(optedOut, c)
			}
			return
		}
		codes = append(codes, c)
	}
	if len(t.Participants) > 0 {
		for _, c := range t.Participants {
			add(c)
		}
	} else {
		for i := range donors {
			if donors[i].MemberOn(t.MembersOn) {
				add(donors[i].Code)
			}
		}
	}
	sort.Strings(codes)
	return codes, optedOut
}

// Written returns t with AmountText filled from Amount, as target files and
// the API write a target (a gdp_rate target has no amount).
func (t Target) Written() Target {
	t.AmountText = ""
	if t.GDPRate == "" {
		t.AmountText = t.Amount.Format(t.Currency)
	}
	return t
}
