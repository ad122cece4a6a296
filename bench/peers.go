package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/synth"
)

// The question in SQL, for every peer: 2024, committed or delivered, the
// seven military categories, dataset synthetic; each row converted to euro
// cents at the last daily rate on or before its date and rounded half to
// even on its own (as fairshare does), then summed per donor. Amounts are
// integers of hundredths of the currency (a), rates integers of 1/10000
// (r4, the synthetic rates have four decimals): cents = a*10000/r4. The
// synthetic rates exist on every business day, so "last on or before" is
// within fairshare's 7-day window and equals its look-up.

func militaryList() string {
	var q []string
	for _, c := range fairshare.MilitaryCategories {
		q = append(q, "'"+string(c)+"'")
	}
	return strings.Join(q, ",")
}

// halfEven is the SQL for round_half_even(a*10000/r4) in integers; div and
// mod are the dialect's integer division and remainder.
func halfEven(a, r4, div string) string {
	n := "(" + a + ")*10000"
	q := "(" + n + ")" + div + "(" + r4 + ")"
	rem := "((" + n + ") % (" + r4 + "))"
	return fmt.Sprintf("(%s + CASE WHEN 2*%s > (%s) OR (2*%s = (%s) AND (%s) %% 2 = 1) THEN 1 ELSE 0 END)", q, rem, r4, rem, r4, q)
}

func currencyCols() (cols, list string) {
	var cs []string
	for _, c := range synth.Currencies {
		cs = append(cs, c.Code)
	}
	return strings.Join(cs, ", "), strings.Join(cs, ", ")
}

const contribColumns = `{'id':'VARCHAR','donor':'VARCHAR','recipient':'VARCHAR','date':'DATE','amount':'DECIMAL(18,2)',
	'currency':'VARCHAR','category':'VARCHAR','status':'VARCHAR','dataset':'VARCHAR','description':'VARCHAR',
	'source_url':'VARCHAR','source_title':'VARCHAR','publisher':'VARCHAR','source_date':'VARCHAR'}`

// The CSV readers get explicit columns and no sniffing (auto_detect=false),
// DuckDB's best settings for a known layout: the sniffer costs about 125 ms
// a file here.
func duckRatesSQL(dir string) string {
	cols, _ := currencyCols()
	spec := []string{"'Date':'VARCHAR'"}
	for _, c := range synth.Currencies {
		spec = append(spec, "'"+c.Code+"':'VARCHAR'")
	}
	spec = append(spec, "'trailing':'VARCHAR'") // the ECB header ends with a comma
	return fmt.Sprintf(`SELECT CAST("Date" AS DATE) AS day, currency, CAST(CAST(rate AS DECIMAL(18,4)) * 10000 AS BIGINT) AS r4
		FROM (UNPIVOT (SELECT "Date", %s FROM read_csv('%s', header=true, auto_detect=false, delim=',', columns={%s}))
		ON %s INTO NAME currency VALUE rate)
		WHERE rate <> 'N/A'`, cols, filepath.Join(dir, synth.RatesFile), strings.Join(spec, ","), cols)
}

func duckContribSQL(dir string) string {
	return fmt.Sprintf(`SELECT donor, "date" AS day, CAST(amount * 100 AS BIGINT) AS a, currency, category, status, dataset
		FROM read_csv('%s', header=true, auto_detect=false, delim=',', quote='"', escape='"', columns=%s)`,
		filepath.Join(dir, synth.ContributionsFile), contribColumns)
}

func duckQuery(contrib, rates string) string {
	return fmt.Sprintf(`WITH c AS (
		SELECT donor, day, a, currency FROM %s
		WHERE day BETWEEN DATE '2024-01-01' AND DATE '2024-12-31' AND status IN ('committed','delivered')
		  AND category IN (%s) AND dataset = 'synthetic'
	), j AS (
		SELECT c.donor, c.a, c.currency, r.r4 FROM c ASOF LEFT JOIN %s r ON c.currency = r.currency AND c.day >= r.day
	)
	SELECT donor, CAST(SUM(CASE WHEN currency = 'EUR' THEN a ELSE %s END) AS BIGINT) FROM j GROUP BY donor ORDER BY donor`,
		contrib, militaryList(), rates, halfEven("a", "r4", "//"))
}

func scanTotals(rows *sql.Rows) (map[string]int64, error) {
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var d string
		var v int64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, err
		}
		m[d] = v
	}
	return m, rows.Err()
}

