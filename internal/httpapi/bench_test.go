package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/app"
)

func benchServer(b *testing.B) http.Handler {
	a, err := app.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return NewServer(a, Options{})
}

// BenchmarkReportCached is the embedded-chart case: the same report asked
// again and again, gzipped.
func BenchmarkReportCached(b *testing.B) {
	h := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/reports/nato-2024", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkReportUncached asks for a new as_of each time.
func BenchmarkReportUncached(b *testing.B) {
	h := benchServer(b)
	t0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/reports/nato-2024?as_of=%s", t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339)), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
