package main

import (
	"fmt"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("policies list", "each donor's rules on using its weapons against targets in Russia, on a date", runPoliciesList)
	register("policies history", "one donor's dated timeline of those rules, with sources", runPoliciesHistory)
}

const policiesDoc = `Donors' rules on Ukraine using the weapons they gave against targets in
Russia, as a dated timeline per donor: status prohibited, limited (a
geographic or weapon-specific restriction remains), allowed (military
targets in Russia within international law / self-defence) or unknown (no
explicit statement on the donor's own weapons found), the scope in words and
the source. A row is a change announced on its date; the state on a date is
the latest row dated on or before it.`

func runPoliciesList(e *env, args []string) error {
	f := newFlags(e, "policies list", "", policiesDoc+`

Lists each donor's state on --as-of (default today): status, the date of the
statement it rests on (since), scope and source. Donors with no policy row at
all are not listed, unless --all is given: then every NATO ally without one is
listed as unknown. A donor whose first row is later than --as-of is listed as
unknown ("no statement yet"), with the date of that first row in the scope.`, true)
	asOf := f.String("as-of", "", "state on this date YYYY-MM-DD (default today)")
	all := f.Bool("all", false, "also list NATO allies without any policy row, as unknown")
	if _, err := f.parse(args); err != nil {
		return err
	}
	day := fairshare.DateOf(timeNow().UTC())
	if *asOf != "" {
		d, err := fairshare.ParseDate(*asOf)
		if err != nil {
			return usagef("--as-of: %v", err)
		}
		day = d
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	states, err := a.PoliciesInForce(e.ctx, day, *all)
	if err != nil {
		return err
	}
	format := *f.format
	var rows [][]string
	for _, st := range states {
		scope := st.Scope
		if format == "table" && st.Since != "" {
			scope = trunc(scope, 70)
		}
		rows = append(rows, []string{st.Donor, st.Name, st.Status, st.Since, scope, st.Source.Publisher, st.Source.URL})
	}
	if format == "table" {
		fmt.Fprintf(e.stdout, "Weapon-use rules on %s (latest statement on or before that date):\n\n", day)
		for i := range rows {
			rows[i][5] = trunc(rows[i][5], 30)
		}
	}
	return render.Table(e.stdout, format, []string{"donor", "name", "status", "since", "scope", "publisher", "source"}, rows)
}

func runPoliciesHistory(e *env, args []string) error {
	f := newFlags(e, "policies history", "DONOR", policiesDoc+`

Shows one donor's timeline, oldest first: date, status, scope and source
(publisher, title, date, URL).`, true)
	arg, err := f.one(args, "one DONOR code")
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	d, list, err := a.PolicyHistory(e.ctx, arg)
	if err != nil {
		return err
	}
	format := *f.format
	if format == "table" {
		fmt.Fprintf(e.stdout, "%s %s: rules on using its weapons against targets in Russia\n\n", d.Code, d.NameEN)
		if len(list) == 0 {
			fmt.Fprintln(e.stdout, "No policy statement recorded: status unknown.")
			return nil
		}
		for _, p := range list {
			fmt.Fprintf(e.stdout, "%s  %s\n  %s\n", p.Date, p.Status, p.Scope)
			if p.ScopeDA != "" {
				fmt.Fprintf(e.stdout, "  da: %s\n", p.ScopeDA)
			}
			fmt.Fprintf(e.stdout, "  source: %s, %q (%s) %s\n\n", p.Source.Publisher, p.Source.Title, p.Source.Date, p.Source.URL)
		}
		return nil
	}
	var rows [][]string
	for _, p := range list {
		rows = append(rows, []string{p.Donor, p.Date.String(), p.Status, p.Scope, p.Source.Publisher, p.Source.Title, p.Source.Date, p.Source.URL, p.ScopeDA})
	}
	return render.Table(e.stdout, format, []string{"donor", "date", "status", "scope", "publisher", "title", "source_date", "url", "scope_da"}, rows)
}