// child runs one peer in a fresh process (for its wall time and peak
// memory) and prints its totals as JSON.
func child(args []string) int {
	if len(args) != 2 || (args[0] != "duckdb-cold" && args[0] != "duckdb-file") {
		fmt.Fprintln(os.Stderr, "usage: bench child duckdb-cold DIR | duckdb-file FILE")
		return 2
	}
	dir := args[1]
	dsn, q := "", duckQuery("("+duckContribSQL(dir)+")", "("+duckRatesSQL(dir)+")")
	if args[0] == "duckdb-file" {
		dsn, q = dir+"?access_mode=read_only", duckQuery("contrib", "rates")
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`SET asof_loop_join_threshold=0`); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rows, err := db.Query(q)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := scanTotals(rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	json.NewEncoder(os.Stdout).Encode(m)
	return 0
}

func (b *bench) duckdbCold() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var ds []time.Duration
	var peak float64
	var out []byte
	for i := 0; i < max(3, b.runs); i++ {
		el, p, o, err := runProc(self, "child", "duckdb-cold", b.gen)
		if err != nil {
			return err
		}
		ds, peak, out = append(ds, el), max(peak, p), o
	}
	var m map[string]int64
	if err := json.Unmarshal(out, &m); err != nil {
		return err
	}
	b.totals["duckdb/cold"] = m
	b.add(Result{Engine: "duckdb", Phase: "cold", Variant: "read_csv + ASOF", MS: ms(median(ds)), PeakMB: peak,
		RowsPerS: float64(b.n) / median(ds).Seconds(), Note: "new process: read both CSVs, ASOF JOIN, sum"})
	return nil
}

// duckdbFile is DuckDB on its own persisted database file: the tables
// written once (timed as its import), then the query in a new process that
// opens the file (cold, coldPair, unless measured already) and again with
// the file open (warm).
func (b *bench) duckdbFile() error {
	path := filepath.Join(b.work, "duck.db")
	if _, err := os.Stat(path); err != nil {
		if err := b.duckImportFile(path); err != nil {
			return err
		}
	}
	if b.totals["duckdb/cold-file"] == nil {
		if err := b.coldPair("", path); err != nil {
			return err
		}
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`SET asof_loop_join_threshold=0`); err != nil {
		return err
	}
	var ds []time.Duration
	var m map[string]int64
	for i := 0; i < max(b.runs, 10); i++ {
		t := time.Now()
		rows, err := db.Query(duckQuery("contrib", "rates"))
		if err != nil {
			return err
		}
		if m, err = scanTotals(rows); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	b.totals["duckdb/warm-file"] = m
	b.add(Result{Engine: "duckdb", Phase: "warm", Variant: "database file", MS: ms(median(ds)), Note: "its file open; ASOF JOIN"})
	return nil
}

func (b *bench) duckdbWarm() error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`SET asof_loop_join_threshold=0`); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := db.Exec(`CREATE TABLE contrib AS ` + duckContribSQL(b.gen)); err != nil {
		return err
	}
	if _, err := db.Exec(`CREATE TABLE rates AS ` + duckRatesSQL(b.gen)); err != nil {
		return err
	}
	el := time.Since(t0)
	b.add(Result{Engine: "duckdb", Phase: "import", Variant: "CREATE TABLE AS", MS: ms(el), RowsPerS: float64(b.n) / el.Seconds(), Note: "in memory"})
	q := duckQuery("contrib", "rates")
	var ds []time.Duration
	var m map[string]int64
	for i := 0; i < max(b.runs, 10); i++ {
		t := time.Now()
		rows, err := db.Query(q)
		if err != nil {
			return err
		}
		if m, err = scanTotals(rows); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	b.totals["duckdb/warm"] = m
	b.add(Result{Engine: "duckdb", Phase: "warm", Variant: "ASOF JOIN", MS: ms(median(ds)), Note: "tables loaded; asof_loop_join_threshold=0"})
	return nil
}

// sqlQuery runs on fairshare's ledger table joined with bench_rates, the
// rates filled forward to every calendar day (a plain equi-join is these
// engines' best plan for "the last rate on or before the day").
func sqlQuery(div string) string {
	return fmt.Sprintf(`SELECT v.donor, SUM(CASE WHEN v.currency = 'EUR' THEN v.amount ELSE %s END)
	FROM contribution_versions v LEFT JOIN bench_rates r ON r.currency = v.currency AND r.day = v.day
	WHERE v.dataset = 'synthetic' AND v.deleted = 0 AND v.day BETWEEN '2024-01-01' AND '2024-12-31'
	  AND v.status IN ('committed','delivered') AND v.category IN (%s)
	GROUP BY v.donor ORDER BY v.donor`, halfEven("v.amount", "r.r4", div), militaryList())
}

