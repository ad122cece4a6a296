package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fairshare/fairshare/internal/sqlstore"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestImportAmbiguousThousands is the command: "1.000" with ';'
// separating fields is refused naming line 2 and the field, and recorded as
// one thousand once the number style is stated.
func TestImportAmbiguousThousands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	file := filepath.Join(dir, "t.csv")
	os.WriteFile(file, []byte("donor;date;amount;currency;category;status;source_url\nDNK;2024-06-14;1.000;DKK;in-kind;delivered;https://example.org/a\n"), 0o644)
	r := fs(t, db, "contributions", "import", file)
	if r.code != 1 || !strings.Contains(r.stderr, "t.csv:2: amount: \"1.000\" is ambiguous: 1000") || !strings.Contains(r.stderr, "or 1 with a decimal point") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if out := mustFS(t, db, "contributions", "list", "--dataset", "user"); strings.Contains(out, "DNK") {
		t.Fatalf("refused import recorded something:\n%s", out)
	}
	if r := fs(t, db, "contributions", "import", file, "--decimal-comma", "--decimal-point"); r.code != 2 {
		t.Fatalf("both styles: exit %d", r.code)
	}
	mustFS(t, db, "contributions", "import", "--decimal-comma", file)
	if out := mustFS(t, db, "contributions", "list", "--dataset", "user", "--format", "csv"); !strings.Contains(out, "1000.00,DKK") {
		t.Fatalf("want 1000.00 DKK:\n%s", out)
	}
	// The point style reads the same file as one krone: a new entry.
	mustFS(t, db, "contributions", "import", "--decimal-point", file)
	if out := mustFS(t, db, "contributions", "list", "--dataset", "user", "--format", "csv"); !strings.Contains(out, ",1.00,DKK") {
		t.Fatalf("want 1.00 DKK:\n%s", out)
	}
}

// TestDBCopyNULAndRepair: a SQLite file holding a NUL byte in an old version
// copies to PostgreSQL to the end, naming the row; data repair fixes it.
func TestDBCopyNULAndRepair(t *testing.T) {
	pg := storetest.PostgresDSN(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "old.db")
	file := filepath.Join(dir, "dk.csv")
	os.WriteFile(file, []byte(dkkRow), 0o644)
	mustFS(t, db, "contributions", "import", file)
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// As a version written before NUL was refused would hold it.
	var id string
	if err := st.DB().QueryRowContext(ctx, `UPDATE contribution_versions SET description = 'June' || char(0) || 'delivery'
		WHERE dataset = 'user' RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := mustFS(t, db, "db", "copy", "--from", db, "--to", pg)
	if !strings.Contains(out, "not copied as it was: contribution "+id+" version 1: description") {
		t.Fatalf("copy did not name the row:\n%s", out)
	}
	out = mustFS(t, db, "data", "repair", "--reason", "NUL from an old import")
	if !strings.Contains(out, "repaired "+id+": version 2 (description)") {
		t.Fatalf("repair:\n%s", out)
	}
	hist := mustFS(t, db, "contributions", "history", id, "--format", "csv")
	if !strings.Contains(hist, "June\uFFFDdelivery") || !strings.Contains(hist, "NUL from an old import") {
		t.Fatalf("history after repair:\n%s", hist)
	}
	if out := mustFS(t, db, "data", "repair"); !strings.Contains(out, "0 entries repaired") {
		t.Fatalf("second repair:\n%s", out)
	}
	out = mustFS(t, db, "db", "copy", "--from", db, "--to", pg)
	if !regexp.MustCompile(`contribution versions: +1 copied`).MatchString(out) {
		t.Fatalf("second copy:\n%s", out)
	}
}
