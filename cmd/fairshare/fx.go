package main

import (
	"fmt"
	"os"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/fx"
)

func init() {
	register("fx convert", "convert an amount between currencies at the ECB reference rate", runFXConvert)
	register("fx import", "load daily rates from an ECB eurofxref-hist.csv (or .zip) file", runFXImport)
	register("fx update", "download the ECB's daily rate history and load it", runFXUpdate)
}

func runFXConvert(e *env, args []string) error {
	f := newFlags(e, "fx convert", "AMOUNT FROM TO", `Converts AMOUNT of currency FROM into TO through the euro at the ECB
reference rate of --date: that day's rate, else the last earlier published
one (up to 7 days back), else the month's average, else the year's average.
Prints the result and the rate(s) used. Example:
  fairshare fx convert 100000000000 EUR DKK --date 2024-05-31`, false)
	date := f.String("date", "", "date of the rate, YYYY-MM-DD (default today)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 3, "AMOUNT FROM TO"); err != nil {
		return err
	}
	var day fairshare.Date
	if *date != "" {
		if day, err = fairshare.ParseDate(*date); err != nil {
			return usagef("--date: %v", err)
		}
	} else {
		day = fairshare.DateOf(timeNow())
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	c, err := a.Convert(e.ctx, pos[0], pos[1], pos[2], day)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s = %s %s on %s\n", c.Amount, c.From, c.Result, c.To, c.Date)
	for _, q := range c.Rates {
		fmt.Fprintf(e.stdout, "rate used: %s\n", q)
	}
	return nil
}

func importRates(e *env, f *flags, data []byte, name string) error {
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	rates, err := fx.ParseECB(data, name, nil)
	if err != nil {
		return err
	}
	n, err := a.AddRates(e.ctx, rates)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "read %d daily rates from %s; %d new, %d already recorded\n", len(rates), name, n, len(rates)-n)
	return nil
}

func runFXImport(e *env, args []string) error {
	f := newFlags(e, "fx import", "FILE", `Loads the ECB's daily euro reference rates from FILE, in the format of
eurofxref-hist.csv (Date,USD,JPY,...; N/A where none) or the zip holding it.
Rates already recorded are kept; the import is all or nothing.`, false)
	arg, err := f.one(args, "one FILE")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return err
	}
	return importRates(e, f, data, arg)
}

func runFXUpdate(e *env, args []string) error {
	f := newFlags(e, "fx update", "", `Downloads the ECB's daily history (eurofxref-hist.zip) and loads the
rates not yet recorded. Needs a network connection.`, false)
	url := f.String("url", fx.ECBHistURL, "where to download from")
	if _, err := f.parse(args); err != nil {
		return err
	}
	data, err := fx.Download(e.ctx, nil, *url)
	if err != nil {
		return err
	}
	return importRates(e, f, data, *url)
}
