package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/storetest"
	"github.com/fairshare/fairshare/internal/synth"
)

// BenchmarkImport measures the whole import path a user takes
// (ImportContributions: parse, validate, record in one transaction) of a
// synthetic file of FAIRSHARE_BENCH_ROWS rows (default 100,000) into a new
// SQLite file and, with FAIRSHARE_TEST_POSTGRES, a new PostgreSQL schema.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	rows := 100000
	if v, err := strconv.Atoi(os.Getenv("FAIRSHARE_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	gen := b.TempDir()
	if err := synth.Generate(gen, synth.Options{N: rows, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(gen, synth.RatesFile))
	if err != nil {
		b.Fatal(err)
	}
	rates, err := fx.ParseECB(data, synth.RatesFile, nil)
	if err != nil {
		b.Fatal(err)
	}
	open := map[string]func(b *testing.B) string{
		"sqlite": func(b *testing.B) string { return filepath.Join(b.TempDir(), "f.db") },
	}
	if os.Getenv(storetest.PostgresEnv) != "" {
		open["postgres"] = func(b *testing.B) string { return storetest.PostgresDSN(b) }
	}
	for _, name := range []string{"sqlite", "postgres"} {
		if open[name] == nil {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				a, err := Open(ctx, open[name](b), Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := a.sql.AddRates(ctx, rates); err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(filepath.Join(gen, synth.ContributionsFile))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := a.ImportContributions(ctx, f, synth.ContributionsFile, "csv", ledgerio.Options{},
					fairshare.Change{Author: "bench", Reason: fmt.Sprint("bench ", i)})
				b.StopTimer()
				f.Close()
				a.Close()
				if err != nil {
					b.Fatal(err)
				}
				if res.Added != rows {
					b.Fatalf("added %d of %d", res.Added, rows)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
