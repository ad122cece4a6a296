package main

import (
	"fmt"

	"github.com/fairshare/fairshare/internal/verify"
)

func init() {
	register("data verify", "check shipped and stored data: sources, codes, rates, duplicates, published totals", runDataVerify)
}

func runDataVerify(e *env, args []string) error {
	f := newFlags(e, "data verify", "", fmt.Sprintf(`Checks everything shipped and stored:
  - the embedded reference data and shipped datasets parse;
  - every current contribution: an http(s) source URL, a known donor, a
    currency with a rate on its date, a valid category and status, and no
    duplicates (same id, or the same donor, recipient, date, amount,
    currency, category, status and description twice in one dataset);
  - every donor, indicator (GDP, population), rate and policy row has an
    http(s) source URL; donors' currencies have rates; policy statuses are
    prohibited, limited, allowed or unknown; rows name known donors;
  - a source credited to a government body (a ministry, a government, NATO)
    links to that body's own page, not to a newspaper's report of it;
  - each dataset's sums match the totals its description says were
    published, per year and scope (all donors, NATO allies, one donor):
    figures given exactly within EUR %d m, "about" figures within %d %%, and
    "over" figures reached to within %d %%. Running totals a dataset
    itemises (dk-mod: the ministry's total of decided support) are set
    against the sum of its rows, with the gap in words. Other totals
    (frames, NATO's aggregates) are listed as not checked.
Exits 1 and lists the problems if there are any.`, verify.ExactEUR/1_000_000, verify.AboutPct, verify.AboutPct), false)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Verify(e.ctx)
	if err != nil {
		return err
	}
	for _, s := range res.Summary {
		fmt.Fprintln(e.stdout, s)
	}
	for _, s := range res.Notes {
		fmt.Fprintln(e.stdout, "note:", s)
	}
	if !res.OK() {
		fmt.Fprintf(e.stdout, "\n%d problem(s):\n", len(res.Problems))
		for _, p := range res.Problems {
			fmt.Fprintln(e.stdout, "  -", p)
		}
		return fmt.Errorf("%d problem(s) found (listed above)", len(res.Problems))
	}
	fmt.Fprintln(e.stdout, "OK")
	return nil
}