// denseRates fills the synthetic daily rates forward to every calendar day.
func denseRates(dir string) ([][3]any, error) {
	data, err := os.ReadFile(filepath.Join(dir, synth.RatesFile))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	head := strings.Split(lines[0], ",")
	byDay := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		byDay[f[0]] = f
	}
	var out [][3]any
	last := make([]int64, len(head))
	for d := synth.First; !d.After(synth.Last); d = d.AddDays(1) {
		if f, ok := byDay[d.String()]; ok {
			for i := 1; i < len(head) && i < len(f); i++ {
				if head[i] == "" || f[i] == "" || f[i] == "N/A" {
					continue
				}
				r4, err := tenThousandths(f[i])
				if err != nil {
					return nil, err
				}
				last[i] = r4
			}
		}
		for i := 1; i < len(head); i++ {
			if head[i] != "" && last[i] != 0 {
				out = append(out, [3]any{head[i], d.String(), last[i]})
			}
		}
	}
	return out, nil
}

// tenThousandths reads a rate with at most four decimals as an integer of
// 1/10000.
func tenThousandths(s string) (int64, error) {
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > 4 {
		return 0, fmt.Errorf("rate %q has more than four decimals", s)
	}
	v, err := strconv.ParseInt(ip+(fp + "0000")[:4], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("rate %q: %v", s, err)
	}
	return v, nil
}

// loadDenseRates creates and fills bench_rates in a fairshare database.
func loadDenseRates(ctx context.Context, db *sql.DB, dir string) error {
	rows, err := denseRates(dir)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_rates (currency TEXT NOT NULL, day TEXT NOT NULL, r4 BIGINT NOT NULL, PRIMARY KEY (currency, day))`); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO bench_rates VALUES ($1, $2, $3)`)
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r[0], r[1], r[2]); err != nil {
			tx.Rollback()
			return err
		}
	}
	stmt.Close()
	return tx.Commit()
}

// sqliteSQL asks the sqlite3 shell (C, the peer at its best) on the
// database fairshare imported into.
func (b *bench) sqliteSQL(db string) error {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return fmt.Errorf("sqlite3 not installed")
	}
	q := sqlQuery("/") + ";"
	var ds []time.Duration
	var out []byte
	for i := 0; i < max(3, b.runs); i++ {
		el, _, o, err := runProc("sqlite3", "-readonly", "-csv", db, q)
		if err != nil {
			return err
		}
		ds, out = append(ds, el), o
	}
	m := map[string]int64{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(l, ",")
		if len(f) == 2 {
			var v int64
			fmt.Sscan(f[1], &v)
			m[f[0]] = v
		}
	}
	b.totals["sqlite/warm"] = m
	b.add(Result{Engine: "sqlite", Phase: "warm", Variant: "sqlite3 shell", MS: ms(median(ds)), Note: "SQL on the loaded tables (join with rates filled to every day)"})
	return nil
}

// pgSchema creates a schema of our own and returns a DSN that uses it.
func (b *bench) pgSchema(ctx context.Context) (string, func(), error) {
	db, err := sql.Open("pgx", b.pgDSN)
	if err != nil {
		return "", nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return "", nil, err
	}
	schema := fmt.Sprintf("bench_%d", os.Getpid())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, err
	}
	sep := "?"
	if strings.Contains(b.pgDSN, "?") {
		sep = "&"
	}
	drop := func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	}
	return b.pgDSN + sep + "search_path=" + schema, drop, nil
}

func (b *bench) pgSQL(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	q := sqlQuery("/")
	var ds []time.Duration
	var m map[string]int64
	for i := 0; i < max(3, b.runs); i++ {
		t := time.Now()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		if m, err = scanTotals(rows); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	b.totals["postgres/warm"] = m
	b.add(Result{Engine: "postgres", Phase: "warm", Variant: "SQL", MS: ms(median(ds)), Note: "SQL on the loaded tables (join with rates filled to every day)"})
	return nil
}

func (b *bench) plainTextPeers() {
	for _, tool := range []string{"ledger", "hledger", "bean-query"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.note("%s: not installed here, skipped", tool)
		} else {
			b.note("%s: installed but not wired into this benchmark yet, skipped", tool)
		}
	}
}

