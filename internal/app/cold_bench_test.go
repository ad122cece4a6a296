package app_test

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/render"
)

// BenchmarkColdReport is what a new process does for 'fairshare report
// nato-2024 --db FILE' (open, read the saved engine and the reference
// data, report, render JSON), minus process start, on the database named by
// FAIRSHARE_BENCH_DB (the bench's SQLite file: see bench/README.md).
func BenchmarkColdReport(b *testing.B) {
	db := os.Getenv("FAIRSHARE_BENCH_DB")
	if db == "" {
		b.Skip("FAIRSHARE_BENCH_DB names no database")
	}
	ctx := context.Background()
	for b.Loop() {
		a, err := app.Open(ctx, db, app.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := a.Report(ctx, app.ReportRequest{Target: "nato-2024", Datasets: "synthetic"})
		if err != nil {
			b.Fatal(err)
		}
		if err := render.Report(io.Discard, rep, "json"); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}
