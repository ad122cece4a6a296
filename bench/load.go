package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// httpLoad starts 'fairshare serve' on 127.0.0.1 and drives a bounded
// closed-loop load (fixed concurrency, fixed duration) at the report API and
// the SVG chart: cached (the same URL again) and uncached (a new as_of each
// request, which the engine computes afresh).
// server is a 'fairshare serve' child process on a free loopback port.
type server struct {
	cmd    *exec.Cmd
	base   string
	client *http.Client
	start  time.Time // when the process was started
}

func (b *bench) startServe(db string) (*server, error) {
	if out, _ := exec.Command(b.bin, "serve", "--help").CombinedOutput(); !strings.Contains(string(out), "addr") {
		return nil, fmt.Errorf("this fairshare has no 'serve' command")
	}
	cmd := exec.Command(b.bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	srv := &server{cmd: cmd, start: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		srv.stop()
		return nil, fmt.Errorf("serve: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		srv.stop()
		return nil, fmt.Errorf("serve said %q", line)
	}
	srv.base = strings.TrimSuffix(strings.TrimSpace(line[i:]), "/")
	go io.Copy(io.Discard, stdout)
	srv.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: 60 * time.Second}
	return srv, nil
}

func (s *server) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

func (s *server) get(url string) error { return s.fetch(url, "") }

// getPage asks for a page as a browser does, compressed: a page is 30-370
// KB of HTML and SVG, which a browser never fetches uncompressed. The body
// is read as sent, not decompressed (that is the client's work).
func (s *server) getPage(url string) error { return s.fetch(url, "gzip") }

func (s *server) fetch(url, encoding string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// serveFirst times 'fairshare serve' from the start of the process to its
// first report answered (the engine read from the database on the way).
func (b *bench) serveFirst(db string) error {
	var ds []time.Duration
	for i := 0; i < 3; i++ {
		srv, err := b.startServe(db)
		if err != nil {
			return err
		}
		err = srv.get(srv.base + "/api/v1/reports/" + target + "?dataset=synthetic")
		el := time.Since(srv.start)
		srv.stop()
		if err != nil {
			return err
		}
		ds = append(ds, el)
	}
	b.add(Result{Engine: "fairshare", Phase: "serve", Variant: "first report", MS: ms(median(ds)),
		Note: "from starting 'fairshare serve' to its first report answered (median of 3)"})
	return nil
}

// pages load-tests the dashboard pages with the engine warm: uncached (a
// query parameter the page ignores makes every URL new) and cached (the
// same URL).
func (b *bench) pages(db string, dur time.Duration) error {
	srv, err := b.startServe(db)
	if err != nil {
		return err
	}
	defer srv.stop()
	var seq atomic.Int64
	for _, pg := range []struct{ name, path string }{
		{"overview", "/targets/" + target + "?dataset=synthetic"},
		{"donor", "/donors/DEU?dataset=synthetic"},
		{"compare", "/compare/" + target + "?datasets=synthetic"},
		{"dataset", "/datasets/synthetic"},
	} {
		u := srv.base + pg.path
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		t0 := time.Now()
		if err := srv.getPage(u); err != nil {
			b.note("page %s: %v", pg.name, err)
			continue
		}
		first := time.Since(t0)
		// The first page to need the grouped ledger waits for its one
		// grouped query (once per server); warm means after it.
		t1 := time.Now()
		if err := srv.getPage(u); err != nil {
			b.note("page %s: %v", pg.name, err)
			continue
		}
		if second := time.Since(t1); second > 2*time.Second {
			// Pages that read every row: a load test would only queue.
			b.add(Result{Engine: "fairshare", Phase: "page", Variant: pg.name + " first", MS: ms(first),
				Note: fmt.Sprintf("%s: one request, then %.0f ms (over 2 s, so no load test)", pg.path, ms(second))})
			continue
		}
		fresh := func() string { return fmt.Sprintf("%s%sbench=%d", u, sep, seq.Add(1)) }
		same := func() string { return u }
		for _, tc := range []struct {
			variant string
			url     func() string
			conc    int
		}{{"uncached", fresh, 4}, {"cached", same, 16}} {
			rps, p50, p99, errs := load(srv.getPage, tc.url, tc.conc, dur)
			note := fmt.Sprintf("%s: %d connections, %v, p50 %.2f ms, first request %.1f ms", pg.path, tc.conc, dur, p50, ms(first))
			if errs > 0 {
				note += fmt.Sprintf(", %d errors", errs)
			}
			b.add(Result{Engine: "fairshare", Phase: "page", Variant: pg.name + " " + tc.variant, RPS: rps, P99: p99, P50: p50, MS: p50, Note: note})
		}
	}
	return nil
}

func (b *bench) httpLoad(db string, dur time.Duration) error {
	srv, err := b.startServe(db)
	if err != nil {
		b.note("HTTP load test skipped: %v", err)
		return nil
	}
	defer srv.stop()
	base, get := srv.base, srv.get
	report := base + "/api/v1/reports/nato-2024?dataset=synthetic"
	chart := base + "/charts/nato-2024.svg?dataset=synthetic"
	for _, u := range []string{report, chart} { // warm up: engine load, caches
		if err := get(u); err != nil {
			return err
		}
	}
	var seq atomic.Int64
	asOf := func(u string) func() string {
		return func() string {
			// A distinct as-of, one second apart and after every write: never cached.
			t := time.Now().UTC().Add(time.Hour + time.Duration(seq.Add(1))*time.Second)
			return u + "&as_of=" + t.Format(time.RFC3339)
		}
	}
	same := func(u string) func() string { return func() string { return u } }
	for _, tc := range []struct {
		variant string
		url     func() string
		conc    int
	}{
		{"report cached", same(report), 16},
		{"report uncached", asOf(report), 4},
		{"chart cached", same(chart), 16},
		{"chart uncached", asOf(chart), 4},
	} {
		rps, p50, p99, errs := load(get, tc.url, tc.conc, dur)
		note := fmt.Sprintf("%d connections, %v, p50 %.2f ms", tc.conc, dur, p50)
		if errs > 0 {
			note += fmt.Sprintf(", %d errors", errs)
		}
		b.add(Result{Engine: "fairshare", Phase: "http", Variant: tc.variant, RPS: rps, P99: p99, P50: p50, MS: p50, Note: note})
	}
	return nil
}

func load(get func(string) error, url func() string, conc int, dur time.Duration) (rps, p50, p99 float64, errs int) {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	var nerr atomic.Int64
	stop := time.Now().Add(dur)
	t0 := time.Now()
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				t := time.Now()
				if err := get(url()); err != nil {
					nerr.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if len(lat) == 0 {
		return 0, 0, 0, int(nerr.Load())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return ms(lat[min(len(lat)-1, int(p*float64(len(lat))))]) }
	return float64(len(lat)) / el.Seconds(), q(0.50), q(0.99), int(nerr.Load())
}
