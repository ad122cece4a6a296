// Command bench measures fairshare's report engine against DuckDB, SQLite
// and PostgreSQL on one synthetic ledger (issue 8). It is its own module so
// that the DuckDB dependency never enters the fairshare binary.
//
//	cd bench && go run . -n 1000000 [-format json]
//
// Steps: generate the data once ('fairshare gen'); import it into a fresh
// SQLite database and into PostgreSQL (own schema); answer the nato-2024
// question (2024, committed+delivered, the seven military categories, GDP
// key, EUR, dataset "synthetic") with fairshare cold (new process), warm
// (engine loaded) and as of before 10 % of rows were corrected; with DuckDB
// over the CSVs (cold, new process) and over loaded tables (warm, ASOF
// JOIN); with sqlite3 and PostgreSQL SQL on their loaded tables; check that
// every per-donor total agrees to the cent; load-test the HTTP report and
// SVG chart (at 10^5 and when 'fairshare serve' exists); report peak memory
// and resident bytes per contribution.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/fx"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/refdata"
	"github.com/fairshare/fairshare/internal/synth"
)

// Result is one measurement; the JSON keys are the issue's, plus variant
// (which fairshare path or peer flavour) and note.
type Result struct {
	N        int     `json:"n"`
	Engine   string  `json:"engine"`
	Phase    string  `json:"phase"`
	Variant  string  `json:"variant,omitempty"`
	MS       float64 `json:"ms"`
	CPUMS    float64 `json:"cpu_ms,omitempty"` // CPU time (user + system) of a new process
	RowsPerS float64 `json:"rows_per_s"`
	RPS      float64 `json:"rps"`
	P99      float64 `json:"p99_ms"`
	P50      float64 `json:"-"`
	PeakMB   float64 `json:"-"`
	Note     string  `json:"-"`
}

type output struct {
	Machine string   `json:"machine"`
	Results []Result `json:"results"`
	Growth  []Growth `json:"growth,omitempty"`
	Agree   bool     `json:"agree"`
}

type bench struct {
	n        int
	seed     uint64
	work     string
	gen      string
	bin      string
	pgDSN    string
	runs     int
	results  []Result
	totals   map[string]map[string]int64 // engine/variant -> donor -> cents
	notes    []string
	log      io.Writer
	csvOnly  bool
	pagesN   int
	reuse    bool
	coldOnly bool
	only     string
}

const target = "nato-2024"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		os.Exit(child(os.Args[2:]))
	}
	nList := flag.String("n", "100000", "contributions; a comma-separated list (100000,1000000,10000000) runs each in turn and adds growth ratios")
	seed := flag.Uint64("seed", 1, "generator seed")
	format := flag.String("format", "table", "table or json")
	work := flag.String("dir", "", "work directory (default a new temporary one, removed afterwards)")
	runs := flag.Int("runs", 5, "repetitions of each timed query (the median is reported)")
	pg := flag.String("pg", "", "PostgreSQL URL (default $FAIRSHARE_TEST_POSTGRES or postgres://postgres@127.0.0.1:5432/test?sslmode=disable; 'off' skips)")
	httpDur := flag.Duration("http", 5*time.Second, "duration of each HTTP load test (report and chart at n <= 100000, pages at -pages-n)")
	pagesN := flag.Int("pages-n", 1000000, "n at which the dashboard pages are load-tested (0: never)")
	csvOnly := flag.Bool("csv-only", false, "skip the databases: fairshare --from-csv and an engine built in process from the CSV, against DuckDB")
	only := flag.String("only", "", "'import': generate, import into SQLite and PostgreSQL, and stop (no reports, peers or HTTP)")
	coldOnly := flag.Bool("cold-only", false, "only the cold report from the database files (fairshare and DuckDB, alternately) and serve's first report")
	reuse := flag.Bool("reuse", false, "with -dir: use the data and databases an earlier run left there instead of generating and importing again")
	flag.Parse()
	var ns []int
	for _, f := range strings.Split(*nList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fatal(fmt.Errorf("-n: %q is not a positive number", f))
		}
		ns = append(ns, n)
	}
	pgDSN := *pg
	if pgDSN == "" {
		pgDSN = os.Getenv("FAIRSHARE_TEST_POSTGRES")
	}
	if pgDSN == "" {
		pgDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	root := *work
	if root == "" {
		d, err := os.MkdirTemp("", "fairshare-bench")
		if err != nil {
			fatal(err)
		}
		root = d
		defer os.RemoveAll(d)
	}
	out := output{Machine: machine(), Agree: true}
	var notes []string
	for _, n := range ns {
		b := &bench{n: n, seed: *seed, runs: *runs, totals: map[string]map[string]int64{}, log: os.Stderr, csvOnly: *csvOnly,
			pgDSN: pgDSN, pagesN: *pagesN, reuse: *reuse && *work != "", coldOnly: *coldOnly, only: *only, work: filepath.Join(root, strconv.Itoa(n))}
		if err := os.MkdirAll(b.work, 0o755); err != nil {
			fatal(err)
		}
		agree, err := b.run(*httpDur)
		if err != nil {
			fatal(fmt.Errorf("n=%d: %w", n, err))
		}
		out.Results = append(out.Results, b.results...)
		out.Agree = out.Agree && agree
		for _, note := range b.notes {
			notes = append(notes, fmt.Sprintf("n=%d: %s", n, note))
		}
		if len(ns) > 1 && *work == "" {
			os.RemoveAll(b.work) // the databases of 10^7 take gigabytes
		}
	}
	out.Growth = growth(out.Results, ns)
	if *format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		printTable(os.Stdout, out, notes)
	}
	if !out.Agree {
		fmt.Fprintln(os.Stderr, "bench: PER-DONOR TOTALS DISAGREE (see above)")
		os.Exit(1)
	}
}