// duckImportFile writes DuckDB's database file: both tables from the CSVs
// (timed as its import).
func (b *bench) duckImportFile(path string) error {
	os.Remove(path)
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return err
	}
	t0 := time.Now()
	for _, q := range []string{`CREATE TABLE contrib AS ` + duckContribSQL(b.gen), `CREATE TABLE rates AS ` + duckRatesSQL(b.gen), `CHECKPOINT`} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return err
		}
	}
	el := time.Since(t0)
	if err := db.Close(); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	b.add(Result{Engine: "duckdb", Phase: "import", Variant: "file", MS: ms(el), RowsPerS: float64(b.n) / el.Seconds(),
		Note: fmt.Sprintf("CREATE TABLE AS from the CSVs into a database file (%.0f MB)", float64(st.Size())/1e6)})
	return nil
}

// sqliteShellImport times the sqlite3 shell (C SQLite, no Go in the way)
// importing the same CSV into the same ledger table, with the same page
// size, journal and synchronous settings and the same index handling as
// fairshare's import of a big file: the table's schema is read from the
// file fairshare imported into. One process puts the CSV into a staging
// table of its own file with the shell's .import; a second moves the rows
// in one INSERT ... SELECT in id order into the ledger and builds the two
// secondary indexes afterwards, in one transaction. It checks nothing and
// hashes no natural ids (each id is the row number, zero-padded to a
// UUID's 36 characters), so it is the floor SQLite itself sets for this
// table, not a like-for-like import; the second process alone is the floor
// with the parsing free.
func (b *bench) sqliteShellImport(fairshareDB string) error {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return fmt.Errorf("sqlite3 not installed")
	}
	_, _, schema, err := runProc("sqlite3", "-readonly", fairshareDB,
		`SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'contribution_versions' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var drops, builds []string
	for _, l := range strings.Split(string(schema), "\n") {
		if strings.HasPrefix(l, "CREATE INDEX") && !strings.Contains(l, "_recorded ") {
			name := strings.Fields(l)[2]
			drops, builds = append(drops, "DROP INDEX "+name+";"), append(builds, l)
		}
	}
	path := filepath.Join(b.work, "shell.db")
	staging := filepath.Join(b.work, "staging.db")
	defer func() {
		for _, p := range []string{path, staging} {
			for _, s := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(p + s)
			}
		}
	}()
	pragmas := "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;\n"
	if _, _, _, err := runProc("sqlite3", path, pragmas+string(schema)); err != nil {
		return err
	}
	if _, _, _, err := runProc("sqlite3", staging, pragmas+
		"CREATE TABLE staging (id, donor, recipient, date, amount, currency, category, status, dataset, description, source_url, source_title, publisher, source_date);"); err != nil {
		return err
	}
	parse, _, err := runProcStat("sqlite3", staging, "PRAGMA synchronous=FULL", ".import --csv --skip 1 '"+filepath.Join(b.gen, synth.ContributionsFile)+"' staging")
	if err != nil {
		return err
	}
	script := filepath.Join(b.work, "shell-import.sql")
	defer os.Remove(script)
	body := "PRAGMA synchronous=FULL;\nATTACH '" + staging + "' AS s;\nBEGIN;\n" +
		strings.Join(drops, "\n") + "\n" +
		"INSERT INTO contribution_versions SELECT printf('%036d', rowid), 1, 0, 0, donor, recipient, date, CAST(round(amount * 100) AS INTEGER), " +
		"currency, category, status, dataset, description, source_url, source_title, publisher, source_date, '', '' FROM s.staging ORDER BY rowid;\n" +
		strings.Join(builds, "\n") + "\nCOMMIT;\nSELECT count(*) FROM contribution_versions;\n"
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		return err
	}
	ins, out, err := runProcStat("sqlite3", path, ".read '"+script+"'")
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(string(out)); got != strconv.Itoa(b.n) {
		return fmt.Errorf("sqlite3 shell import: %q rows, want %d", got, b.n)
	}
	all := parse.wall + ins.wall
	b.add(Result{Engine: "sqlite", Phase: "import", Variant: "sqlite3 shell", MS: ms(all), CPUMS: ms(parse.cpu + ins.cpu),
		PeakMB: max(parse.peakMB, ins.peakMB), RowsPerS: float64(b.n) / all.Seconds(),
		Note: fmt.Sprintf("C SQLite, same table: .import to staging, then one INSERT in id order, indexes built after; no checks, no natural ids (load %s)", loadAvg())})
	b.add(Result{Engine: "sqlite", Phase: "import", Variant: "sqlite3 shell insert", MS: ms(ins.wall), CPUMS: ms(ins.cpu),
		PeakMB: ins.peakMB, RowsPerS: float64(b.n) / ins.wall.Seconds(),
		Note: "the second step alone: SQLite's own cost for this table with the parsing free"})
	return nil
}
