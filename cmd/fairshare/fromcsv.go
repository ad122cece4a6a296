package main

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/render"
	"github.com/fairshare/fairshare/internal/synth"
)

// fromCSVFlag adds --from-csv to the report command.
func fromCSVFlag(f *flags) *string {
	return f.String("from-csv", "", "answer from CSV files without a database: a directory written by 'fairshare gen'\n"+
		"("+synth.ContributionsFile+", optional "+synth.RatesFile+" and "+synth.GDPFile+") or one contributions CSV file")
}

// reportFromCSV answers a report straight from CSV files: the contributions
// (every row current; streamed once by the engine's parser), daily rates in
// the ECB layout and GDP per donor and year when present beside them, and
// the embedded reference data (donors, targets, averages, population) for
// the rest. The report is planned and computed by app.ReportFromCSV, as
// 'report' plans one from the database. Without --dataset every dataset in
// the file counts.
func reportFromCSV(e *env, path string, req app.ReportRequest, format string) error {
	if !req.AsOf.IsZero() {
		return usagef("--as-of needs the database: a CSV file has no versions")
	}
	dir, file := path, filepath.Join(path, synth.ContributionsFile)
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir, file = filepath.Dir(path), path
	}
	rd, err := refdata.Load()
	if err != nil {
		return err
	}
	t, err := app.NewReference(rd.Donors, nil, nil, rd.Datasets, rd.Targets).Target(req.Target)
	if err != nil {
		return err
	}
	rates := rd.Rates
	if data, err := os.ReadFile(filepath.Join(dir, synth.RatesFile)); err == nil {
		daily, err := dailyRates(data, filepath.Join(dir, synth.RatesFile), t)
		if err != nil {
			return err
		}
		rates = append(rates, daily...)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	rt, err := fairshare.NewRateTable(rates)
	if err != nil {
		return err
	}
	inds := rd.Indicators
	if gdp, err := readGDP(filepath.Join(dir, synth.GDPFile)); err == nil {
		inds = inds[:0:0]
		for _, i := range rd.Indicators {
			if i.Kind != fairshare.KeyGDP {
				inds = append(inds, i)
			}
		}
		inds = append(inds, gdp...)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	ind, err := fairshare.NewIndicatorTable(inds)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := app.ReportFromCSV(app.NewReference(rd.Donors, ind, rt, rd.Datasets, rd.Targets), f, file, req)
	if err != nil {
		return err
	}
	return render.Report(e.stdout, rep, format)
}

// readGDP reads donor,year,gdp_eur (whole euros).
func readGDP(path string) ([]fairshare.Indicator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csvio.ReadAll(f, path, "donor", "year", "gdp_eur")
	if err != nil {
		return nil, err
	}
	var out []fairshare.Indicator
	for _, r := range recs {
		y, err := strconv.Atoi(r.Get("year"))
		if err != nil {
			return nil, csvio.FieldErr(path, r, "year", err)
		}
		v := r.Get("gdp_eur")
		if _, ok := new(big.Rat).SetString(v); !ok {
			return nil, csvio.FieldErr(path, r, "gdp_eur", fmt.Errorf("%q is not a number", v))
		}
		out = append(out, fairshare.Indicator{Kind: fairshare.KeyGDP, Donor: strings.ToUpper(r.Get("donor")), Year: y, Value: v,
			Note: r.Get("source"), Source: fairshare.Source{URL: path}})
	}
	return out, nil
}

// dailyRates reads an ECB eurofxref-hist file with fx.ParseECB and keeps
// the rates a report of t can use: those dated from MaxEarlierDays before
// its start to its end, and one more per currency so that the currency
// stays known. Dropping the others changes no look-up in the period and
// saves converting thousands of rates into the rate table.
func dailyRates(data []byte, name string, t fairshare.Target) ([]fairshare.Rate, error) {
	all, err := fx.ParseECB(data, name, nil)
	if err != nil {
		return nil, err
	}
	from, to := t.Start.AddDays(-fairshare.MaxEarlierDays).String(), t.End.String()
	kept := map[string]bool{}
	out := all[:0]
	for _, r := range all {
		if in := r.Period >= from && r.Period <= to; in || !kept[r.Currency] {
			kept[r.Currency] = true
			out = append(out, r)
		}
	}
	return out, nil
}