// Growth is how one measurement grew from one n to the next (time ratio;
// for throughputs, the ratio of the implied times).
type Growth struct {
	Engine  string  `json:"engine"`
	Phase   string  `json:"phase"`
	Variant string  `json:"variant"`
	From    int     `json:"from_n"`
	To      int     `json:"to_n"`
	Ratio   float64 `json:"time_ratio"`
}

func growth(rs []Result, ns []int) []Growth {
	type key struct{ e, p, v string }
	at := map[key]map[int]Result{}
	var order []key
	for _, r := range rs {
		k := key{r.Engine, r.Phase, r.Variant}
		if at[k] == nil {
			at[k] = map[int]Result{}
			order = append(order, k)
		}
		at[k][r.N] = r
	}
	var out []Growth
	for _, k := range order {
		for i := 1; i < len(ns); i++ {
			a, okA := at[k][ns[i-1]]
			c, okC := at[k][ns[i]]
			if !okA || !okC {
				continue
			}
			var ratio float64
			switch {
			case a.RowsPerS > 0 && c.RowsPerS > 0: // time = n / rate
				ratio = (float64(c.N) / c.RowsPerS) / (float64(a.N) / a.RowsPerS)
			case a.MS > 0 && c.MS > 0 && a.RPS == 0:
				ratio = c.MS / a.MS
			default:
				continue
			}
			out = append(out, Growth{k.e, k.p, k.v, a.N, c.N, ratio})
		}
	}
	return out
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

func (b *bench) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	b.notes = append(b.notes, s)
	b.logf("%s", s)
}

func (b *bench) add(r Result) {
	r.N = b.n
	b.results = append(b.results, r)
	b.logf("%-9s %-6s %-22s %10.1f ms (cpu %.1f ms) %12.0f rows/s %8.0f rps p99 %.2f ms peak %.0f MB %s",
		r.Engine, r.Phase, r.Variant, r.MS, r.CPUMS, r.RowsPerS, r.RPS, r.P99, r.PeakMB, r.Note)
}

