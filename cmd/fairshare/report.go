package main

import (
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("report", "fair share, counted, balance and ratio per ally for a target", runReport)
}

// parseAsOf reads --as-of: a date (end of that day, UTC) or an RFC 3339 time.
func parseAsOf(s string) (time.Time, error) {
	t, err := fairshare.ParseAsOf(s)
	if err != nil {
		return t, fmt.Errorf("--as-of %w", err)
	}
	return t, nil
}

func readWeights(path string) (map[string]*big.Rat, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return refdata.ParseWeights(f, path)
}

func runReport(e *env, args []string) error {
	f := newFlags(e, "report", "TARGET", `Prints, per participant of TARGET (e.g. nato-2024): key weight, fair share,
counted contributions, balance (counted - fair share), ratio (counted / fair
share) and counted contributions as % of GDP; then the totals and the sum of
the shortfalls of those below their share. Fair shares are rounded by largest
remainder so that they add up exactly to the target.

Keys: gdp (default): share of participants' GDP in the key year; population;
equal; custom: weights from --weights FILE (CSV donor,weight).

--as-of reproduces the ledger as it was recorded at that time (a date means
the end of that day, UTC). Contributions are converted at the ECB rate of
their own date (else the last earlier one, the month's or the year's
average); the target at the annual average of each of its years.`, true)
	cur := f.String("currency", "EUR", "report currency (ISO 4217), e.g. EUR, DKK, USD")
	asOf := f.String("as-of", "", "ledger as recorded at this date or RFC 3339 time (default now)")
	key := f.String("key", "", "key: gdp, population, equal or custom (default: the target's)")
	keyYear := f.Int("key-year", 0, "year of the key's figures (default: the target's)")
	gdpYear := f.Int("gdp-year", 0, "year of the GDP the %GDP column divides by (default: the key year)")
	ds := f.String("dataset", "", "datasets to count: precedence list, first with the donor wins; '+' joins (default "+app.DefaultDatasets+")")
	weights := f.String("weights", "", "CSV file donor,weight for --key custom")
	fromCSV := fromCSVFlag(f)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "one TARGET"); err != nil {
		return err
	}
	at, err := parseAsOf(*asOf)
	if err != nil {
		return usagef("%v", err)
	}
	req := app.ReportRequest{Target: pos[0], Currency: *cur, AsOf: at, Key: *key, KeyYear: *keyYear, GDPYear: *gdpYear, Datasets: *ds}
	if *weights != "" {
		if req.CustomWeights, err = readWeights(*weights); err != nil {
			return err
		}
		if req.Key == "" {
			req.Key = fairshare.KeyCustom
		}
	}
	if *fromCSV != "" {
		return reportFromCSV(e, *fromCSV, req, *f.format)
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Report(e.ctx, req)
	if err != nil {
		return err
	}
	return render.Report(e.stdout, rep, *f.format)
}
