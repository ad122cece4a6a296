package main

import (
	"fmt"
	"path/filepath"

	"github.com/fairshare/fairshare/internal/synth"
)

func init() {
	register("gen", "write a deterministic synthetic ledger, rates and GDP for benchmarks", runGen)
}

func runGen(e *env, args []string) error {
	f := newFlags(e, "gen", "", `Writes a synthetic ledger for benchmarks into --out: `+synth.ContributionsFile+` (import
format, dataset "synthetic", 40 donors, dates 2022-2026), `+synth.RatesFile+`
(daily rates of 12 currencies on business days 2022-2026 in the ECB's
eurofxref-hist.csv layout), `+synth.GDPFile+` (donor,year,gdp_eur,source) and a
README.txt. Everything is marked synthetic; the same flags write the same
bytes. Then:
  fairshare report nato-2024 --from-csv DIR`, false)
	n := f.Int("contributions", 100000, "number of contributions")
	seed := f.Uint64("seed", 1, "random seed")
	out := f.String("out", "", "directory to write (created if missing)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if *n < 0 {
		return usagef("--contributions must be >= 0")
	}
	if err := synth.Generate(*out, synth.Options{N: *n, Seed: *seed}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d synthetic contributions, rates and GDP to %s\n", *n, filepath.Clean(*out))
	return nil
}
