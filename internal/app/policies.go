package app

import (
	"context"
	"sort"
	"strings"

	"github.com/fairshare/fairshare"
)

// PolicyState is a donor's weapon-use rule in force on a day.
type PolicyState struct {
	Donor  string `json:"donor"`
	Name   string `json:"name"`
	Status string `json:"status"` // prohibited, limited, allowed, unknown
	Since  string `json:"since"`  // date of the statement in force; "" when none
	Scope  string `json:"scope"`
	// ScopeDA is the statement in Danish where the data holds it.
	ScopeDA string           `json:"scope_da,omitempty"`
	Source  fairshare.Source `json:"source"`
	// FirstRecorded is the date of the donor's first statement when it is
	// later than the day asked for ("no statement yet").
	FirstRecorded string `json:"first_recorded,omitempty"`
}

// PoliciesInForce returns each donor's state on day: the latest statement
// dated on or before it. The one rule for a donor whose first statement is
// later than day: it is listed, as unknown, "no statement yet", with the
// date of that first statement. Donors with no statement at all are listed
// (as unknown, "no statement recorded") only with all, and then only NATO
// allies on day. Sorted by donor code.
func (a *App) PoliciesInForce(ctx context.Context, day fairshare.Date, all bool) ([]PolicyState, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := a.store.Policies(ctx)
	if err != nil {
		return nil, err
	}
	byDonor := policiesByDonor(ps)
	codes := make([]string, 0, len(byDonor))
	for c := range byDonor {
		codes = append(codes, c)
	}
	if all {
		for _, d := range ref.Donors {
			if byDonor[d.Code] == nil && d.MemberOn(day) {
				codes = append(codes, d.Code)
			}
		}
	}
	sort.Strings(codes)
	out := []PolicyState{}
	for _, c := range codes {
		s := PolicyState{Donor: c, Name: c}
		if d := ref.ByCode[c]; d != nil {
			s.Name = d.NameEN
		}
		var cur *fairshare.Policy
		for i := range byDonor[c] {
			if !byDonor[c][i].Date.After(day) {
				cur = &byDonor[c][i]
			}
		}
		switch {
		case cur != nil:
			s.Status, s.Since, s.Scope, s.ScopeDA, s.Source = cur.Status, cur.Date.String(), cur.Scope, cur.ScopeDA, cur.Source
		case len(byDonor[c]) > 0:
			s.Status, s.FirstRecorded = "unknown", byDonor[c][0].Date.String()
			s.Scope = "no statement yet (first recorded: " + s.FirstRecorded + ")"
		default:
			s.Status, s.Scope = "unknown", "no statement recorded"
		}
		out = append(out, s)
	}
	return out, nil
}

// PolicyHistory returns one donor's statements, oldest first.
func (a *App) PolicyHistory(ctx context.Context, donor string) (*fairshare.Donor, []fairshare.Policy, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	code := strings.ToUpper(strings.TrimSpace(donor))
	d := ref.ByCode[code]
	if d == nil {
		return nil, nil, fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q (see 'fairshare donors list' or /api/v1/donors)", donor)
	}
	ps, err := a.store.Policies(ctx)
	if err != nil {
		return nil, nil, err
	}
	return d, policiesByDonor(ps)[code], nil
}

// Policies lists every recorded statement, each donor's oldest first.
func (a *App) Policies(ctx context.Context) ([]fairshare.Policy, error) {
	ps, err := a.store.Policies(ctx)
	if err != nil {
		return nil, err
	}
	by := policiesByDonor(ps)
	codes := make([]string, 0, len(by))
	for c := range by {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	out := []fairshare.Policy{}
	for _, c := range codes {
		out = append(out, by[c]...)
	}
	return out, nil
}

// policiesByDonor groups policy rows by donor, each sorted by date.
func policiesByDonor(ps []fairshare.Policy) map[string][]fairshare.Policy {
	out := map[string][]fairshare.Policy{}
	for _, p := range ps {
		out[p.Donor] = append(out[p.Donor], p)
	}
	for _, l := range out {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Date.Before(l[j].Date) })
	}
	return out
}
