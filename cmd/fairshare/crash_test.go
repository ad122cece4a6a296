package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/sqlstore"
)

// TestImportKilled kills an import with SIGKILL at several points and checks
// that the database passes SQLite's integrity check and holds all or none of
// that import, with everything recorded before intact.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test builds a large file")
	}
	dir := t.TempDir()
	const rows = 60000
	var b strings.Builder
	b.WriteString("donor,date,amount,currency,category,status,source_url,description\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "DNK,2024-%02d-%02d,%d,DKK,in-kind,delivered,https://example.org/crash,crash row %d\n", i%12+1, i%28+1, 1000+i, i)
	}
	file := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Time one whole import, then kill others at fractions of that time, so
	// some die while parsing, some while writing and some around the commit.
	start := time.Now()
	mustFS(t, filepath.Join(dir, "full.db"), "contributions", "import", file, "--dataset", "crash")
	full := time.Since(start)
	var delays []time.Duration
	for _, f := range []float64{0.1, 0.4, 0.7, 0.85, 0.95, 1.05, 1.5} {
		delays = append(delays, time.Duration(f*float64(full)))
	}
	seen := map[bool]bool{}
	defer func() {
		t.Logf("outcomes seen: none=%v all=%v", seen[false], seen[true])
	}()
	for _, delay := range delays {
		t.Run(delay.String(), func(t *testing.T) {
			db := filepath.Join(dir, fmt.Sprintf("k%d.db", delay.Microseconds()))
			mustFS(t, db, "contributions", "add", "--donor", "NOR", "--date", "2024-02-02", "--amount", "77",
				"--currency", "NOK", "--category", "training", "--status", "delivered", "--source-url", "https://example.org/before")
			before := mustFS(t, db, "contributions", "export", "--dataset", "user")

			// The import's temporary files go to a directory of their own,
			// which the kill must leave empty (see app's tempFile).
			tmp := t.TempDir()
			cmd := exec.Command(binary, "contributions", "import", file, "--dataset", "crash", "--db", db)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			state, _ := cmd.Process.Wait()
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("the killed import left %d temporary files (%s ...)", len(left), left[0].Name())
			}

			st, err := sqlstore.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var check string
			if err := st.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Fatalf("integrity check: %q, %v", check, err)
			}
			var n int
			st.DB().QueryRow("SELECT COUNT(*) FROM contribution_versions WHERE dataset = 'crash'").Scan(&n)
			if n != 0 && n != rows {
				t.Fatalf("after SIGKILL the import holds %d of %d rows: not all or nothing", n, rows)
			}
			t.Logf("killed after %s of %s (%v): %d rows present", delay, full, state, n)
			seen[n == rows] = true
			if after := mustFS(t, db, "contributions", "export", "--dataset", "user"); after != before {
				t.Fatal("entries recorded before the killed import changed")
			}
			cs, err := st.Contributions(context.Background(), fairshare.ContributionFilter{Dataset: "crash", Limit: 1})
			if err != nil || (n > 0) != (len(cs) > 0) {
				t.Fatalf("store disagrees after reopen: %v", err)
			}
		})
	}
}