func (b *bench) run(httpDur time.Duration) (bool, error) {
	ctx := context.Background()
	repo, err := repoDir()
	if err != nil {
		return false, err
	}
	b.bin = filepath.Join(b.work, "fairshare")
	b.logf("building fairshare from %s", repo)
	cmd := exec.Command("go", "build", "-o", b.bin, "./cmd/fairshare")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return false, fmt.Errorf("build fairshare: %v\n%s", err, out)
	}

	// 1. Generate once.
	b.gen = filepath.Join(b.work, "gen")
	t0 := time.Now()
	if b.reuse && exists(filepath.Join(b.gen, synth.ContributionsFile)) {
		b.logf("reusing the data in %s", b.gen)
	} else if out, err := exec.Command(b.bin, "gen", "--contributions", strconv.Itoa(b.n), "--seed", strconv.FormatUint(b.seed, 10), "--out", b.gen).CombinedOutput(); err != nil {
		return false, fmt.Errorf("gen: %v\n%s", err, out)
	}
	st, _ := os.Stat(filepath.Join(b.gen, synth.ContributionsFile))
	b.logf("generated %d contributions (%.1f MB CSV) in %v", b.n, float64(st.Size())/1e6, time.Since(t0).Round(time.Millisecond))

	// Reference figures: fairshare --from-csv (cold, new process).
	ref, err := b.fairshareFromCSV()
	if err != nil {
		return false, err
	}

	if b.coldOnly {
		return b.runCold(ref)
	}
	if b.csvOnly {
		if err := b.duckdbCold(); err != nil {
			b.note("duckdb cold: %v", err)
		}
		if err := b.duckdbWarm(); err != nil {
			b.note("duckdb warm: %v", err)
		}
		if err := b.duckdbFile(); err != nil {
			b.note("duckdb file: %v", err)
		}
		if err := b.engineFromCSV(ctx); err != nil {
			return false, err
		}
		b.note("-csv-only: no SQLite or PostgreSQL import, no cold run from a database, no HTTP load test")
		return b.agree(ref), nil
	}
	// 1b. Import into SQLite.
	dbPath := filepath.Join(b.work, "fairshare.db")
	if err := b.importStore(ctx, "sqlite", dbPath); err != nil {
		return false, err
	}
	if err := b.sqliteShellImport(dbPath); err != nil {
		b.note("sqlite3 shell import: %v", err)
	}
	if b.only == "import" {
		_, drop, _ := b.importPostgres(ctx)
		defer drop()
		b.note("-only import: no reports, peers or HTTP")
		return true, nil
	}
	// 2. fairshare cold from the database, against DuckDB's cold query on
	// its own file (alternately), then warm and as-of in process.
	duckPath := filepath.Join(b.work, "duck.db")
	if err := b.duckImportFile(duckPath); err != nil {
		b.note("duckdb file: %v", err)
		duckPath = ""
	}
	if err := b.coldPair(dbPath, duckPath); err != nil {
		return false, err
	}
	if err := b.serveFirst(dbPath); err != nil {
		b.note("serve first report: %v", err)
	}
	// 3. Peers.
	if err := b.duckdbCold(); err != nil {
		b.note("duckdb cold: %v", err)
	}
	if err := b.duckdbWarm(); err != nil {
		b.note("duckdb warm: %v", err)
	}
	if err := b.duckdbFile(); err != nil {
		b.note("duckdb file: %v", err)
	}
	if err := b.sqliteSQL(dbPath); err != nil {
		b.note("sqlite3 SQL: %v", err)
	}
	schemaDSN, drop, pgOK := b.importPostgres(ctx)
	defer drop()
	if pgOK {
		if err := b.pgSQL(ctx, schemaDSN); err != nil {
			b.note("PostgreSQL SQL: %v", err)
		}
	}
	if b.n <= 100000 {
		b.plainTextPeers()
	} else {
		b.note("ledger, hledger, beancount: run at n=100000 only")
	}
	// 5. HTTP load test (before the corrections, at 10^5).
	if b.n <= 100000 {
		if err := b.httpLoad(dbPath, httpDur); err != nil {
			b.note("HTTP load test: %v", err)
		}
	} else {
		b.note("HTTP load test: run at n=100000 only")
	}
	if b.n == b.pagesN {
		if err := b.pages(dbPath, httpDur); err != nil {
			b.note("pages: %v", err)
		}
	}
	// 2 (cont.) warm, as-of with 10 % corrected, memory.
	if err := b.fairshareWarm(ctx, dbPath); err != nil {
		return false, err
	}
	// 4. Agreement.
	return b.agree(ref), nil
}

func repoDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/fairshare/fairshare").Output()
	if err != nil {
		return "", fmt.Errorf("locate the fairshare module: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// runProc runs a command and returns wall time, peak RSS in MB and stdout.
func runProc(name string, args ...string) (time.Duration, float64, []byte, error) {
	p, out, err := runProcStat(name, args...)
	return p.wall, p.peakMB, out, err
}

// procStat is what one new process cost: wall time, CPU time (user +
// system, the figure that holds on a shared machine) and peak RSS.
type procStat struct {
	wall, cpu time.Duration
	peakMB    float64
}

// runProcStat runs a command and measures it. The peak comes from
// /usr/bin/time when installed: a child's own rusage is useless for it
// here, because Linux records the parent's high-water mark at exec and this
// process is large after an import.
func runProcStat(name string, args ...string) (procStat, []byte, error) {
	timeFile := ""
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp("", "bench-time")
		if err == nil {
			timeFile = f.Name()
			f.Close()
			defer os.Remove(timeFile)
			args = append([]string{"-f", "%M", "-o", timeFile, name}, args...)
			name = "/usr/bin/time"
		}
	}
	cmd := exec.Command(name, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	t0 := time.Now()
	out, err := cmd.Output()
	p := procStat{wall: time.Since(t0)}
	if err != nil {
		return p, out, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	if timeFile != "" {
		if data, err := os.ReadFile(timeFile); err == nil {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
			p.peakMB = kb / 1024
		}
	}
	// wait4's rusage includes the waited-for children of the child (the
	// command under /usr/bin/time), in microseconds.
	p.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return p, out, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// reportTotals reads per-donor counted totals (cents) from report JSON.
func reportTotals(out []byte) (map[string]int64, error) {
	var r struct {
		Rows []struct {
			Donor   string `json:"donor"`
			Counted string `json:"counted"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("report JSON: %v", err)
	}
	m := map[string]int64{}
	for _, row := range r.Rows {
		a, err := fairshare.ParseAmount(row.Counted, "EUR")
		if err != nil {
			return nil, err
		}
		m[row.Donor] = int64(a)
	}
	return m, nil
}

// fairshareFromCSV: the question straight from the CSVs, new process each run.
func (b *bench) fairshareFromCSV() (map[string]int64, error) {
	var ds, cpu []time.Duration
	var peak float64
	var out []byte
	for i := 0; i < max(3, b.runs); i++ {
		p, o, err := runProcStat(b.bin, "report", target, "--from-csv", b.gen, "--format", "json")
		if err != nil {
			return nil, err
		}
		ds, cpu, peak, out = append(ds, p.wall), append(cpu, p.cpu), max(peak, p.peakMB), o
	}
	tot, err := reportTotals(out)
	if err != nil {
		return nil, err
	}
	b.totals["fairshare/from-csv"] = tot
	b.add(Result{Engine: "fairshare", Phase: "cold", Variant: "from-csv", MS: ms(median(ds)), CPUMS: ms(median(cpu)), PeakMB: peak,
		RowsPerS: float64(b.n) / median(ds).Seconds(), Note: "new process: parse CSVs, aggregate, report"})
	return tot, nil
}

// importStore imports the generated files into a fresh fairshare store the
// way the CLI does (fx import; contributions import = App.ImportContributions:
// validate into a temporary file, then one streaming transaction), then loads the synthetic GDP and describes the
// dataset so that 'report --dataset synthetic' answers the same question.
func (b *bench) importStore(ctx context.Context, engine, dsn string) error {
	a, err := app.Open(ctx, dsn, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	data, err := os.ReadFile(filepath.Join(b.gen, synth.RatesFile))
	if err != nil {
		return err
	}
	rates, err := fx.ParseECB(data, synth.RatesFile, nil)
	if err != nil {
		return err
	}
	if _, err := app.TestSQLStore(a).AddRates(ctx, rates); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(b.gen, synth.ContributionsFile))
	if err != nil {
		return err
	}
	cpu0 := cpuTime()
	t0 := time.Now()
	res, err := a.ImportContributions(ctx, f, synth.ContributionsFile, "csv", ledgerio.Options{},
		fairshare.Change{Author: "bench", Reason: "synthetic import"})
	el := time.Since(t0)
	cpu := cpuTime() - cpu0
	f.Close()
	if err != nil {
		return err
	}
	if res.Added != b.n {
		return fmt.Errorf("%s import added %d of %d rows", engine, res.Added, b.n)
	}
	b.add(Result{Engine: engineName(engine), Phase: "import", Variant: "fairshare import", MS: ms(el),
		RowsPerS: float64(b.n) / el.Seconds(),
		Note: fmt.Sprintf("App.ImportContributions, one transaction; %.0f rows per CPU second of this process (load %s)",
			float64(b.n)/cpu.Seconds(), loadAvg())})
	// Synthetic GDP instead of the real one, and a description of the dataset.
	rd, err := refdata.Load()
	if err != nil {
		return err
	}
	gdp, err := readGDP(filepath.Join(b.gen, synth.GDPFile))
	if err != nil {
		return err
	}
	inds := rd.Indicators[:0:0]
	for _, i := range rd.Indicators {
		if i.Kind != fairshare.KeyGDP {
			inds = append(inds, i)
		}
	}
	rd.Indicators = append(inds, gdp...)
	if err := app.TestSQLStore(a).LoadReference(ctx, rd); err != nil {
		return err
	}
	t1 := time.Now()
	if err := loadDenseRates(ctx, app.TestSQLStore(a).DB(), b.gen); err != nil {
		return fmt.Errorf("bench_rates: %w", err)
	}
	b.logf("%s: rates filled to every day for the SQL peers in %v", engine, time.Since(t1).Round(time.Millisecond))
	return app.TestSQLStore(a).PutDataset(ctx, fairshare.Dataset{ID: synth.Dataset, Name: "Synthetic benchmark ledger (not real data)"})
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func engineName(s string) string {
	if s == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

func readGDP(path string) ([]fairshare.Indicator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []fairshare.Indicator
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(line, ",")
		y, _ := strconv.Atoi(f[1])
		out = append(out, fairshare.Indicator{Kind: fairshare.KeyGDP, Donor: f[0], Year: y, Value: f[2], Note: "synthetic",
			Source: fairshare.Source{URL: "https://example.org/synthetic"}})
	}
	return out, nil
}

// coldPair times the cold report from a database file in new processes:
// fairshare on its SQLite file (db; "" skips) and DuckDB on its own file
// (duck; "" skips), alternately, so that both meet the same machine load.
// The first fairshare process after an import finds no saved engine: it
// reads the ledger's rows and saves the engine's columns in the database
// (timed apart as "first open").
func (b *bench) coldPair(db, duck string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fsArgs := []string{"report", target, "--dataset", synth.Dataset, "--db", db, "--format", "json"}
	if db != "" {
		first, _, err := runProcStat(b.bin, fsArgs...)
		if err != nil {
			return err
		}
		b.add(Result{Engine: "fairshare", Phase: "cold", Variant: "sqlite file, first open", MS: ms(first.wall), CPUMS: ms(first.cpu), PeakMB: first.peakMB,
			Note: "new process after the import: load the engine from the ledger rows, save it, report (with -reuse: a saved engine may exist)"})
	}
	type series struct {
		wall, cpu []time.Duration
		peak      float64
		out       []byte
	}
	var fs, dk series
	measure := func(s *series, name string, args ...string) error {
		p, out, err := runProcStat(name, args...)
		if err != nil {
			return err
		}
		s.wall, s.cpu, s.peak, s.out = append(s.wall, p.wall), append(s.cpu, p.cpu), max(s.peak, p.peakMB), out
		return nil
	}
	for i := 0; i < max(3, b.runs); i++ {
		if db != "" {
			if err := measure(&fs, b.bin, fsArgs...); err != nil {
				return err
			}
		}
		if duck != "" {
			if err := measure(&dk, self, "child", "duckdb-file", duck); err != nil {
				return err
			}
		}
	}
	if db != "" {
		tot, err := reportTotals(fs.out)
		if err != nil {
			return err
		}
		b.totals["fairshare/cold-db"] = tot
		b.add(Result{Engine: "fairshare", Phase: "cold", Variant: "sqlite file", MS: ms(median(fs.wall)), CPUMS: ms(median(fs.cpu)), PeakMB: fs.peak,
			Note: "new process: open, read the saved engine, check it against the ledger stamp, report"})
	}
	if duck != "" {
		var m map[string]int64
		if err := json.Unmarshal(dk.out, &m); err != nil {
			return err
		}
		b.totals["duckdb/cold-file"] = m
		b.add(Result{Engine: "duckdb", Phase: "cold", Variant: "database file", MS: ms(median(dk.wall)), CPUMS: ms(median(dk.cpu)), PeakMB: dk.peak,
			Note: "new process: open its persisted file, ASOF JOIN, sum"})
	}
	if db != "" && duck != "" {
		b.logf("cold ratios fairshare/duckdb: wall %.2f, cpu %.2f, peak %.2f (load %s)",
			median(fs.wall).Seconds()/median(dk.wall).Seconds(), median(fs.cpu).Seconds()/median(dk.cpu).Seconds(), fs.peak/dk.peak, loadAvg())
	}
	return nil
}

// loadAvg is the machine's one-minute load average, for the log.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(data))[0]
}

// runCold measures the cold phases only (-cold-only): the cold report from
// the database files of fairshare and DuckDB and serve's first report. With
// -reuse, data and databases left in -dir by an earlier run are used again.
func (b *bench) runCold(ref map[string]int64) (bool, error) {
	ctx := context.Background()
	dbPath, duckPath := filepath.Join(b.work, "fairshare.db"), filepath.Join(b.work, "duck.db")
	if !b.reuse || !exists(dbPath) {
		os.Remove(dbPath)
		if err := b.importStore(ctx, "sqlite", dbPath); err != nil {
			return false, err
		}
	}
	if !b.reuse || !exists(duckPath) {
		if err := b.duckImportFile(duckPath); err != nil {
			return false, err
		}
	}
	if err := b.coldPair(dbPath, duckPath); err != nil {
		return false, err
	}
	if err := b.serveFirst(dbPath); err != nil {
		b.note("serve first report: %v", err)
	}
	b.note("-cold-only: only the cold report from the database files and serve's first report")
	return b.agree(ref), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// fairshareWarm loads the engine in this process, times uncached and cached
// reports, corrects 10 % of rows and times the as-of report.
func (b *bench) fairshareWarm(ctx context.Context, db string) error {
	runtime.GC()
	debug.FreeOSMemory()
	rss0 := rssBytes()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	a, err := app.Open(ctx, db, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	// From the ledger's rows, as a process does when no saved engine fits
	// (the saved engine is timed by the cold runs).
	os.Setenv("FAIRSHARE_ENGINE_CACHE", "off")
	t0 := time.Now()
	e, err := a.Engine(ctx)
	os.Unsetenv("FAIRSHARE_ENGINE_CACHE")
	if err != nil {
		return err
	}
	loadT := time.Since(t0)
	runtime.GC()
	debug.FreeOSMemory()
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	rss1 := rssBytes()
	b.note("engine load from SQLite: %v for %d versions; engine columns+index %d bytes = %.1f B/contribution; heap growth %.1f B/contribution; process RSS growth %.1f B/contribution",
		loadT.Round(time.Millisecond), e.Len(), e.Bytes(), float64(e.Bytes())/float64(b.n),
		float64(int64(ms1.HeapInuse)-int64(ms0.HeapInuse))/float64(b.n), float64(rss1-rss0)/float64(b.n))
	b.add(Result{Engine: "fairshare", Phase: "warm", Variant: "engine load rows", MS: ms(loadT), RowsPerS: float64(b.n) / loadT.Seconds(),
		Note: fmt.Sprintf("resident %.0f B/contribution (engine %.0f)", float64(rss1-rss0)/float64(b.n), float64(e.Bytes())/float64(b.n))})

	req := app.ReportRequest{Target: target, Datasets: synth.Dataset}
	// Uncached: a distinct as-of after every write misses the cache each time
	// and costs what a current report costs.
	uncached := func(asOf time.Time, k int) (time.Duration, *fairshare.Report, error) {
		var ds []time.Duration
		var rep *fairshare.Report
		for i := 0; i < max(b.runs, 10); i++ {
			r := req
			r.AsOf = asOf.Add(time.Duration(k*1000+i) * time.Microsecond)
			t := time.Now()
			var err error
			rep, err = a.Report(ctx, r)
			if err != nil {
				return 0, nil, err
			}
			ds = append(ds, time.Since(t))
		}
		return median(ds), rep, nil
	}
	later := time.Now().Add(time.Hour)
	d, rep, err := uncached(later, 0)
	if err != nil {
		return err
	}
	tot := map[string]int64{}
	for _, r := range rep.Rows {
		tot[r.Donor] = int64(r.Counted)
	}
	b.totals["fairshare/warm"] = tot
	b.add(Result{Engine: "fairshare", Phase: "warm", Variant: "uncached", MS: ms(d), Note: "engine loaded; report computed (scan, convert, Compute)"})
	// Cached current report.
	if _, err := a.Report(ctx, req); err != nil {
		return err
	}
	var cds []time.Duration
	for i := 0; i < 1000; i++ {
		t := time.Now()
		if _, err := a.Report(ctx, req); err != nil {
			return err
		}
		cds = append(cds, time.Since(t))
	}
	b.add(Result{Engine: "fairshare", Phase: "warm", Variant: "cached", MS: ms(median(cds)), Note: "includes the ledger stamp check"})

	// Correct 10 % of rows (a new version with a changed amount) after T.
	before := time.Now().UTC()
	time.Sleep(10 * time.Millisecond)
	nCorr, err := correct(ctx, a, time.Now().UTC())
	if err != nil {
		return err
	}
	b.note("corrected %d rows (%.1f %%) in one transaction", nCorr, 100*float64(nCorr)/float64(b.n))
	t1 := time.Now()
	if _, err := a.Engine(ctx); err != nil { // picks the corrections up
		return err
	}
	b.note("engine refresh after the corrections: %v", time.Since(t1).Round(time.Millisecond))
	e.Compact()
	dNow, _, err := uncached(time.Now().Add(time.Hour), 1)
	if err != nil {
		return err
	}
	dAsOf, repAsOf, err := uncached(before, 2)
	if err != nil {
		return err
	}
	totAsOf := map[string]int64{}
	for _, r := range repAsOf.Rows {
		totAsOf[r.Donor] = int64(r.Counted)
	}
	b.totals["fairshare/asof"] = totAsOf
	b.add(Result{Engine: "fairshare", Phase: "asof", Variant: "uncached", MS: ms(dAsOf),
		Note: fmt.Sprintf("as of before the corrections; current report after them %.2f ms (ratio %.2f)", ms(dNow), ms(dAsOf)/ms(dNow))})
	// The reference path at small n, as a check that both agree.
	if b.n <= 100000 {
		slow, err := a.ReportSlow(ctx, app.ReportRequest{Target: target, Datasets: synth.Dataset, AsOf: before})
		if err == nil {
			m := map[string]int64{}
			for _, r := range slow.Rows {
				m[r.Donor] = int64(r.Counted)
			}
			b.totals["fairshare/reference-path"] = m
		}
	}
	return nil
}

// correct inserts, for about 10 % of the synthetic entries, version 2 with
// the amount raised by 1.00, recorded at 'at'. Direct SQL keeps it one
// statement; the rows are what AmendContribution would write.
func correct(ctx context.Context, a *app.App, at time.Time) (int64, error) {
	res, err := app.TestSQLStore(a).DB().ExecContext(ctx, `INSERT INTO contribution_versions
		(id, version, recorded_us, deleted, donor, recipient, day, amount, currency, category, status,
		 dataset, description, source_url, source_title, publisher, source_date, author, reason)
		SELECT id, 2, $1, 0, donor, recipient, day, amount + 100, currency, category, status,
		 dataset, description, source_url, source_title, publisher, source_date, 'bench', 'synthetic correction'
		FROM contribution_versions WHERE dataset = 'synthetic' AND version = 1 AND substr(id, 35, 2) < '1a'`, at.UnixMicro())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// agree compares every engine's per-donor totals with the reference (the
// first fairshare run), for the donors fairshare reports (the participants).
func (b *bench) agree(ref map[string]int64) bool {
	ok := true
	var names []string
	for k := range b.totals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		tot := b.totals[name]
		if name == "fairshare/asof" || name == "fairshare/reference-path" {
			continue // compared below
		}
		bad := 0
		for donor, want := range ref {
			if got, has := tot[donor]; !has && want != 0 || got != want {
				if bad < 5 {
					fmt.Fprintf(os.Stderr, "bench: DISAGREE %s %s: %s, reference %s\n", name, donor,
						fairshare.Amount(got).Format("EUR"), fairshare.Amount(want).Format("EUR"))
				}
				bad++
			}
		}
		if bad > 0 {
			ok = false
			fmt.Fprintf(os.Stderr, "bench: %s disagrees on %d donors\n", name, bad)
		} else {
			b.logf("%s agrees to the cent on %d donors", name, len(ref))
		}
	}
	// As of before the corrections = the figures before them.
	if asof := b.totals["fairshare/asof"]; asof != nil {
		for donor, want := range ref {
			if asof[donor] != want {
				fmt.Fprintf(os.Stderr, "bench: DISAGREE as-of %s: %d, want %d\n", donor, asof[donor], want)
				ok = false
			}
		}
	}
	if rp := b.totals["fairshare/reference-path"]; rp != nil {
		for donor, want := range ref {
			if rp[donor] != want {
				fmt.Fprintf(os.Stderr, "bench: DISAGREE reference path %s: %d, want %d\n", donor, rp[donor], want)
				ok = false
			}
		}
	}
	return ok
}

func machine() string {
	model := "unknown CPU"
	if out, err := exec.Command("lscpu").Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "Model name:") {
				model = strings.TrimSpace(strings.TrimPrefix(l, "Model name:"))
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(data))
		if len(f) > 1 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			mem = fmt.Sprintf(", %.0f GB", kb/1024/1024)
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s, %s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func printTable(w io.Writer, o output, notes []string) {
	fmt.Fprintf(w, "machine: %s\n\n", o.Machine)
	fmt.Fprintf(w, "%-9s %-9s %-7s %-18s %11s %9s %12s %9s %8s %8s  %s\n", "n", "engine", "phase", "variant", "ms", "cpu ms", "rows/s", "rps", "p99 ms", "peak MB", "note")
	for _, r := range o.Results {
		opt := func(v float64, f string) string {
			if v == 0 {
				return "-"
			}
			return fmt.Sprintf(f, v)
		}
		fmt.Fprintf(w, "%-9d %-9s %-7s %-18s %11s %9s %12s %9s %8s %8s  %s\n", r.N, r.Engine, r.Phase, r.Variant, opt(r.MS, "%.2f"), opt(r.CPUMS, "%.1f"),
			opt(r.RowsPerS, "%.0f"), opt(r.RPS, "%.0f"), opt(r.P99, "%.2f"), opt(r.PeakMB, "%.0f"), r.Note)
	}
	if len(o.Growth) > 0 {
		fmt.Fprintf(w, "\ngrowth (time at the larger n / time at the smaller n):\n")
		for _, g := range o.Growth {
			fmt.Fprintf(w, "%-9s %-7s %-26s %9d -> %-9d %6.2fx\n", g.Engine, g.Phase, g.Variant, g.From, g.To, g.Ratio)
		}
	}
	fmt.Fprintf(w, "\nagree: %v\n", o.Agree)
	for _, n := range notes {
		fmt.Fprintln(w, "note:", n)
	}
}

// importPostgres imports the generated ledger into a fresh PostgreSQL
// schema (skipped with -pg off); drop removes the schema and is never nil.
func (b *bench) importPostgres(ctx context.Context) (dsn string, drop func(), ok bool) {
	if b.pgDSN == "off" {
		return "", func() {}, false
	}
	dsn, drop, err := b.pgSchema(ctx)
	if err != nil {
		b.note("PostgreSQL skipped: %v", err)
		return "", func() {}, false
	}
	if err := b.importStore(ctx, "postgres", dsn); err != nil {
		b.note("PostgreSQL import: %v", err)
		return dsn, drop, false
	}
	return dsn, drop, true
}
