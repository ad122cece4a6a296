package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Conversion is the answer of /api/v1/fx/convert.
type Conversion struct {
	Amount string            `json:"amount"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Date   string            `json:"date"`
	Result string            `json:"result"`
	Rates  []fairshare.Quote `json:"rates"`
}

// Convert converts a decimal amount between currencies on a day (zero:
// today) at the reference rates.
func (a *App) Convert(ctx context.Context, amount, from, to string, day fairshare.Date) (Conversion, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return Conversion{}, err
	}
	from, to = strings.ToUpper(strings.TrimSpace(from)), strings.ToUpper(strings.TrimSpace(to))
	for _, p := range [][2]string{{"from", from}, {"to", to}} {
		if p[1] == "" {
			return Conversion{}, fairshare.FieldError(p[0], "required (an ISO 4217 code such as EUR or DKK)")
		}
		if !ref.Rates.Known(p[1]) {
			return Conversion{}, fairshare.FieldError(p[0], fmt.Sprintf("unknown currency %q (see /api/v1/fx/currencies)", p[1]))
		}
	}
	if strings.TrimSpace(amount) == "" {
		return Conversion{}, fairshare.FieldError("amount", "required")
	}
	amt, err := fairshare.ParseAmount(amount, from)
	if err != nil {
		return Conversion{}, fairshare.FieldError("amount", err.Error())
	}
	if day.IsZero() {
		day = fairshare.DateOf(time.Now())
	}
	out, qf, qt, err := ref.Rates.Convert(amt, from, to, day)
	if err != nil {
		return Conversion{}, err
	}
	c := Conversion{Amount: amt.Format(from), From: from, To: to, Date: day.String(), Result: out.Format(to), Rates: []fairshare.Quote{}}
	for _, q := range []fairshare.Quote{qf, qt} {
		if q.Basis != fairshare.BasisEUR {
			c.Rates = append(c.Rates, q)
		}
	}
	return c, nil
}
