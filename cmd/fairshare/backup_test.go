package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ledgerViews prints everything a user can ask of a ledger at fixed times,
// so two databases can be compared exactly.
func ledgerViews(t *testing.T, db string, times []string) string {
	t.Helper()
	var b strings.Builder
	for _, target := range []string{"nato-2024", "nato-fund-2025-2029", "my-target"} {
		for _, cur := range []string{"EUR", "DKK"} {
			for _, at := range times {
				// Before my-target was defined, its report is an error, alike in both.
				r := fs(t, db, "report", target, "--format", "json", "--currency", cur, "--as-of", at)
				b.WriteString(fmt.Sprint(r.code) + r.stdout + r.stderr)
			}
		}
	}
	for _, at := range times {
		b.WriteString(mustFS(t, db, "contributions", "export", "--format", "json", "--as-of", at))
	}
	b.WriteString(mustFS(t, db, "users", "list", "--format", "csv"))
	b.WriteString(mustFS(t, db, "fx", "convert", "1000", "USD", "DKK", "--date", "2024-05-31"))
	return b.String()
}

func buildLedger(t *testing.T, dir string) (db string, times []string) {
	db = filepath.Join(dir, "src.db")
	os.WriteFile(filepath.Join(dir, "dk.csv"), []byte(dkkRow), 0o644)
	mustFS(t, db, "contributions", "import", filepath.Join(dir, "dk.csv"))
	time.Sleep(5 * time.Millisecond)
	times = append(times, time.Now().UTC().Format(time.RFC3339Nano))
	id := strings.TrimSpace(mustFS(t, db, "contributions", "add", "--donor", "POL", "--date", "2024-03-01", "--amount", "500000000",
		"--currency", "PLN", "--category", "equipment-purchase", "--status", "committed", "--source-url", "https://example.org/pl"))
	mustFS(t, db, "contributions", "edit", id, "--amount", "600000000", "--reason", "corrected per ministry")
	time.Sleep(5 * time.Millisecond)
	times = append(times, time.Now().UTC().Format(time.RFC3339Nano))
	mustFS(t, db, "contributions", "delete", id, "--reason", "double counted")
	os.WriteFile(filepath.Join(dir, "t.json"), []byte(`{"id":"my-target","name":"Quarter of a percent","gdp_rate":"0.0025","start":"2024-01-01","end":"2024-12-31"}`), 0o644)
	mustFS(t, db, "targets", "add", filepath.Join(dir, "t.json"))
	os.WriteFile(filepath.Join(dir, "ecb.csv"), []byte("Date,USD,DKK,PLN,\n2024-05-31,1.0852,7.4613,4.2635,\n"), 0o644)
	mustFS(t, db, "fx", "import", filepath.Join(dir, "ecb.csv"))
	mustFS(t, db, "users", "add", "ed", "--role", "editor")
	time.Sleep(5 * time.Millisecond)
	times = append(times, time.Now().UTC().Format(time.RFC3339Nano), "2026-11-01")
	return db, times
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src, times := buildLedger(t, dir)
	want := ledgerViews(t, src, times)

	backup := filepath.Join(dir, "backup.db")
	mustFS(t, src, "backup", backup)
	if r := fs(t, src, "backup", backup); r.code != 1 {
		t.Fatalf("backup over an existing file: exit %d", r.code)
	}
	restored := filepath.Join(dir, "restored.db")
	mustFS(t, restored, "restore", backup)
	if got := ledgerViews(t, restored, times); got != want {
		t.Fatal("reports after backup and restore differ from before")
	}
	// A target with changes the backup lacks is refused and left alone.
	mustFS(t, restored, "contributions", "add", "--donor", "NOR", "--date", "2024-02-02", "--amount", "1", "--currency", "NOK",
		"--category", "training", "--status", "delivered", "--source-url", "https://example.org/no")
	if r := fs(t, restored, "restore", backup); r.code != 1 || !strings.Contains(r.stderr, "lacks") {
		t.Fatalf("restore over newer changes: %+v", r)
	}
}

func TestExportImportAllRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src, times := buildLedger(t, dir)
	want := ledgerViews(t, src, times)
	b := filepath.Join(dir, "bundle.zip")
	mustFS(t, src, "export", "--all", "--out", b)
	dst := filepath.Join(dir, "dst.db")
	mustFS(t, dst, "import", "--all", b)
	if got := ledgerViews(t, dst, times); got != want {
		t.Fatal("reports after export --all and import --all differ from before")
	}
	if out := mustFS(t, dst, "import", "--all", b); !strings.Contains(out, ": 0 versions, 0 rates, 0 targets, 0 datasets, 0 users, 0 audit") {
		t.Fatalf("second import added something: %s", out)
	}

	// A bundle with one altered byte is refused and changes nothing.
	data, _ := os.ReadFile(b)
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "versions.jsonl" {
			body = bytes.Replace(body, []byte(`"amount":"1000000000.00"`), []byte(`"amount":"9000000000.00"`), 1)
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	bad := filepath.Join(dir, "bad.zip")
	os.WriteFile(bad, out.Bytes(), 0o644)
	fresh := filepath.Join(dir, "fresh.db")
	before := mustFS(t, fresh, "contributions", "export")
	if r := fs(t, fresh, "import", "--all", bad); r.code != 1 || !strings.Contains(r.stderr, "checksum mismatch") {
		t.Fatalf("altered bundle: %+v", r)
	}
	if after := mustFS(t, fresh, "contributions", "export"); after != before {
		t.Fatal("a refused bundle changed the ledger")
	}
}
