package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
	"github.com/fairshare/fairshare/internal/ledgerio"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestImportWhileReading covers ImportContributions on PostgreSQL, which
// records while it reads (importpipe.go): a file big enough for the locked
// direct copy, with a bad row at its end, an entry twice, a re-import and
// a dataset the user may not write; each either records all or nothing.
func TestImportWhileReading(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, storetest.PostgresDSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !a.sql.RecordsWhileReading() {
		t.Fatal("PostgreSQL should record while reading")
	}
	const rows = 21000 // above the store's threshold for the locked copy
	// fileIn holds n rows from row from on, then extra; with dataset, each
	// row names it.
	fileIn := func(dataset string, from, n int, extra string) string {
		var b strings.Builder
		b.WriteString("donor,date,amount,currency,category,status,source_url,description,dataset\n")
		for k := range n {
			fmt.Fprintf(&b, "DNK,2024-06-14,%d,DKK,in-kind,delivered,https://example.org/p,row %d,%s\n", k+1, from+k, dataset)
		}
		b.WriteString(extra)
		return b.String()
	}
	file := func(from, n int, extra string) string { return fileIn("", from, n, extra) }
	ledger := func() (n int, idx string) {
		t.Helper()
		db := a.sql.DB()
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM contribution_versions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename = 'contribution_versions'`).Scan(&idx); err != nil {
			t.Fatal(err)
		}
		return n, idx
	}
	n0, idx0 := ledger()
	imp := func(body string, ch fairshare.Change) (fairshare.ImportResult, error) {
		return a.ImportContributions(ctx, strings.NewReader(body), "big.csv", "", ledgerio.Options{}, ch)
	}
	unchanged := func(what string) {
		t.Helper()
		if n, idx := ledger(); n != n0 || idx != idx0 {
			t.Fatalf("%s changed the ledger: %d rows (want %d), indexes\n%s\nwant\n%s", what, n, n0, idx, idx0)
		}
	}

	// A bad last row: EINVALID naming file, line and field; nothing recorded.
	bad := file(0, rows, "DNK,2024-06-14,12,XXX,in-kind,delivered,https://example.org/p,bad,\n")
	_, err = imp(bad, fairshare.Change{Author: "t"})
	var ce *csvio.Error
	if fairshare.ErrorCode(err) != fairshare.EINVALID || !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), fmt.Sprintf("big.csv:%d:", rows+2)) {
		t.Fatalf("bad file: %v", err)
	}
	unchanged("a bad file")

	// A dataset the editor may not write: refused as such, nothing recorded.
	if _, err := imp(fileIn("kiel-r29", 0, rows, ""), fairshare.Change{Author: "ed", Role: fairshare.Editor}); fairshare.ErrorCode(err) != fairshare.EFORBIDDEN {
		t.Fatalf("refused dataset: %v", err)
	}
	unchanged("a refused import")

	// An entry twice: added once (the direct copy gives way to the staging
	// table); then the same file again adds nothing.
	twice := file(0, rows, "DNK,2024-06-14,7,DKK,in-kind,delivered,https://example.org/p,row 6,\n")
	res, err := imp(twice, fairshare.Change{Author: "t"})
	if err != nil || res.Added != rows || res.Skipped != 1 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	if n, idx := ledger(); n != n0+rows || idx != idx0 {
		t.Fatalf("after the import: %d rows (want %d), indexes\n%s\nwant\n%s", n, n0+rows, idx, idx0)
	}
	if res, err := imp(twice, fairshare.Change{Author: "t"}); err != nil || res.Added != 0 || res.Skipped != rows+1 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	// A small file goes by the row path, read to its end first.
	if res, err := imp(file(rows, 3, ""), fairshare.Change{Author: "t"}); err != nil || res.Added != 3 {
		t.Fatalf("small import: %+v %v", res, err)
	}
}
