package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fairshare/fairshare/internal/app"
)

// BenchmarkPages renders the dashboard pages the bench load-tests, one at a
// time and uncached (a query parameter the page ignores makes every URL
// new), on the SQLite file named by FAIRSHARE_BENCH_DB (for example one the
// bench imported at 10^6: cd bench && go run . -dir DIR ...); skipped
// without it. The first request of each page is made before the timer.
func BenchmarkPages(b *testing.B) {
	db := os.Getenv("FAIRSHARE_BENCH_DB")
	if db == "" {
		b.Skip("FAIRSHARE_BENCH_DB names no database")
	}
	a, err := app.Open(context.Background(), db, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	h := NewHandler(a, Options{})
	for _, pg := range []struct{ name, path string }{
		{"overview", "/targets/nato-2024?dataset=synthetic"},
		{"overview-da", "/targets/nato-2024?dataset=synthetic&lang=da"},
		{"donor", "/donors/DEU?dataset=synthetic"},
		{"compare", "/compare/nato-2024?datasets=synthetic"},
		{"dataset", "/datasets/synthetic"},
	} {
		get := func(u string) int {
			req := httptest.NewRequest("GET", u, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", u, w.Code, w.Body.String())
			}
			return w.Body.Len()
		}
		get(pg.path)
		b.Run(pg.name, func(b *testing.B) {
			b.ReportAllocs()
			sep := "?"
			if strings.Contains(pg.path, "?") {
				sep = "&"
			}
			n, i := 0, 0
			// CPU time (the process's, garbage collection included) is
			// steadier than wall time on a shared machine.
			c0 := cpuTime()
			// Labelled, so that a CPU profile can leave out the first requests.
			pprof.Do(context.Background(), pprof.Labels("page", pg.name), func(context.Context) {
				for ; b.Loop(); i++ {
					n = get(fmt.Sprintf("%s%sbench=%d", pg.path, sep, i))
				}
			})
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(i), "cpu-ms/op")
			b.ReportMetric(float64(n), "gzip-bytes/page")
		})
	}
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
