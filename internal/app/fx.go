package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Conversion is an amount converted between currencies on a day, with the
// rates used (EUR's own rate of 1 is left out).
type Conversion struct {
	Amount string            `json:"amount"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Date   string            `json:"date"`
	Result string            `json:"result"`
	Rates  []fairshare.Quote `json:"rates"`
}

// Convert converts a decimal amount between currencies through the euro at
// the ECB reference rate of day (zero: today).
func (a *App) Convert(ctx context.Context, amount, from, to string, day fairshare.Date) (Conversion, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return Conversion{}, err
	}
	return ref.Convert(amount, from, to, day)
}

// Convert is App.Convert on already loaded reference data.
func (r *Reference) Convert(amount, from, to string, day fairshare.Date) (Conversion, error) {
	from, to = strings.ToUpper(strings.TrimSpace(from)), strings.ToUpper(strings.TrimSpace(to))
	for _, p := range [][2]string{{"from", from}, {"to", to}} {
		if p[1] == "" {
			return Conversion{}, fairshare.FieldError(p[0], "required (an ISO 4217 code such as EUR or DKK)")
		}
		if !r.Rates.Known(p[1]) {
			return Conversion{}, fairshare.FieldError(p[0], fmt.Sprintf("unknown currency %q (see /api/v1/fx/currencies)", p[1]))
		}
	}
	if strings.TrimSpace(amount) == "" {
		return Conversion{}, fairshare.FieldError("amount", "required")
	}
	v, err := fairshare.ParseAmount(amount, from)
	if err != nil {
		return Conversion{}, fairshare.FieldError("amount", err.Error())
	}
	if day.IsZero() {
		day = fairshare.DateOf(time.Now())
	}
	out, qf, qt, err := r.Rates.Convert(v, from, to, day)
	if err != nil {
		return Conversion{}, err
	}
	c := Conversion{Amount: v.Format(from), From: from, To: to, Date: day.String(), Result: out.Format(to), Rates: []fairshare.Quote{}}
	for _, q := range []fairshare.Quote{qf, qt} {
		if q.Basis != fairshare.BasisEUR {
			c.Rates = append(c.Rates, q)
		}
	}
	return c, nil
}

// AddRates records exchange rates for periods not yet recorded and returns
// how many were new.
func (a *App) AddRates(ctx context.Context, rates []fairshare.Rate) (int, error) {
	return a.store.AddRates(ctx, rates)
}

// Rates lists every recorded exchange rate with its source.
func (a *App) Rates(ctx context.Context) ([]fairshare.Rate, error) { return a.store.Rates(ctx) }
