package verify

import (
	"fmt"
	"math/big"

	"github.com/fairshare/fairshare"
)

// CompareCumulative marks a published total (PublishedTotal.Compare) that
// is a running total of what the dataset itemises: the dataset's rows dated
// up to its as_of date are summed, in its currency, and set against it.
const CompareCumulative = "cumulative"

// CumulativeLines states, for each of d's published totals marked
// cumulative, the sum of d's rows against it and the gap in words.
// Contributions of other datasets are ignored; delivered rows are not
// counted against a total of commitments.
func CumulativeLines(d fairshare.Dataset, cs []fairshare.Contribution) []string {
	var out []string
	for _, p := range d.Totals {
		if p.Compare != CompareCumulative {
			continue
		}
		want, err := fairshare.ParseAmount(p.Amount, p.Currency)
		if err != nil || want <= 0 {
			out = append(out, fmt.Sprintf("dataset %s: cumulative total %q has no amount in %s", d.ID, p.Measure, p.Currency))
			continue
		}
		asOf, err := fairshare.ParseDate(p.AsOf)
		if err != nil {
			out = append(out, fmt.Sprintf("dataset %s: cumulative total %q has no as_of date", d.ID, p.Measure))
			continue
		}
		var sum fairshare.Amount
		rows := 0
		for i := range cs {
			k := &cs[i]
			if k.Dataset != d.ID || k.Currency != p.Currency || k.Date.After(asOf) || k.Status == fairshare.Delivered ||
				(p.Scope != "" && k.Donor != p.Scope) {
				continue
			}
			sum += k.Amount
			rows++
		}
		unvalued := 0
		for _, n := range d.Unvalued {
			if nd, ok := ItemDate(n.Date); ok && !nd.After(asOf) {
				unvalued++
			}
		}
		pub := fmt.Sprintf("%s %s", p.Qualifier, bn(want, p.Currency))
		if p.Qualifier == "" {
			pub = bn(want, p.Currency)
		}
		s := fmt.Sprintf("dataset %s: its %d rows dated up to %s add up to %s; %s gave %s (%s, as of %s)",
			d.ID, rows, p.AsOf, bn(sum, p.Currency), p.Publisher, pub, p.Measure, p.AsOf)
		switch {
		case sum < want:
			s += fmt.Sprintf(": the rows account for %s %% of it, %s less, support the rows do not itemise", pct(sum, want), bn(want-sum, p.Currency))
		case sum > want:
			s += fmt.Sprintf(": the rows exceed it by %s (%s %%), so some rows may count money the total does not", bn(sum-want, p.Currency), pct(sum-want, want))
		default:
			s += ": the rows match it"
		}
		if unvalued > 0 {
			s += fmt.Sprintf("; %d item(s) given without a published value are listed, not counted", unvalued)
		}
		out = append(out, s)
	}
	return out
}

// bn prints an amount as "DKK 60.1 bn" (or "DKK 820 m" below a billion).
func bn(a fairshare.Amount, cur string) string {
	v := new(big.Rat).SetFrac64(int64(a), 100)
	if v.Cmp(big.NewRat(1e9, 1)) >= 0 || v.Cmp(big.NewRat(-1e9, 1)) <= 0 {
		return cur + " " + new(big.Rat).Quo(v, big.NewRat(1e9, 1)).FloatString(1) + " bn"
	}
	return cur + " " + new(big.Rat).Quo(v, big.NewRat(1e6, 1)).FloatString(0) + " m"
}

func pct(part, whole fairshare.Amount) string {
	if whole == 0 {
		return "0"
	}
	return new(big.Rat).SetFrac64(int64(part)*100, int64(whole)).FloatString(1)
}

// ItemDate reads an unvalued item's date: YYYY-MM-DD, or YYYY-MM when the
// source gives only the month (read as the first of the month).
func ItemDate(s string) (fairshare.Date, bool) {
	if len(s) == len("2006-01") {
		s += "-01"
	}
	d, err := fairshare.ParseDate(s)
	return d, err == nil
}
