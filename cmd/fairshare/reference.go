package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("donors list", "the donors: allies with accession and currency, and other donors", runDonorsList)
	register("donors show", "one donor with its GDP and population by year and their sources", runDonorsShow)
	register("targets list", "the targets (built in and your own)", runTargetsList)
	register("targets show", "one target's definition and source", runTargetsShow)
	register("targets add", "add your own targets from a JSON file", runTargetsAdd)
	register("keys list", "the keys that apportion a target, with their formulas", runKeysList)
}

func runDonorsList(e *env, args []string) error {
	f := newFlags(e, "donors list", "", "Lists donors: code, names, kind, NATO accession date and currencies.", true)
	lang := f.String("lang", "en", "names in en or da")
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	var rows [][]string
	for _, d := range ref.Donors {
		var curs []string
		for _, c := range d.Currencies {
			s := c.Code
			if !c.From.IsZero() {
				s += " from " + c.From.String()
			}
			curs = append(curs, s)
		}
		rows = append(rows, []string{d.Code, d.Name(*lang), d.Kind, d.NATOAccession.String(), strings.Join(curs, ", ")})
	}
	return render.Table(e.stdout, *f.format, []string{"code", "name", "kind", "nato_accession", "currencies"}, rows)
}

func runDonorsShow(e *env, args []string) error {
	f := newFlags(e, "donors show", "CODE", "Shows a donor's reference data: GDP (EUR) and population by year, each with its source.", true)
	arg, err := f.one(args, "one donor CODE")
	if err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	code := strings.ToUpper(arg)
	d := ref.ByCode[code]
	if d == nil {
		return fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q (see 'fairshare donors list')", arg)
	}
	ind, err := a.Indicators(e.ctx)
	if err != nil {
		return err
	}
	if *f.format == "table" {
		fmt.Fprintf(e.stdout, "%s  %s / %s  (%s)\nNATO accession: %s\nSource: %s, %s (%s)\n\n", d.Code, d.NameEN, d.NameDA,
			d.Kind, orDash(d.NATOAccession.String()), d.Source.Publisher, d.Source.URL, d.Source.Date)
	}
	var rows [][]string
	for _, i := range ind {
		if i.Donor == code {
			rows = append(rows, []string{i.Kind, fmt.Sprint(i.Year), i.Value, i.Source.Publisher, i.Vintage, i.Source.URL})
		}
	}
	return render.Table(e.stdout, *f.format, []string{"indicator", "year", "value", "publisher", "vintage", "url"}, rows)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runTargetsList(e *env, args []string) error {
	f := newFlags(e, "targets list", "", "Lists targets.", true)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	var rows [][]string
	for _, t := range ref.Targets {
		amount := t.Amount.Format(t.Currency) + " " + t.Currency
		if t.GDPRate != "" {
			amount = t.GDPRate + " of own GDP"
		}
		rows = append(rows, []string{t.ID, t.Name, amount, t.Start.String(), t.End.String(), t.Key})
	}
	return render.Table(e.stdout, *f.format, []string{"id", "name", "amount", "start", "end", "key"}, rows)
}

func runTargetsShow(e *env, args []string) error {
	f := newFlags(e, "targets show", "ID", "Shows a target's definition as JSON (the format 'targets add' reads).", false)
	arg, err := f.one(args, "one target ID")
	if err != nil {
		return err
	}
	a, ref, err := f.openRef()
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := ref.Target(arg)
	if err != nil {
		return err
	}
	t = t.Written()
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

func runTargetsAdd(e *env, args []string) error {
	f := newFlags(e, "targets add", "FILE", `Adds targets from a JSON file: one object or an array, fields as
'fairshare targets show nato-2024' prints them. Required: id, name, start,
end, and amount (decimal, in currency) or gdp_rate (fraction of each
participant's own GDP, e.g. 0.0025). Optional: currency (EUR), participants
(codes) or members_on (NATO allies on that date; default start), opt_outs,
renormalise, key (gdp, population, equal, custom), key_year (default the
year before start), statuses (committed, delivered), categories (the seven
NATO pledge categories), source {url, publisher, title, date}.

Each target added is recorded in the audit log ('fairshare audit') with
who ($USER) and why (--reason), in the same transaction.`, false)
	reason := f.String("reason", "", "why (recorded in the audit log; default: the file added from)")
	arg, err := f.one(args, "one FILE")
	if err != nil {
		return err
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return err
	}
	ts, err := refdata.ParseTargets(b, arg)
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	why := *reason
	if why == "" {
		why = "targets add " + arg
	}
	for _, t := range ts {
		t, err := a.AddTarget(e.ctx, t, author(e), why)
		if err != nil {
			return fmt.Errorf("%s: %w", arg, err)
		}
		fmt.Fprintf(e.stdout, "added target %s\n", t.ID)
	}
	return nil
}

func runKeysList(e *env, args []string) error {
	f := newFlags(e, "keys list", "", "Lists the keys and their formulas.", true)
	if _, err := f.parse(args); err != nil {
		return err
	}
	var rows [][]string
	for _, k := range fairshare.Keys {
		rows = append(rows, []string{k, fairshare.KeyDocs[k]})
	}
	return render.Table(e.stdout, *f.format, []string{"key", "formula"}, rows)
}
