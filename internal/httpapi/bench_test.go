package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/app"
)

// benchServer serves a new database, or the one FAIRSHARE_BENCH_DB names
// (a copy of the bench's, say: cd bench && go run . -n 100000 -dir DIR).
func benchServer(b *testing.B) http.Handler {
	db := os.Getenv("FAIRSHARE_BENCH_DB")
	if db == "" {
		db = filepath.Join(b.TempDir(), "b.db")
	}
	a, err := app.Open(context.Background(), db, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	h := NewServer(a, Options{})
	// The first report loads the engine: not what is measured.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/reports/nato-2024"+benchQuery(), nil))
	if rec.Code != 200 {
		b.Fatal(rec.Code, rec.Body.String())
	}
	return h
}

// BenchmarkReportCached is the embedded-chart case: the same report asked
// again and again, gzipped.
func BenchmarkReportCached(b *testing.B) {
	h := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/reports/nato-2024"+benchQuery(), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkReportUncached asks for a new as_of each time, after every
// version recorded, gzipped.
func BenchmarkReportUncached(b *testing.B) { benchUncached(b, "gzip") }

// BenchmarkReportUncachedPlain is BenchmarkReportUncached without
// Accept-Encoding, as the bench's load test asks.
func BenchmarkReportUncachedPlain(b *testing.B) { benchUncached(b, "") }

func benchUncached(b *testing.B, encoding string) {
	h := benchServer(b)
	t0 := time.Now().Add(time.Hour)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/reports/nato-2024%s&as_of=%s", benchQuery(), t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339)), nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// benchQuery selects the bench's dataset on its database.
func benchQuery() string {
	if os.Getenv("FAIRSHARE_BENCH_DB") != "" {
		return "?dataset=synthetic"
	}
	return "?dataset=kiel-r29"
}

// BenchmarkReportCachedParallel is BenchmarkReportCached from GOMAXPROCS
// goroutines at once: what serialises concurrent requests shows here.
func BenchmarkReportCachedParallel(b *testing.B) {
	h := benchServer(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/api/v1/reports/nato-2024"+benchQuery(), nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}
